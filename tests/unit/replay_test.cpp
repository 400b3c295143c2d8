// Replaying recorded turns with a fake clock: when each message goes, how a turn ends, and what is
// reported for answers that are missing, extra, different or out of order; then the same through
// the simulator's engine.
#include "sim/replay.h"

#include <gtest/gtest.h>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "sim/engine.h"

namespace s2j {
namespace {

using Json = nlohmann::ordered_json;

// A trace line at `seconds` after 04:25:00.
std::string at(double seconds, const std::string& dir, const std::string& msg) {
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-11-25T04:25:%09.6fZ", seconds);
  return std::string("{\"ts\":\"") + ts + "\",\"dir\":\"" + dir + "\",\"msg\":" + msg + "}\n";
}

const std::string kLogin = R"({"type":"login","user":"a@b","legacyName":"a","password":"***"})";
const std::string kConnected = R"({"type":"connected","user":"a@b"})";
const std::string kBuddy = R"({"type":"buddy_changed","userName":"a@b","buddyName":"echo","alias":"Echo"})";
const std::string kHello = R"({"type":"conv_message","userName":"a@b","buddyName":"echo","message":"hello"})";
const std::string kLogout = R"({"type":"logout","user":"a@b","legacyName":"a"})";

// login → connected, buddy_changed; hello (2 s later) → hello; logout (1 s later) → nothing.
std::string echo_trace() {
  return at(0, "spectrum>bridge", R"({"type":"ping"})") + at(1, "spectrum>bridge", kLogin) +
         at(1.1, "child>bridge", kConnected) + at(1.2, "child>bridge", kBuddy) + at(3, "spectrum>bridge", kHello) +
         at(3.1, "child>bridge", kHello) + at(4, "spectrum>bridge", kLogout);
}

Recording recording(const std::string& text) {
  Recording r;
  TraceError error;
  EXPECT_TRUE(read_trace(text, r, error)) << error.line << ": " << error.text;
  return r;
}

class ReplayTest : public ::testing::Test {
 protected:
  Replay& make(ReplaySettings settings = {}, const std::string& trace = echo_trace()) {
    replay_ = std::make_unique<Replay>(recording(trace), settings);
    return *replay_;
  }
  // The types sent since the last call; reports go to `said_`.
  std::vector<std::string> sent() {
    std::vector<std::string> types;
    for (const Replay::Event& e : replay_->take_events()) {
      if (e.send) types.push_back(e.send->message["type"]);
      if (e.report) said_.push_back(format_report(*e.report, ReportStyle{}));
    }
    return types;
  }
  bool said(const std::string& text) {
    sent();
    for (const std::string& line : said_)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
  void answer(const std::string& json, double now) { replay_->on_answer(Json::parse(json), now); }

  std::unique_ptr<Replay> replay_;
  std::vector<std::string> said_;
};

using Types = std::vector<std::string>;

TEST_F(ReplayTest, AsFastAsPossibleEachMessageWaitsForTheAnswersBeforeIt) {
  Replay& r = make();
  r.start(10);
  EXPECT_EQ(sent(), Types{"login"}) << "nothing was recorded before the login";
  EXPECT_DOUBLE_EQ(*r.deadline(), 15) << "the answer timeout";
  answer(kConnected, 10.2);
  EXPECT_EQ(sent(), Types{});
  answer(R"({"alias":"Echo","buddyName":"echo","userName":"a@b","type":6})", 10.3);
  EXPECT_EQ(sent(), Types{"conv_message"}) << "both answers are in: the next message goes at once";
  answer(kHello, 10.4);
  EXPECT_EQ(sent(), Types{"logout"});
  EXPECT_TRUE(r.done()) << "no answer was recorded after the logout: nothing to wait for";
  EXPECT_FALSE(r.deadline());
  r.end();
  EXPECT_EQ(r.turns_as_recorded(), 4);
  EXPECT_EQ(r.differences(), 0);
  EXPECT_TRUE(said("= after login (trace line 2): 2 answers as recorded"));
  EXPECT_TRUE(said("= after logout (trace line 7): no answer, as recorded"));
}

TEST_F(ReplayTest, AnAnswerThatDiffersIsReportedFieldByField) {
  Replay& r = make();
  r.start(0);
  answer(kConnected, 0);
  answer(R"({"type":"buddy_changed","userName":"a@b","buddyName":"echo","alias":"Echo!","group":["G"]})", 0);
  EXPECT_EQ(sent(), (Types{"login", "conv_message"})) << "an answer of each recorded type ends the turn";
  EXPECT_TRUE(said(
      "x after login (trace line 2): the answer differs from trace line 4: alias: recorded \"Echo\", actual \"Echo!\"; "
      "group: recorded absent or default, actual [\"G\"]"));
  EXPECT_EQ(r.differences(), 1);
}

TEST_F(ReplayTest, MissingAnswersAreReportedAtTheTimeoutAndTheReplayGoesOn) {
  ReplaySettings s;
  s.answer_timeout = 2;
  Replay& r = make(s);
  r.start(0);
  answer(kConnected, 0.5);
  r.on_time(1.9);
  EXPECT_EQ(sent(), Types{"login"});
  r.on_time(2);
  EXPECT_EQ(sent(), Types{"conv_message"});
  EXPECT_TRUE(said("x after login (trace line 2): missing the answer recorded on trace line 4 " + kBuddy +
                   ": none within 2 s"));
  EXPECT_EQ(r.differences(), 1);
}

TEST_F(ReplayTest, AnswersOutOfOrderAndExtraAnswers) {
  Replay& r = make();
  r.start(0);
  answer(kBuddy, 0);
  answer(kConnected, 0);
  EXPECT_EQ(sent(), (Types{"login", "conv_message"}));
  EXPECT_TRUE(said(
      "x after login (trace line 2): the answer recorded on trace line 4 came out of the recorded order: " + kBuddy));
  answer(R"({"type":"connected","user":"someone@else"})", 0);
  answer(kHello, 0);
  EXPECT_EQ(sent(), Types{"logout"});
  EXPECT_TRUE(
      said("x after conv_message (trace line 5): an extra answer, not in the trace: "
           "{\"type\":\"connected\",\"user\":\"someone@else\"}"));
  EXPECT_EQ(r.differences(), 2);
  EXPECT_EQ(r.turns_as_recorded(), 2) << "the first turn, with nothing in it, and the logout";
}

TEST_F(ReplayTest, AnswersAfterTheLastTurnAreExtraAndTheRestIsReportedWhenTheSessionEnds) {
  Replay& r = make();
  r.start(0);
  answer(kConnected, 0);
  answer(kBuddy, 0);
  answer(kHello, 0);
  r.on_time(0);
  ASSERT_TRUE(r.done());
  answer(R"({"type":"connected","user":"a@b"})", 1);
  r.end();
  EXPECT_TRUE(said("x after logout (trace line 7): an extra answer, not in the trace"));
  EXPECT_EQ(r.turns_as_recorded(), 3) << "the logout turn no longer counts as recorded";

  Replay& cut = make();
  cut.start(0);
  answer(kConnected, 0);
  cut.end();
  EXPECT_TRUE(said("x after login (trace line 2): missing the answer recorded on trace line 4 " + kBuddy +
                   ": none when the session ended"));
  EXPECT_TRUE(said("x 2 recorded message(s) from Spectrum not sent, from trace line 5 on: the session ended first"));
  EXPECT_FALSE(cut.deadline());
}

TEST_F(ReplayTest, IgnoredFieldsDoNotCount) {
  ReplaySettings s;
  s.compare.ignore = {"alias"};
  Replay& r = make(s);
  r.start(0);
  answer(kConnected, 0);
  answer(R"({"type":"buddy_changed","userName":"a@b","buddyName":"echo","alias":"Other"})", 0);
  EXPECT_EQ(r.differences(), 0);
  EXPECT_TRUE(said("2 answers as recorded"));
}

TEST_F(ReplayTest, RealtimeKeepsTheRecordedGapsAndAnswersInTheGapBelongToTheTurn) {
  ReplaySettings s;
  s.realtime = true;
  s.answer_timeout = 0.5;
  Replay& r = make(s);
  r.start(100);
  EXPECT_EQ(sent(), Types{}) << "the trace's first line was 1 s before the login";
  EXPECT_DOUBLE_EQ(*r.deadline(), 101);
  r.on_time(101);
  EXPECT_EQ(sent(), Types{"login"});
  answer(kConnected, 101.1);
  answer(kBuddy, 101.2);
  EXPECT_EQ(sent(), Types{}) << "the recorded gap to the next message is 2 s";
  EXPECT_DOUBLE_EQ(*r.deadline(), 103);
  answer(kConnected, 102.5);
  r.on_time(103);
  EXPECT_EQ(sent(), Types{"conv_message"});
  EXPECT_TRUE(said("x after login (trace line 2): an extra answer, not in the trace: {\"type\":\"connected\""));
  r.on_time(103.9);
  EXPECT_EQ(sent(), Types{});
  r.on_time(104);
  EXPECT_EQ(sent(), Types{"logout"}) << "a turn whose answers are late still ends at its gap or timeout";
  EXPECT_TRUE(said("missing the answer recorded on trace line 6"));
}

// The engine performs a replay in place of a scenario: PING and STATS stay live, BACKEND_CONFIG is
// not compared, and a difference fails the run.
std::string frame(const std::string& json_line) {
  const FromChild f = json_to_wrapper(json_line, Sender::kBackend);
  EXPECT_EQ(f.kind, FromChild::Kind::kFrame) << f.error;
  std::string out;
  append_frame(out, f.frame_body);
  return out;
}

TEST(ReplayInEngine, ARecordedSessionPassesOrFailsTheRun) {
  for (const bool same : {true, false}) {
    SimEngine e(SimSettings{});
    e.use_replay(std::make_unique<Replay>(recording(echo_trace()), ReplaySettings{}), {"a note"}, {"a@b"});
    e.on_backend_started(42, "backend", "", true, 0);
    e.on_connected(0);
    e.on_backend_data(frame(R"({"type":"backend_config","config":"[features]\nmuc=1\n"})") +
                          frame(R"({"type":"pong"})") +
                          frame(R"({"type":"stats","res":1,"init_res":1,"shared":1,"id":"42"})"),
                      0);
    e.on_backend_data(frame(kConnected) + frame(kBuddy), 0.1);
    e.on_backend_data(frame(same ? kHello : R"({"type":"conv_message","userName":"a@b","buddyName":"echo",
                                                 "message":"HELLO"})"),
                      0.2);
    e.on_time(0.2);
    EXPECT_EQ(e.phase(), SimEngine::Phase::kExiting);
    e.on_backend_exit(0, 0, 1);
    e.on_leftovers({}, 1);
    std::string report;
    for (const SimReport& r : e.take_reports()) report += format_report(r, ReportStyle{});
    EXPECT_EQ(e.exit_status(), same ? 0 : 1) << report;
    EXPECT_NE(report.find("# a note"), std::string::npos) << report;
    const std::string summary = same ? "# PASS: 3 sent, 6 received, 4 turn(s) as recorded, 0 difference(s)"
                                     : "# FAIL: 3 sent, 6 received, 3 turn(s) as recorded, 1 difference(s)";
    EXPECT_NE(report.find(summary), std::string::npos) << report;
    EXPECT_NE(report.find("(masked password(s) sent as \"***\" for a@b)"), std::string::npos) << report;
    if (!same) {
      EXPECT_NE(report.find("x   after conv_message (trace line 5): the answer differs from trace line 6: message: "
                            "recorded \"hello\", actual \"HELLO\""),
                std::string::npos)
          << "listed again under the summary\n"
          << report;
    }
  }
}

TEST(ReplayInEngine, FailFastEndsTheRunAtTheFirstDifference) {
  SimSettings settings;
  settings.fail_fast = true;
  SimEngine e(settings);
  e.use_replay(std::make_unique<Replay>(recording(echo_trace()), ReplaySettings{}), {}, {});
  e.on_backend_started(42, "backend", "", true, 0);
  e.on_connected(0);
  e.on_backend_data(frame(R"({"type":"pong"})") + frame(kConnected) +
                        frame(R"({"type":"buddy_changed","userName":"a@b","buddyName":"other"})"),
                    0);
  EXPECT_EQ(e.phase(), SimEngine::Phase::kExiting);
  std::string report;
  for (const SimReport& r : e.take_reports()) report += format_report(r, ReportStyle{});
  EXPECT_NE(report.find("# --fail-fast: ending at the first difference"), std::string::npos) << report;
  EXPECT_EQ(report.find("> {\"type\":\"conv_message\""), std::string::npos) << "nothing sent after it\n" << report;
}

}  // namespace
}  // namespace s2j
