// The simulator's engine, driven by a fake clock and frames written by hand: the phases, the
// scenario, the failures and their explanations, and the way it ends a backend.
#include "sim/engine.h"

#include <gtest/gtest.h>

#include <csignal>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

using Kind = SimAction::Kind;
using pbnetwork::WrapperMessage;

std::string frame(const std::string& json_line) {
  const FromChild f = json_to_wrapper(json_line, Sender::kBackend);
  EXPECT_EQ(f.kind, FromChild::Kind::kFrame) << f.error;
  std::string out;
  append_frame(out, f.frame_body);
  return out;
}

const std::string kPong = frame(R"({"type":"pong"})");
const std::string kStats = frame(R"({"type":"stats","res":1,"init_res":1,"shared":1,"id":"42"})");

// The frames in `bytes` as JSON, for assertions.
std::vector<std::string> types_in(const std::string& bytes) {
  FrameDecoder decoder(1 << 20);
  decoder.feed(bytes);
  std::vector<std::string> out;
  FrameEvent e;
  while (decoder.next(e)) {
    Wrapper w;
    EXPECT_EQ(parse_wrapper(e.body, w), "");
    out.push_back(w.type ? w.type->json_name : "?");
  }
  return out;
}

class SimEngineTest : public ::testing::Test {
 protected:
  SimEngine& make(SimSettings settings = {}) {
    engine_ = std::make_unique<SimEngine>(settings);
    return *engine_;
  }
  // Started with `script`, connected and past the first PONG at time 0.
  SimEngine& running(const std::vector<std::string>& script, SimSettings settings = {}) {
    SimEngine& e = make(settings);
    for (const std::string& line : script) EXPECT_TRUE(e.add_script_line(line)) << line;
    e.on_backend_started(42, "backend", "", true, 0);
    e.on_connected(0);
    e.on_backend_data(kPong + kStats, 0);
    return e;
  }
  std::string sent() { return std::exchange(engine_->backend_output(), {}); }
  std::vector<SimAction> actions() { return engine_->take_actions(); }
  // Report lines, for "the report says".
  std::string report() {
    std::string text;
    for (const SimReport& r : engine_->take_reports()) text += format_report(r, ReportStyle{});
    all_ += text;
    return text;
  }
  bool said(const std::string& text) {
    report();
    return all_.find(text) != std::string::npos;
  }
  bool has(const std::vector<SimAction>& list, Kind kind, int value = -1) {
    for (const SimAction& a : list)
      if (a.kind == kind && (value < 0 || a.value == value)) return true;
    return false;
  }

  std::unique_ptr<SimEngine> engine_;
  std::string all_;
};

TEST_F(SimEngineTest, ARunFromConnectionToExit) {
  SimEngine& e = make();
  e.add_script_line(R"({"type":"login","user":"alice@localhost","legacyName":"alice","password":""})");
  e.add_script_line(R"({"expect":{"type":"connected"}})");
  e.on_backend_started(42, "backend --port 1", "", true, 0);
  EXPECT_EQ(e.phase(), SimEngine::Phase::kConnecting);
  EXPECT_DOUBLE_EQ(*e.next_deadline(), 10) << "connect_timeout";
  e.on_connected(0.5);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"ping"}) << "PING at once, as Spectrum";
  EXPECT_EQ(e.phase(), SimEngine::Phase::kFirstPong);
  e.on_backend_data(kPong, 0.6);
  EXPECT_EQ(e.phase(), SimEngine::Phase::kRunning);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"login"}) << "the scenario starts after the first PONG";
  e.on_backend_data(kStats + frame(R"({"type":"connected","user":"alice@localhost"})"), 0.7);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"exit"});
  const auto acts = actions();
  EXPECT_TRUE(has(acts, Kind::kCloseConnection));
  EXPECT_TRUE(has(acts, Kind::kStopListening));
  EXPECT_EQ(e.phase(), SimEngine::Phase::kExiting);
  e.on_backend_exit(0, 0, 1);
  EXPECT_TRUE(has(actions(), Kind::kFindLeftovers));
  e.on_leftovers({}, 1);
  EXPECT_TRUE(has(actions(), Kind::kFinish, 0));
  EXPECT_EQ(e.exit_status(), 0);
  EXPECT_TRUE(said("= expectation met: {\"type\":\"connected\"}"));
  EXPECT_TRUE(said("# PASS: 1 sent, 3 received, 1 expectation(s) met, 0 finding(s)"));
}

TEST_F(SimEngineTest, PingsEveryIntervalAndAPingUnansweredUntilTheNextTickFails) {
  SimSettings s;
  s.ping_interval = 20;
  SimEngine& e = running({R"({"sleep":100})"}, s);
  sent();
  EXPECT_DOUBLE_EQ(*e.next_deadline(), 20);
  e.on_time(20);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"ping"});
  e.on_time(40);  // nothing came back since the PING at 20
  EXPECT_TRUE(said("x no PONG (nor any frame) since the last PING"));
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"ping"});
}

