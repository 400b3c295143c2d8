// The tap's lifecycle, driven by a fake clock: start-up, every way of ending, what is passed on to
// each side, and the exit code the tap takes from the backend.
#include "core/tap_lifecycle.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

namespace s2j {
namespace {

using Kind = TapAction::Kind;
using Actions = std::vector<TapAction>;

TapAction A(Kind kind, int64_t value = 0) { return TapAction{kind, value}; }

class TapLifecycleTest : public ::testing::Test {
 protected:
  TapLifecycleTest() : log_(LogLevel::kDebug, [this](LogLevel l, std::string_view m) { logs_.emplace_back(l, m); }) {}

  TapLifecycle& make(TapLifecycleSettings settings = {}) {
    life_ = std::make_unique<TapLifecycle>(settings, log_);
    return *life_;
  }
  // Connected to Spectrum, the backend (pid 42) started and connected at time 0; actions taken.
  TapLifecycle& running(TapLifecycleSettings settings = {}) {
    TapLifecycle& life = starting(settings);
    life.on_backend_connected(0);
    life.take_actions();
    return life;
  }
  TapLifecycle& starting(TapLifecycleSettings settings = {}) {
    TapLifecycle& life = make(settings);
    life.start(0);
    life.on_connected(0, "127.0.0.1:5000", "", 0);
    life.on_backend_started(0, 42, "backend", 6000, "", 0);
    life.take_actions();
    return life;
  }
  // Drives the flush and the linger to their end, as the shell reports them.
  void deliver_everything(TapLifecycle& life, double now) {
    EXPECT_EQ(life.phase(), TapLifecycle::Phase::kFlushing);
    life.on_spectrum_finished(now);
    EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kLingerSpectrum), A(Kind::kProbeSpectrum)}));
    life.on_spectrum_delivery(0, 0, now);
  }
  bool logged(LogLevel level, std::string_view text) const {
    for (const auto& [l, m] : logs_)
      if (l == level && m.find(text) != std::string::npos) return true;
    return false;
  }

  std::vector<std::pair<LogLevel, std::string>> logs_;
  Logger log_;
  std::unique_ptr<TapLifecycle> life_;
};

TEST_F(TapLifecycleTest, ConnectsThenStartsTheBackendThenRelaysOnceItConnects) {
  TapLifecycle& life = make();
  life.start(0);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kConnect)});
  life.on_connected(0, "127.0.0.1:5000", "", 0.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kStartBackend)});
  life.on_backend_started(0, 42, "backend", 6000, "", 0.2);
  EXPECT_TRUE(life.take_actions().empty()) << "nothing is relayed before the backend connects";
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 30.2) << "the backend's time to connect";
  life.on_backend_connected(1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kStartRelay)});
  EXPECT_EQ(life.phase(), TapLifecycle::Phase::kRunning);
  EXPECT_FALSE(life.next_deadline()) << "running, the tap judges nothing: the backend answers PING itself";
  EXPECT_TRUE(logged(LogLevel::kInfo, "tapping native backend 'backend' (pid 42)"));
}

TEST_F(TapLifecycleTest, ABackendThatNeverConnectsIsEndedAndTheTapExitsWithETIMEDOUT) {
  TapLifecycle& life = starting({5, 30, 1 << 20});
  life.on_time(29.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(30);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kSignalBackend, SIGTERM), A(Kind::kFinishSpectrum)}));
  EXPECT_TRUE(logged(LogLevel::kError, "did not connect to 127.0.0.1:6000 within 30 s"));
  deliver_everything(life, 30.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kCloseSpectrum)}) << "it waits for the backend's exit";
  life.on_time(32);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalBackend, SIGKILL)});
  life.on_backend_exit(0, SIGKILL, 32.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, ETIMEDOUT)}) << "the reason, not the kill's 137";
}

TEST_F(TapLifecycleTest, ABackendThatExitsBeforeConnectingIsAStartUpErrorWithItsCode) {
  TapLifecycle& life = starting();
  life.on_backend_exit(3, 0, 0.5);
  EXPECT_TRUE(logged(LogLevel::kError, "exited with code 3 before it connected to 127.0.0.1:6000"));
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kFinishSpectrum)});
  deliver_everything(life, 0.6);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 3)}));

  TapLifecycle& clean = starting();
  clean.on_backend_exit(0, 0, 0.5);
  clean.take_actions();
  deliver_everything(clean, 0.6);
  EXPECT_EQ(clean.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 1)}))
      << "code 0 would hide that it never served";
}

TEST_F(TapLifecycleTest, StartUpFailuresExitWithTheirErrno) {
  TapLifecycle& refused = make();
  refused.start(0);
  refused.on_connected(ECONNREFUSED, "127.0.0.1:1", "connection refused", 0);
  EXPECT_EQ(refused.take_actions(), (Actions{A(Kind::kConnect), A(Kind::kExit, ECONNREFUSED)}));
  TapLifecycle& missing = make();
  missing.start(0);
  missing.on_connected(0, "127.0.0.1:5000", "", 0);
  missing.on_backend_started(ENOENT, 0, "/nope", 6000, "no such file or directory", 0);
  EXPECT_EQ(missing.take_actions(), (Actions{A(Kind::kConnect), A(Kind::kStartBackend), A(Kind::kExit, ENOENT)}));
  EXPECT_TRUE(logged(LogLevel::kError, "cannot start the native backend '/nope': no such file or directory"));
}

