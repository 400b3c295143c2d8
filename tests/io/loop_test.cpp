// Loop: runs until nothing is active, and always ends clean, whatever its owner left open.
#include "io/loop.h"

#include <gtest/gtest.h>

#include <cmath>

#include "io/timer.h"
#include "io_test_support.h"

namespace s2j {
namespace {

TEST(LoopTest, EmptyLoopRunsAndClosesAtOnce) {
  Loop loop;
  ASSERT_EQ(loop.init_status(), 0);
  EXPECT_EQ(loop.run(), 0);
  EXPECT_EQ(loop.close(), 0);
  EXPECT_EQ(loop.close(), 0);  // a second close has nothing to do
}

TEST(LoopTest, CloseClosesWhatItsOwnerLeftOpenAndCountsIt) {
  uv_timer_t active{}, idle{};
  Loop loop;
  ASSERT_EQ(uv_timer_init(loop.get(), &active), 0);
  ASSERT_EQ(uv_timer_start(
                &active, [](uv_timer_t*) {}, 3600 * 1000, 0),
            0);
  ASSERT_EQ(uv_timer_init(loop.get(), &idle), 0);
  EXPECT_EQ(loop.close(), 2);
}

TEST(LoopTest, CloseWaitsForClosesAlreadyUnderWay) {
  Loop loop;
  Timer timer;
  ASSERT_EQ(timer.init(loop.get()), 0);
  timer.close();
  EXPECT_EQ(loop.close(), 0);  // closing, not left open
}

TEST(LoopTest, CloseAfterAStopRequestedOutsideRun) {
  Loop loop;
  Timer timer;
  ASSERT_EQ(timer.init(loop.get()), 0);
  ASSERT_EQ(timer.start(3600, [] {}), 0);
  // A stop asked for while the loop is not running makes the next uv_run return at once; close()
  // must still finish closing the timer.
  loop.stop();
  timer.close();
  EXPECT_EQ(loop.close(), 0);
}

TEST(LoopTest, StopEndsRunWhileHandlesAreActive) {
  Loop loop;
  Timer stopper, pending;
  io_test::LoopCheck check(loop);
  ASSERT_EQ(stopper.init(loop.get()), 0);
  ASSERT_EQ(pending.init(loop.get()), 0);
  int stops = 0;
  ASSERT_EQ(stopper.start(0,
                          [&] {
                            ++stops;
                            loop.stop();
                          }),
            0);
  ASSERT_EQ(pending.start(3600, [] {}), 0);
  EXPECT_NE(loop.run(), 0);  // the pending timer is still active
  EXPECT_EQ(stops, 1);
  stopper.close();
  pending.close();
}

TEST(LoopTest, NowFollowsTheLoopClock) {
  Loop loop;
  Timer timer;
  ASSERT_EQ(timer.init(loop.get()), 0);
  const double started = loop.now();
  double fired = 0;
  ASSERT_EQ(timer.start(0.05, [&] { fired = loop.now(); }), 0);
  loop.run();
  timer.close();
  // In whole milliseconds, as the loop counts them: 0.05 s may come out a hair short in seconds.
  const long long elapsed_ms = std::llround((fired - started) * 1000);
  EXPECT_GE(elapsed_ms, 50);
  EXPECT_LT(elapsed_ms, 30000);
  EXPECT_EQ(loop.close(), 0);
}

}  // namespace
}  // namespace s2j