TEST_F(SimEngineTest, MissingFirstPongFailsAfterTheConnectTimeout) {
  SimEngine& e = make();
  e.on_backend_started(42, "backend", "", true, 0);
  e.on_connected(1);
  e.on_time(10.9);
  EXPECT_FALSE(said("no PONG within"));
  e.on_time(11);
  EXPECT_TRUE(said("x no PONG within 10 s of the first PING"));
  EXPECT_EQ(e.phase(), SimEngine::Phase::kExiting);
}

TEST_F(SimEngineTest, AnExpectationThatTimesOutSaysWhyItWasNotMet) {
  SimEngine& e = running({R"({"type":"login","user":"a@x","legacyName":"a","password":""})",
                          R"({"expect":{"type":"connected"}})", R"({"expect":{"type":"connected"},"timeout":2})"});
  e.on_backend_data(frame(R"({"type":"connected","user":"a@x"})"), 1);
  e.on_time(3);
  EXPECT_TRUE(
      said("x scenario line 3: no message matching {\"type\":\"connected\"} within 2 s; a matching message "
           "arrived earlier (the backend's message #1), but the expectation on scenario line 2 already took "
           "it"));
  e.on_backend_exit(0, 0, 4);
  e.on_leftovers({}, 4);
  EXPECT_EQ(e.exit_status(), 1);

  SimEngine& skipped =
      running({R"({"expect":{"type":"disconnected"}})", R"({"expect":{"type":"connected"},"timeout":1})"});
  skipped.on_backend_data(
      frame(R"({"type":"connected","user":"a@x"})") + frame(R"({"type":"disconnected","user":"a@x","error":2})"), 0);
  skipped.on_time(1);
  EXPECT_TRUE(
      said("(the backend's message #1), but an expectation only looks at messages after the last one matched "
           "(#2)"));
}

TEST_F(SimEngineTest, ABackendThatSaysNothingMayBeBuffering) {
  SimEngine& e = running({R"({"type":"login","user":"a@x","legacyName":"a","password":""})",
                          R"({"expect":{"type":"connected"},"timeout":1})"});
  e.on_time(1);
  EXPECT_TRUE(said("the backend has sent nothing since it was given its first message: its output may be buffered"));
}

TEST_F(SimEngineTest, FailFastEndsAtTheFirstFailedExpectation) {
  SimSettings s;
  s.fail_fast = true;
  SimEngine& e = running({R"({"expect":{"type":"connected"},"timeout":1})",
                          R"({"type":"login","user":"a@x","legacyName":"a","password":""})"},
                         s);
  sent();
  e.on_time(1);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"exit"}) << "the login after it is never sent";
  EXPECT_TRUE(said("--fail-fast"));
  SimEngine& slow = running({R"({"expect":{"type":"connected"},"timeout":1})",
                             R"({"type":"login","user":"a@x","legacyName":"a","password":""})"});
  sent();
  slow.on_time(1);
  EXPECT_EQ(types_in(sent()), (std::vector<std::string>{"login", "exit"})) << "without it the scenario goes on";
}

TEST_F(SimEngineTest, TheLastPingMustBeAnsweredBeforeExit) {
  SimSettings s;
  s.ping_interval = 1;
  SimEngine& e = running({R"({"sleep":1.5})"}, s);
  sent();
  e.on_time(1);  // PING 2
  sent();
  e.on_time(1.5);  // the scenario is over, a PING is outstanding
  EXPECT_EQ(e.phase(), SimEngine::Phase::kDraining);
  EXPECT_TRUE(sent().empty());
  e.on_backend_data(kPong, 1.6);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"exit"});
}

TEST_F(SimEngineTest, ABackendThatIgnoresExitGetsTermThenKillOnItsProcessGroup) {
  SimSettings s;
  s.exit_grace = 10;
  s.kill_delay = 2;
  SimEngine& e = running({}, s);
  actions();
  EXPECT_EQ(e.phase(), SimEngine::Phase::kExiting);
  e.on_time(9.9);
  EXPECT_FALSE(has(actions(), Kind::kSignalBackend));
  e.on_time(10);
  EXPECT_TRUE(has(actions(), Kind::kSignalBackend, SIGTERM));
  EXPECT_TRUE(said("x the backend did not exit within 10 s after EXIT"));
  e.on_time(12);
  EXPECT_TRUE(has(actions(), Kind::kSignalBackend, SIGKILL));
  e.on_backend_exit(0, SIGKILL, 12.1);
  EXPECT_TRUE(has(actions(), Kind::kFindLeftovers));
}

