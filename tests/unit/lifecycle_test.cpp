// The bridge's lifecycle, driven by a fake clock: every way of ending, the ladder, the watchdog,
// backpressure and the child heartbeat.
#include "core/lifecycle.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

namespace s2j {
namespace {

using Kind = LifecycleAction::Kind;
using Actions = std::vector<LifecycleAction>;

LifecycleAction A(Kind kind, int64_t value = 0) { return LifecycleAction{kind, value}; }

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest() : log_(LogLevel::kDebug, [this](LogLevel l, std::string_view m) { logs_.emplace_back(l, m); }) {}

  Lifecycle& make(LifecycleSettings settings = {}) {
    life_ = std::make_unique<Lifecycle>(settings, log_);
    return *life_;
  }
  // Connected, the child started (pid 42), at time 0; the start-up actions are taken.
  Lifecycle& running(LifecycleSettings settings = {}) {
    Lifecycle& life = make(settings);
    life.start(0);
    life.on_connected(0, "127.0.0.1:5000", "", 0);
    life.on_child_started(0, 42, "child", "", 0);
    life.take_actions();
    return life;
  }
  bool logged(LogLevel level, std::string_view text) const {
    for (const auto& [l, m] : logs_)
      if (l == level && m.find(text) != std::string::npos) return true;
    return false;
  }

  std::vector<std::pair<LogLevel, std::string>> logs_;
  Logger log_;
  std::unique_ptr<Lifecycle> life_;
};

TEST_F(LifecycleTest, ConnectsThenStartsTheChildThenGreetsIt) {
  Lifecycle& life = make();
  life.start(0);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kConnect)});
  life.on_connected(0, "127.0.0.1:5000", "", 0.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSpawnChild)});
  life.on_child_started(0, 42, "python3", "", 0.2);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStartBridge), A(Kind::kSendChildPing, 1)}));
  EXPECT_EQ(life.phase(), Lifecycle::Phase::kRunning);
  EXPECT_TRUE(logged(LogLevel::kInfo, "child pid 42"));
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 20.2) << "the next child ping; the watchdog is at 60.2";
}

TEST_F(LifecycleTest, StartUpFailuresExitWithTheirErrno) {
  Lifecycle& refused = make();
  refused.start(0);
  refused.take_actions();
  refused.on_connected(ECONNREFUSED, "127.0.0.1:5000", "connection refused", 0);
  EXPECT_EQ(refused.take_actions(), Actions{A(Kind::kExit, ECONNREFUSED)});
  EXPECT_TRUE(logged(LogLevel::kError, "cannot connect to Spectrum at 127.0.0.1:5000: connection refused"));

  Lifecycle& missing = make();
  missing.start(0);
  missing.on_connected(0, "x", "", 0);
  missing.take_actions();
  missing.on_child_started(ENOENT, 0, "/no/such", "no such file or directory", 0);
  EXPECT_EQ(missing.take_actions(), Actions{A(Kind::kExit, ENOENT)});
  EXPECT_TRUE(logged(LogLevel::kError, "cannot start child '/no/such'"));
}

TEST_F(LifecycleTest, ExitClimbsTheLadderAndEndsWithZero) {
  Lifecycle& life = running();
  life.on_exit_frame(1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kPauseSpectrum), A(Kind::kCloseChildInput)}));
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 6) << "shutdown_timeout 5 s";
  life.on_time(5.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(6);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalChild, SIGTERM)});
  life.on_time(8);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalChild, SIGKILL)});
  life.on_child_exit(0, SIGKILL, 8.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kCloseChildInput)});
  life.on_child_output_end(8.2);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kFinishSpectrum)});
  life.on_spectrum_finished(8.3);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kLingerSpectrum), A(Kind::kProbeSpectrum)}));
  life.on_spectrum_delivery(0, 0, 8.3);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 0)});
  EXPECT_EQ(life.exit_code(), 0) << "the bridge did what Spectrum asked";
}

TEST_F(LifecycleTest, AChildThatExitsWhenAskedIsNotSignalled) {
  Lifecycle& life = running();
  life.on_exit_frame(1);
  life.take_actions();
  life.on_child_output_end(2);
  life.on_child_exit(0, 0, 2);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseChildInput), A(Kind::kFinishSpectrum)}));
  life.on_time(100);
  for (const LifecycleAction& a : life.take_actions())
    EXPECT_NE(a.kind, Kind::kSignalChild) << "no SIGTERM for a child that is gone";
  EXPECT_TRUE(logged(LogLevel::kInfo, "child exited with code 0"));
}

