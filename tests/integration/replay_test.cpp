// Recorded traffic as a regression test, end to end: a session of the bridge with the echo example
// is recorded with --trace, then replayed against the same backend, against changed ones, as a
// scenario, and across modes (a tap's trace against the bridge, a bridge's trace against a native
// backend).
#include <gtest/gtest.h>

#include <chrono>

#include "fake_spectrum.h"

namespace s2j::testing {
namespace {

const std::string kTests = S2J_TEST_DIR;
const std::string kRoot = S2J_TEST_DIR "/..";

// The bridge with `child` as the backend command.
std::vector<std::string> bridge(const std::string& child) { return {S2J_BRIDGE_BINARY, "--child", child}; }
std::string echo() { return kPython + " " + kRoot + "/examples/echo_backend.py"; }
std::string changed(const std::string& mode) {
  return kPython + " " + kTests + "/sim/backends/changed_echo.py " + mode;
}

std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string>& b,
                              const std::vector<std::string>& c = {}) {
  a.insert(a.end(), b.begin(), b.end());
  a.insert(a.end(), c.begin(), c.end());
  return a;
}

class Replay : public ::testing::Test {
 protected:
  // Records examples/echo.scenario with the echo example (its LOGIN's password is "secret").
  void SetUp() override {
    dir_ = make_temp_dir();
    trace_ = dir_ + "/trace.jsonl";
    const SimRun r =
        run_sim(join({"--script", kRoot + "/examples/echo.scenario", "--"}, bridge(echo()), {"--trace", trace_}));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    ASSERT_NE(read_file(trace_).find("\"dir\":\"child>bridge\""), std::string::npos);
  }
  SimRun replay(const std::vector<std::string>& options, const std::string& child) {
    return run_sim(join(join({"--replay", trace_}, options), {"--"}, bridge(child)));
  }

  std::string dir_;
  std::string trace_;
};

TEST_F(Replay, TheSameBackendAnswersAsRecorded) {
  const SimRun r = replay({}, echo());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.has("= after status_changed (trace line 7): 2 answers as recorded")) << r.out;
  EXPECT_TRUE(r.has("= after conv_message (trace line 11): 1 answer as recorded")) << r.out;
  EXPECT_TRUE(r.has("# PASS: 4 sent")) << r.out;
  EXPECT_TRUE(r.has("5 turn(s) as recorded, 0 difference(s)")) << r.out;
  EXPECT_TRUE(r.has("# trace line 6: the trace masks the password of alice@localhost; it is sent as \"***\""))
      << "said before the replay\n"
      << r.out;
  EXPECT_TRUE(r.has("(masked password(s) sent as \"***\" for alice@localhost)")) << "and in the summary\n" << r.out;
}