TEST_F(SimEngineTest, ProcessesThatOutliveTheBackendAreReportedAndKilled) {
  SimSettings s;
  s.leftover_grace = 1;
  SimEngine& e = running({}, s);
  e.on_backend_exit(0, 0, 1);
  actions();
  e.on_leftovers({"77 (python3)"}, 1);
  EXPECT_TRUE(actions().empty()) << "they may be on their way out";
  EXPECT_DOUBLE_EQ(*e.next_deadline(), 2);
  e.on_time(2);
  EXPECT_TRUE(has(actions(), Kind::kFindLeftovers));
  e.on_leftovers({"77 (python3)"}, 2);
  const auto acts = actions();
  EXPECT_TRUE(has(acts, Kind::kKillLeftovers));
  EXPECT_TRUE(has(acts, Kind::kFinish, 1));
  EXPECT_TRUE(said("x process(es) of the backend outlived it: 77 (python3)"));
}

TEST_F(SimEngineTest, LeftoversThatGoInTimeAreFine) {
  SimEngine& e = running({});
  e.on_backend_exit(0, 0, 1);
  e.on_leftovers({"77 (sh)"}, 1);
  e.on_time(2);
  e.on_leftovers({}, 2);
  EXPECT_EQ(e.exit_status(), 0);
  EXPECT_EQ(e.phase(), SimEngine::Phase::kDone);
}

TEST_F(SimEngineTest, TheBackendLeavingEarlyFails) {
  SimEngine& gone = running({R"({"sleep":5})"});
  gone.on_backend_exit(3, 0, 1);
  EXPECT_TRUE(said("x the backend exited with code 3 before the scenario ended"));
  SimEngine& closed = running({R"({"sleep":5})"});
  closed.on_connection_end("", 1);
  EXPECT_TRUE(said("x the backend closed the connection before EXIT"));
  EXPECT_EQ(closed.phase(), SimEngine::Phase::kExiting);
}

TEST_F(SimEngineTest, StrictTurnsFindingsIntoFailures) {
  SimSettings s;
  s.strict = true;
  SimEngine& e = running({}, s);
  e.on_backend_data(frame(R"({"type":"connected","user":"nobody@x"})"), 0);
  e.on_backend_exit(0, 0, 1);
  e.on_leftovers({}, 1);
  EXPECT_EQ(e.exit_status(), 1);
  EXPECT_TRUE(said("! user \"nobody@x\" is not a JID from a LOGIN"));
}

TEST_F(SimEngineTest, ScriptLinesThatComeLaterAreReadOnceTheFirstPongArrived) {
  SimEngine& e = make();
  e.on_backend_started(42, "backend", "", false, 0);
  e.on_connected(0);
  EXPECT_FALSE(has(actions(), Kind::kReadScript));
  e.on_backend_data(kPong, 0);
  EXPECT_TRUE(has(actions(), Kind::kReadScript));
  sent();
  e.on_script_line(R"({"type":"login","user":"a@x","legacyName":"a","password":""})", 1);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"login"});
  e.on_script_line("not json", 2);
  EXPECT_TRUE(said("x scenario line 2: not valid JSON"));
  EXPECT_EQ(e.phase(), SimEngine::Phase::kRunning) << "more lines may come";
  e.on_script_end(3);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"exit"});
}

TEST_F(SimEngineTest, AnInterruptEndsTheRunTheOrderlyWayAndASecondKills) {
  SimEngine& e = running({R"({"sleep":100})"});
  sent();
  e.on_signal(SIGINT, 1);
  EXPECT_EQ(types_in(sent()), std::vector<std::string>{"exit"});
  actions();
  e.on_signal(SIGINT, 2);
  EXPECT_TRUE(has(actions(), Kind::kSignalBackend, SIGKILL));
  EXPECT_TRUE(said("x interrupted by"));
}

TEST_F(SimEngineTest, JsonReportEntriesAreObjects) {
  SimEngine& e = running({R"({"expect":{"type":"connected"},"timeout":1})"});
  e.on_time(1);
  e.on_backend_exit(0, 0, 2);
  e.on_leftovers({}, 2);
  for (const SimReport& r : e.take_reports()) {
    const std::string line = format_report(r, ReportStyle{true, false});
    const auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.is_object()) << line;
    if (j.contains("failure") && j.contains("line")) {
      EXPECT_EQ(j["expect"], nlohmann::json::parse(R"({"type":"connected"})")) << line;
    }
    if (j.contains("result")) {
      EXPECT_EQ(j["result"], "fail");
      EXPECT_EQ(j["failures"].size(), 1u);
    }
  }
}

}  // namespace
}  // namespace s2j