TEST_F(LifecycleTest, AChildExitingOnItsOwnEndsTheBridgeWithItsCode) {
  Lifecycle& life = running();
  life.on_child_exit(3, 0, 1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kPauseSpectrum), A(Kind::kCloseChildInput)}));
  EXPECT_TRUE(logged(LogLevel::kError, "child exited with code 3 on its own"));
  life.on_child_output_end(1.1);  // its last lines are read first
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kFinishSpectrum)});
  life.on_spectrum_finished(1.2);
  life.take_actions();
  life.on_spectrum_end(0, 1.3);  // Spectrum saw the end and closed
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 3)}));
}

// Closing with input unread would reset the connection and throw away frames Spectrum has not
// received yet: the bridge drops what Spectrum still sends until the kernel has delivered all.
TEST_F(LifecycleTest, TheLastFramesAreDeliveredBeforeTheConnectionCloses) {
  Lifecycle& life = running();
  life.on_child_exit(0, SIGKILL, 1);
  life.on_child_output_end(1);
  EXPECT_EQ(life.take_actions().back(), A(Kind::kFinishSpectrum));
  EXPECT_TRUE(life.drops_spectrum_input());
  life.on_spectrum_finished(1.5);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kLingerSpectrum), A(Kind::kProbeSpectrum)}));
  life.on_spectrum_delivery(70000, 0, 1.5);  // not yet acknowledged
  EXPECT_TRUE(life.take_actions().empty());
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 1.5 + kLingerProbeSeconds);
  life.on_time(1.5 + kLingerProbeSeconds);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kProbeSpectrum)});
  life.on_spectrum_delivery(0, 300, 1.6);  // Spectrum sent more: it is read and dropped first
  EXPECT_TRUE(life.take_actions().empty());
  life.on_spectrum_delivery(0, 0, 1.7);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 128 + SIGKILL)});
}

TEST_F(LifecycleTest, LingeringEndsAtTheShutdownTimeoutWhateverSpectrumDoes) {
  Lifecycle& life = running();
  life.on_exit_frame(1);
  life.on_child_exit(0, 0, 2);
  life.on_child_output_end(2);
  life.on_spectrum_finished(2);
  life.take_actions();
  for (double t = 2; t < 6.9; t += kLingerProbeSeconds) {
    life.on_spectrum_delivery(1, 0, t);
    life.on_time(t + kLingerProbeSeconds);
    for (const LifecycleAction& a : life.take_actions()) ASSERT_EQ(a.kind, Kind::kProbeSpectrum) << t;
  }
  life.on_time(7);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 0)});
  EXPECT_TRUE(logged(LogLevel::kWarn, "Spectrum did not take the last frames within 5 s"));
}

TEST_F(LifecycleTest, ACleanExitNobodyAskedForIsAWarningAndAKillIs128PlusTheSignal) {
  Lifecycle& clean = running();
  clean.on_child_exit(0, 0, 1);
  EXPECT_TRUE(logged(LogLevel::kWarn, "child exited with code 0 on its own"));
  logs_.clear();
  Lifecycle& killed = running();
  killed.on_child_exit(0, SIGKILL, 1);
  killed.on_child_output_end(1);
  killed.on_spectrum_finished(1);
  killed.on_spectrum_delivery(0, 0, 1);
  EXPECT_EQ(killed.take_actions().back(), A(Kind::kExit, 128 + SIGKILL));
  EXPECT_TRUE(logged(LogLevel::kError, "child was killed by signal 9"));
}

TEST_F(LifecycleTest, AGrandchildHoldingTheChildsStdoutIsNotWaitedForForever) {
  Lifecycle& life = running();
  life.on_child_exit(4, 0, 10);
  life.take_actions();
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 15);
  life.on_time(15);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStopReadingChild), A(Kind::kFinishSpectrum)}));
  EXPECT_TRUE(logged(LogLevel::kWarn, "stdout is still open"));
}

TEST_F(LifecycleTest, SpectrumNotTakingTheLastFramesIsNotWaitedForForever) {
  Lifecycle& life = running();
  life.on_child_exit(0, 0, 1);
  life.on_child_output_end(1);
  life.take_actions();
  life.on_time(5.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(6);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 0)});
}

TEST_F(LifecycleTest, TheConnectionEndingStopsTheChildAndExitsOnceItIsGone) {
  Lifecycle& life = running();
  life.on_spectrum_end(0, 3);
  EXPECT_EQ(life.take_actions(),
            (Actions{A(Kind::kCloseSpectrum), A(Kind::kPauseSpectrum), A(Kind::kCloseChildInput)}));
  EXPECT_TRUE(logged(LogLevel::kInfo, "Spectrum closed the connection"));
  life.on_child_exit(0, 0, 3.5);
  life.on_child_output_end(3.5);
  EXPECT_EQ(life.take_actions().back(), A(Kind::kExit, 0)) << "nothing left to flush to";
}