TEST_F(TapLifecycleTest, TheBackendExitingEndsTheTapWithItsCodeAfterItsLastBytesReachedSpectrum) {
  TapLifecycle& life = running();
  life.on_backend_exit(7, 0, 1);
  EXPECT_TRUE(logged(LogLevel::kError, "the backend exited with code 7; the tap exits with its code"));
  EXPECT_TRUE(life.take_actions().empty()) << "its connection may still hold frames";
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 6);
  life.on_backend_end(0, 1.2);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStopReadingBackend), A(Kind::kFinishSpectrum)}));
  deliver_everything(life, 1.3);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 7)}));
}

TEST_F(TapLifecycleTest, ABackendKilledBySignalGivesTheShellsCode) {
  TapLifecycle& life = running();
  life.on_backend_end(0, 1);
  life.on_backend_exit(0, SIGSEGV, 1);
  life.take_actions();
  deliver_everything(life, 1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 128 + SIGSEGV)}));
}

TEST_F(TapLifecycleTest, SpectrumsEndIsPassedOnThenTheBackendHasShutdownTimeoutToExit) {
  TapLifecycle& life = running({5, 30, 1 << 20});
  life.on_spectrum_end(0, 10);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kFinishBackend)}));
  life.on_time(14.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(15);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalBackend, SIGTERM)});
  life.on_backend_end(0, 15.5);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kStopReadingBackend)});
  life.on_backend_exit(0, SIGTERM, 15.5);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 128 + SIGTERM)});
}

TEST_F(TapLifecycleTest, ExitFromSpectrumIsRelayedThenTheBackendIsAskedToGo) {
  TapLifecycle& life = running();
  life.on_exit_frame(2);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kFinishBackend)}) << "the EXIT frame itself went first, relayed";
  EXPECT_TRUE(life.relays_to_spectrum()) << "the backend's last words still reach Spectrum";
  EXPECT_FALSE(life.relays_to_backend());
  life.on_backend_end(0, 2.1);
  life.on_backend_exit(0, 0, 2.1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStopReadingBackend), A(Kind::kFinishSpectrum)}));
  deliver_everything(life, 2.2);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 0)}));
}

TEST_F(TapLifecycleTest, TheBackendClosingItsConnectionIsPassedOnToSpectrumBeforeItExits) {
  TapLifecycle& life = running({5, 30, 1 << 20});
  life.on_backend_end(0, 3);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kStopReadingBackend), A(Kind::kFinishSpectrum)}));
  deliver_everything(life, 3.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kCloseSpectrum)}) << "the tap still waits for the exit code";
  life.on_time(8);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalBackend, SIGTERM)});
  life.on_backend_exit(0, 0, 8.1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kExit, 0)});
}

TEST_F(TapLifecycleTest, ASignalIsPassedOnThenSigkillAfterTheTimeoutOrAtTheSecondSignal) {
  TapLifecycle& life = running({5, 30, 1 << 20});
  life.on_signal(SIGINT, 1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalBackend, SIGINT)}) << "the same signal, not SIGTERM";
  life.on_time(5.9);
  EXPECT_TRUE(life.take_actions().empty());
  life.on_time(6);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kSignalBackend, SIGKILL)});

  TapLifecycle& twice = running();
  twice.on_signal(SIGTERM, 1);
  twice.on_signal(SIGTERM, 1.5);
  EXPECT_EQ(twice.take_actions(), (Actions{A(Kind::kSignalBackend, SIGTERM), A(Kind::kSignalBackend, SIGKILL)}));
  twice.on_backend_end(0, 1.6);
  twice.on_backend_exit(0, SIGKILL, 1.6);
  EXPECT_EQ(twice.take_actions(), (Actions{A(Kind::kStopReadingBackend), A(Kind::kFinishSpectrum)}));
  deliver_everything(twice, 1.7);
  EXPECT_EQ(twice.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 128 + SIGKILL)}));
}

TEST_F(TapLifecycleTest, SpectrumThatNeverTakesTheLastBytesIsClosedAtTheTimeout) {
  TapLifecycle& life = running({5, 30, 1 << 20});
  life.on_backend_end(0, 1);
  life.on_backend_exit(0, 0, 1);
  life.take_actions();
  life.on_spectrum_finished(1);
  life.take_actions();
  life.on_spectrum_delivery(100, 0, 1);
  EXPECT_DOUBLE_EQ(*life.next_deadline(), 1.01) << "the next look at the kernel's queues";
  life.on_time(6);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kCloseSpectrum), A(Kind::kExit, 0)}));
  EXPECT_TRUE(logged(LogLevel::kWarn, "Spectrum did not take the last frames within 5 s"));
}

TEST_F(TapLifecycleTest, BackpressureEachWayPausesTheOtherSide) {
  TapLifecycle& life = running({5, 30, 1000});
  life.on_queues(1001, 0, 1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kPauseSpectrum)});
  life.on_queues(500, 1001, 1);
  EXPECT_EQ(life.take_actions(), (Actions{A(Kind::kResumeSpectrum), A(Kind::kPauseBackend)}));
  life.on_queues(0, 0, 1);
  EXPECT_EQ(life.take_actions(), Actions{A(Kind::kResumeBackend)});
}

}  // namespace
}  // namespace s2j
