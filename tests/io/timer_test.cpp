// Timer: a one-shot libuv timer, restarted, replaced and stopped, also from its own callback.
#include "io/timer.h"

#include <gtest/gtest.h>

#include <vector>

#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;
using io_test::Probe;

TEST(TimerTest, FiresOnceAfterItsDelay) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  const uint64_t started = uv_now(loop.get());
  uint64_t fired_at = 0;
  int calls = 0;
  ASSERT_EQ(timer.start(0.02,
                        [&] {
                          ++calls;
                          fired_at = uv_now(loop.get());
                          timer.close();
                        }),
            0);
  loop.run();
  EXPECT_EQ(calls, 1);
  EXPECT_GE(fired_at, started + 20);
}

TEST(TimerTest, NeverFiresEarlyForAFractionOfAMillisecond) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  const uint64_t started = uv_now(loop.get());
  uint64_t fired_at = 0;
  // 1.5 ms is due after 2 ms on the loop's millisecond clock, never after 1.
  ASSERT_EQ(timer.start(0.0015, [&] { fired_at = uv_now(loop.get()); }), 0);
  loop.run();
  timer.close();
  EXPECT_GE(fired_at, started + 2);
}

TEST(TimerTest, NegativeDelayFiresAtOnce) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  int calls = 0;
  ASSERT_EQ(timer.start(-5, [&] { ++calls; }), 0);
  loop.run();
  timer.close();
  EXPECT_EQ(calls, 1);
}

TEST(TimerTest, StartBeforeInitFails) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  int calls = 0;
  EXPECT_EQ(timer.start(0, [&] { ++calls; }), UV_EINVAL);
  EXPECT_EQ(timer.stop(), 0);
  timer.close();  // nothing to close: must not touch the loop
  loop.run();
  EXPECT_EQ(calls, 0);
}

TEST(TimerTest, StoppedTimerNeverFires) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  int calls = 0;
  ASSERT_EQ(timer.start(0.01, [&] { ++calls; }), 0);
  EXPECT_EQ(timer.stop(), 0);
  loop.run();  // nothing is active: returns at once
  timer.close();
  EXPECT_EQ(calls, 0);
}

TEST(TimerTest, RestartReplacesThePendingCallback) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  int first = 0, second = 0;
  ASSERT_EQ(timer.start(3600, [&] { ++first; }), 0);
  ASSERT_EQ(timer.start(0, [&] { ++second; }), 0);
  loop.run();  // an hour-long first start would keep it running into the guard
  timer.close();
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

TEST(TimerTest, RepeatsByRestartingFromItsOwnCallback) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  std::vector<int> fired;
  std::function<void()> tick = [&] {
    fired.push_back(static_cast<int>(fired.size()) + 1);
    if (fired.size() < 5) {
      EXPECT_EQ(timer.start(0.001, tick), 0);
    }
  };
  ASSERT_EQ(timer.start(0.001, tick), 0);
  loop.run();
  timer.close();
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(TimerTest, RestartFromItsOwnCallbackKeepsThatCallbackAlive) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  int running = 0, destroyed_while_running = 0, first = 0, second = 0;
  Timer* t = &timer;
  ASSERT_EQ(timer.start(0,
                        [probe = Probe{1, &running, &destroyed_while_running}, t, &first, &second] {
                          // Read into locals first: should start() destroy this closure, nothing
                          // after it touches the closure.
                          int* now_running = probe.running;
                          int* count = &first;
                          Probe next{2, probe.running, probe.destroyed_while_running};
                          int* next_count = &second;
                          *now_running = 1;
                          ++*count;
                          EXPECT_EQ(t->start(0, [next, next_count] { ++*next_count; }), 0);
                          *now_running = 0;
                        }),
            0);
  loop.run();
  timer.close();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(destroyed_while_running, 0) << "the running callback was destroyed by its own restart";
}

TEST(TimerTest, StopFromItsOwnCallbackAfterRestarting) {
  Loop loop;
  Timer timer;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  int first = 0, second = 0;
  ASSERT_EQ(timer.start(0,
                        [&] {
                          ++first;
                          EXPECT_EQ(timer.start(0, [&] { ++second; }), 0);
                          EXPECT_EQ(timer.stop(), 0);
                        }),
            0);
  loop.run();
  timer.close();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
}

TEST(TimerTest, CloseFromItsOwnCallbackEndsTheLoop) {
  Loop loop;
  Timer timer, other;
  LoopCheck check(loop);
  ASSERT_EQ(timer.init(loop.get()), 0);
  ASSERT_EQ(other.init(loop.get()), 0);
  int calls = 0, other_calls = 0;
  ASSERT_EQ(timer.start(0,
                        [&] {
                          ++calls;
                          timer.close();
                          other.close();  // closing a pending timer cancels it
                        }),
            0);
  ASSERT_EQ(other.start(3600, [&] { ++other_calls; }), 0);
  loop.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(other_calls, 0);
}

}  // namespace
}  // namespace s2j