TEST_F(LifecycleTest, ASecondSignalKillsTheChildAtOnce) {
  Lifecycle& life = running();
  life.on_signal(SIGTERM, 1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kPauseSpectrum), A(Kind::kCloseChildInput)}));
  life.on_signal(SIGINT, 1.5);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalChild, SIGKILL)});
  life.on_signal(SIGINT, 1.6);
  EXPECT_TRUE(life.take_actions().empty());
}

TEST_F(LifecycleTest, NoPingForThePingTimeoutStopsTheBridge) {
  LifecycleSettings s;
  s.child_ping_timeout = 0;
  Lifecycle& life = running(s);
  life.on_ping(50);
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 110);
  life.on_time(109);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(110);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kPauseSpectrum), A(Kind::kCloseChildInput)}));
  EXPECT_TRUE(logged(LogLevel::kInfo, "no PING from Spectrum for 60 s"));
}

// A child that does not read makes the bridge stop reading from Spectrum; Spectrum's PINGs then
// wait in the socket, and the watchdog must not take that silence for Spectrum's.
TEST_F(LifecycleTest, BackpressureTowardTheChildPausesSpectrumAndTheWatchdog) {
  LifecycleSettings s;
  s.buffer_limit = 1000;
  s.child_ping_timeout = 0;
  Lifecycle& life = running(s);
  life.on_ping(10);
  life.on_queues(1001, 0, 20);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kPauseSpectrum)});
  EXPECT_TRUE(logged(LogLevel::kWarn, "child is not keeping up (1001 bytes queued)"));
  EXPECT_EQ(life.next_deadline(), std::nullopt);
  life.on_time(500);
  EXPECT_TRUE(life.take_actions().empty()) << "480 s without reading, no watchdog";
  life.on_queues(600, 0, 500);
  EXPECT_TRUE(life.take_actions().empty()) << "not yet at half the limit";
  life.on_queues(500, 0, 501);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kResumeSpectrum)});
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 551) << "50 s of the 60 were left";
  life.on_queues(2000, 0, 502);
  life.take_actions();
  EXPECT_FALSE(logged(LogLevel::kWarn, "2000 bytes")) << "said at warn level once";
  EXPECT_TRUE(logged(LogLevel::kDebug, "2000 bytes"));
}

TEST_F(LifecycleTest, BackpressureTowardSpectrumPausesTheChild) {
  LifecycleSettings s;
  s.buffer_limit = 1000;
  Lifecycle& life = running(s);
  life.on_queues(0, 5000, 1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kPauseChild)});
  life.on_queues(0, 500, 2);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kResumeChild)});
}

TEST_F(LifecycleTest, AHungChildIsEndedAndTheConnectionClosedSoSpectrumMovesItsUsers) {
  LifecycleSettings s;
  s.child_ping_timeout = 6;
  Lifecycle& life = make(s);
  life.start(0);
  life.on_connected(0, "x", "", 0);
  life.take_actions();
  life.on_child_started(0, 42, "child", "", 0);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStartBridge), A(Kind::kSendChildPing, 1)}));
  life.on_child_pong("1", 0.1);
  life.on_time(2);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSendChildPing, 2)});  // never answered
  life.on_time(4);
  life.on_time(6);
  life.take_actions();
  life.on_time(7.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(8);
  EXPECT_EQ(life.take_actions(),
            (Actions{A(Kind::kCloseSpectrum), A(Kind::kCloseChildInput), A(Kind::kSignalChild, SIGTERM)}));
  EXPECT_TRUE(logged(LogLevel::kError, "it is hung"));
  life.on_time(10);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalChild, SIGKILL)}) << "2 s after SIGTERM";
  life.on_child_exit(0, SIGKILL, 10.1);
  life.on_child_output_end(10.1);
  EXPECT_EQ(life.take_actions().back(), A(Kind::kExit, kExitChildHung));
}

TEST_F(LifecycleTest, AChildThatNeverAnswersPingsIsLeftAlone) {
  LifecycleSettings s;
  s.child_ping_timeout = 6;
  Lifecycle& life = running(s);
  for (double t = 0; t <= 60; t += 0.5) {
    life.on_ping(t);
    life.on_time(t);
  }
  for (const LifecycleAction& a : life.take_actions()) EXPECT_EQ(a.kind, Kind::kSendChildPing);
  EXPECT_EQ(life.phase(), Lifecycle::Phase::kRunning);
}

TEST_F(LifecycleTest, ZeroChildPingTimeoutSendsNoPings) {
  LifecycleSettings s;
  s.child_ping_timeout = 0;
  Lifecycle& life = make(s);
  life.start(0);
  life.on_connected(0, "x", "", 0);
  life.take_actions();
  life.on_child_started(0, 42, "child", "", 0);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kStartBridge)});
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 60) << "only the PING watchdog";
}

}  // namespace
}  // namespace s2j