TEST_F(Replay, ARewriteThatSpellsItsLinesDifferentlyPasses) {
  const SimRun r = replay({}, changed("same"));  // other key order, the status as a number
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(Replay, AChangedAnswerFailsAndIsNamedFieldByField) {
  const SimRun r = replay({}, changed("shout"));
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(
      r.has("x after conv_message (trace line 11): the answer differs from trace line 12: message: recorded "
            "\"Hello, echo!\", actual \"HELLO, ECHO!\""))
      << r.out;
  EXPECT_TRUE(r.has("# FAIL: 4 sent, 6 received, 4 turn(s) as recorded, 1 difference(s)")) << r.out;
}

TEST_F(Replay, AnIgnoredFieldDoesNotCount) {
  const SimRun r = replay({"--ignore", "message"}, changed("shout"));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(Replay, AMaskedPasswordIsSentAsGivenWithPassword) {
  const SimRun masked = replay({"--answer-timeout", "1"}, changed("password secret"));
  EXPECT_EQ(masked.code, 1) << masked.out << masked.err;
  EXPECT_TRUE(
      masked.has("the trace masks the password of alice@localhost; it is sent as \"***\" (--password "
                 "alice@localhost=PASSWORD sends the real one)"))
      << masked.out;
  EXPECT_TRUE(masked.has("missing the answer recorded on trace line 9 {\"type\":\"connected\"")) << masked.out;
  EXPECT_TRUE(masked.has("an extra answer, not in the trace: {\"type\":\"disconnected\"")) << masked.out;

  const SimRun given = replay({"--password", "alice@localhost=secret"}, changed("password secret"));
  EXPECT_EQ(given.code, 0) << given.out << given.err;
  EXPECT_FALSE(given.has("masks the password")) << given.out;
  EXPECT_TRUE(
      given.has("> {\"type\":\"login\",\"user\":\"alice@localhost\",\"legacyName\":\"alice\",\"password\":\"***\""))
      << "the report does not show the password\n"
      << given.out;
}

TEST_F(Replay, TheTraceAsAScenarioPasses) {
  const SimRun printed = run_sim({"--scenario-from-trace", trace_, "--password", "alice@localhost=secret"});
  ASSERT_EQ(printed.code, 0) << printed.out << printed.err;
  EXPECT_TRUE(printed.has("\"password\":\"secret\"")) << printed.out;
  EXPECT_TRUE(
      printed.has("{\"expect\":{\"type\":\"conv_message\",\"userName\":\"alice@localhost\","
                  "\"buddyName\":\"echo\",\"message\":\"Hello, echo!\"}}"))
      << printed.out;
  const std::string scenario = dir_ + "/recorded.scenario";
  write_file(scenario, printed.out);
  const SimRun same = run_sim(join({"--script", scenario, "--"}, bridge(echo())));
  EXPECT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_TRUE(same.has("# PASS: 4 sent, 6 received, 3 expectation(s) met")) << same.out;
  const SimRun shout = run_sim(join({"--script", scenario, "--"}, bridge(changed("shout"))));
  EXPECT_EQ(shout.code, 1) << shout.out;
}

TEST_F(Replay, UnusableInputIsExitTwoWithTheFileAndLine) {
  const std::string bad = dir_ + "/bad.jsonl";
  write_file(bad, read_file(trace_) + "{\"ts\":\"2026-11-25T04:25:24Z\",\"dir\":\n");
  const size_t lines = file_lines(bad).size();
  const SimRun replayed = run_sim(join({"--replay", bad, "--"}, bridge(echo())));
  EXPECT_EQ(replayed.code, 2) << replayed.out << replayed.err;
  EXPECT_NE(replayed.err.find("spectrum2_sim: " + bad + ":" + std::to_string(lines) + ": not JSON"), std::string::npos)
      << replayed.err;
  const SimRun printed = run_sim({"--scenario-from-trace", bad});
  EXPECT_EQ(printed.code, 2) << printed.out << printed.err;
  EXPECT_EQ(run_sim({"--replay", dir_ + "/missing.jsonl", "--", "true"}).code, 2);
  EXPECT_EQ(run_sim({"--replay", trace_, "--password", "no-equals-sign", "--", "true"}).code, 2);
  EXPECT_EQ(run_sim({"--replay", trace_, "--script", trace_, "--", "true"}).code, 2);
}

// A trace of a native backend, taken by a tap in front of it, replayed against the bridge with the
// echo example: the rewrite does what the old backend did. With --realtime the recorded 1 s between
// the LOGIN and the message is kept.
TEST(ReplayAcrossModes, ATapTraceAgainstTheBridge) {
  const auto start = std::chrono::steady_clock::now();
  const SimRun r =
      run_sim(join({"--realtime", "--replay", kTests + "/sim/traces/tap_echo.jsonl", "--"}, bridge(echo())));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.has("# trace line 8: a frame that could not be decoded")) << r.out;
  EXPECT_TRUE(r.has("= after login (trace line 5): 2 answers as recorded")) << r.out;
  EXPECT_GE(took, 1.0) << r.out;
}

#ifdef S2J_NATIVE_BACKEND
// The other way: a session of the bridge with /bin/cat as the child (it echoes every line; the bridge
// forwards the conv_message and rejects the rest) replayed against a native echo backend.
TEST(ReplayAcrossModes, ABridgeTraceAgainstANativeBackend) {
  const std::string dir = make_temp_dir();
  const std::string scenario = dir + "/echo.scenario";
  write_file(scenario,
             "{\"type\":\"login\",\"user\":\"alice@localhost\",\"legacyName\":\"alice\",\"password\":\"\"}\n"
             "{\"type\":\"conv_message\",\"userName\":\"alice@localhost\",\"buddyName\":\"b\",\"message\":\"hi\"}\n"
             "{\"expect\":{\"type\":\"conv_message\",\"message\":\"hi\"}}\n");
  const std::string trace = dir + "/trace.jsonl";
  const SimRun recorded = run_sim(join({"--script", scenario, "--"}, bridge("cat"), {"--trace", trace}));
  ASSERT_EQ(recorded.code, 0) << recorded.out << recorded.err;
  const SimRun r = run_sim({"--replay", trace, "--", S2J_NATIVE_BACKEND});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.has("the bridge did not forward this line of the child's")) << r.out;
  EXPECT_TRUE(r.has("= after conv_message (trace line")) << r.out;
}
#endif

}  // namespace
}  // namespace s2j::testing
