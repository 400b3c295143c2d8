// The small timed parts the state machines are built from, driven by a fake clock.
#include <gtest/gtest.h>

#include "core/backpressure.h"
#include "core/child_heartbeat.h"
#include "core/ping_watchdog.h"
#include "core/stop_ladder.h"

namespace s2j {
namespace {

using Rung = StopLadder::Rung;

TEST(StopLadder, AsksThenTerminatesThenKills) {
  StopLadder ladder(5, 2);
  EXPECT_EQ(ladder.start(100), Rung::kAsk);
  EXPECT_EQ(ladder.deadline(), 105);
  EXPECT_EQ(ladder.on_time(104.9), std::nullopt);
  EXPECT_EQ(ladder.on_time(105), Rung::kTerminate);
  EXPECT_EQ(ladder.deadline(), 107);
  EXPECT_EQ(ladder.on_time(106), std::nullopt);
  EXPECT_EQ(ladder.on_time(107.5), Rung::kKill);
  EXPECT_EQ(ladder.deadline(), std::nullopt);
  EXPECT_EQ(ladder.on_time(1000), std::nullopt) << "nothing after SIGKILL";
}

TEST(StopLadder, StopsClimbingOnceTheChildExited) {
  StopLadder ladder(5, 2);
  ladder.start(0);
  ladder.on_exited();
  EXPECT_EQ(ladder.deadline(), std::nullopt);
  EXPECT_EQ(ladder.on_time(10), std::nullopt);
  EXPECT_EQ(ladder.kill_now(), std::nullopt);
}

TEST(StopLadder, CanStartAtSigtermAndJumpToSigkill) {
  StopLadder hung(5, 2);
  EXPECT_EQ(hung.start(0, Rung::kTerminate), Rung::kTerminate);
  EXPECT_EQ(hung.deadline(), 2);
  StopLadder impatient(5, 2);
  impatient.start(0);
  EXPECT_EQ(impatient.kill_now(), Rung::kKill);
  EXPECT_EQ(impatient.kill_now(), std::nullopt) << "once";
  EXPECT_EQ(impatient.on_time(100), std::nullopt);
  EXPECT_EQ(impatient.start(100), std::nullopt) << "a ladder is climbed once";
}

TEST(Backpressure, PausesOverTheLimitAndResumesAtHalf) {
  Backpressure valve(1000);
  EXPECT_EQ(valve.update(1000), Backpressure::Change::kNone) << "at the limit is not over it";
  EXPECT_EQ(valve.update(1001), Backpressure::Change::kPause);
  EXPECT_EQ(valve.update(5000), Backpressure::Change::kNone);
  EXPECT_EQ(valve.update(501), Backpressure::Change::kNone) << "hysteresis: not yet";
  EXPECT_EQ(valve.update(500), Backpressure::Change::kResume);
  EXPECT_EQ(valve.update(900), Backpressure::Change::kNone);
  EXPECT_EQ(valve.update(2000), Backpressure::Change::kPause);
  EXPECT_EQ(valve.pauses(), 2u);
}

TEST(PingWatchdog, FiresAfterTheTimeoutWithoutPing) {
  PingWatchdog dog(60);
  EXPECT_EQ(dog.deadline(), std::nullopt) << "not started";
  dog.restart(0);
  EXPECT_FALSE(dog.expired(59.9));
  EXPECT_TRUE(dog.expired(60));
  dog.restart(50);  // a PING
  EXPECT_FALSE(dog.expired(100));
  EXPECT_EQ(dog.deadline(), 110);
  dog.stop();
  EXPECT_FALSE(dog.expired(1000));
}

// While the bridge holds Spectrum back, PINGs wait unread: that time does not count.
TEST(PingWatchdog, TimeWithoutReadingDoesNotCount) {
  PingWatchdog dog(60);
  dog.restart(0);
  dog.pause(50);
  EXPECT_EQ(dog.deadline(), std::nullopt);
  EXPECT_FALSE(dog.expired(500));
  dog.resume(500);
  EXPECT_EQ(dog.deadline(), 510) << "10 s of its 60 were left";
  EXPECT_FALSE(dog.expired(509));
  EXPECT_TRUE(dog.expired(510));
}

TEST(ChildHeartbeat, PingsEveryThirdOfTheTimeoutFromTheStart) {
  ChildHeartbeat beat(60);
  beat.start(0);
  EXPECT_EQ(beat.on_time(0), 1u);
  EXPECT_EQ(beat.on_time(19), std::nullopt);
  EXPECT_EQ(beat.deadline(), 20);
  EXPECT_EQ(beat.on_time(20), 2u);
  EXPECT_EQ(beat.on_time(40), 3u);
}

TEST(ChildHeartbeat, AChildThatNeverAnswersIsNeverJudged) {
  ChildHeartbeat beat(6);
  beat.start(0);
  for (double t = 0; t < 100; t += 2) beat.on_time(t);
  EXPECT_FALSE(beat.opted_in());
  EXPECT_FALSE(beat.hung(100));
}

TEST(ChildHeartbeat, AnOptedInChildThatStopsAnsweringIsHungAfterTheTimeout) {
  ChildHeartbeat beat(6);
  beat.start(0);
  EXPECT_EQ(beat.on_time(0), 1u);
  beat.on_pong("1");
  EXPECT_TRUE(beat.opted_in());
  EXPECT_EQ(beat.on_time(2), 2u);    // never answered from here on
  EXPECT_EQ(beat.on_time(4.5), 3u);  // the loop may call late: the next ping is due at 6.5
  EXPECT_FALSE(beat.hung(7.9));
  EXPECT_EQ(beat.deadline(), 6.5) << "the next ping is due first";
  beat.on_time(6.5);
  EXPECT_EQ(beat.deadline(), 8) << "ping 2 runs out at 2 + 6, before the next ping at 8.5";
  EXPECT_TRUE(beat.hung(8));
}

TEST(ChildHeartbeat, AnAnswerCoversEarlierPingsAndUnknownIdsAreIgnored) {
  ChildHeartbeat beat(6);
  beat.start(0);
  beat.on_time(0);
  beat.on_pong("1");
  beat.on_time(2);
  beat.on_time(4);
  beat.on_pong("3");  // read in order: 2 was read too
  EXPECT_FALSE(beat.hung(9));
  for (const char* bogus : {"99", "0", "x", "", "3 ", "-1"}) beat.on_pong(bogus);
  beat.on_time(6);
  EXPECT_TRUE(beat.hung(12)) << "ping 4 (sent at 6) unanswered";
}

TEST(ChildHeartbeat, ZeroTimeoutIsOff) {
  ChildHeartbeat beat(0);
  beat.start(0);
  EXPECT_EQ(beat.on_time(0), std::nullopt);
  EXPECT_EQ(beat.deadline(), std::nullopt);
}

}  // namespace
}  // namespace s2j
