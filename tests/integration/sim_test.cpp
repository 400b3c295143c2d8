// spectrum2_sim end to end: scenarios through sim + bridge + a Python backend, and the failures
// and findings the simulator must report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_spectrum.h"

namespace s2j::testing {
namespace {

const std::string kTests = S2J_TEST_DIR;
const std::string kRoot = S2J_TEST_DIR "/..";

// sim → bridge → tests/sim/backends/family_backend.py
SimRun run_family(const std::string& scenario, std::vector<std::string> bridge_args = {}) {
  std::vector<std::string> args = {"--ping-interval",
                                   "2",
                                   "--script",
                                   kTests + "/sim/scenarios/" + scenario,
                                   "--",
                                   S2J_BRIDGE_BINARY,
                                   "--child",
                                   kPython + " " + kTests + "/sim/backends/family_backend.py"};
  args.insert(args.end(), bridge_args.begin(), bridge_args.end());
  return run_sim(args);
}

class SimExample : public ::testing::TestWithParam<const char*> {};

// The demo scenario with each echo example: the binding in Python, in shell, and raw JSON lines.
TEST_P(SimExample, DemoScenarioPasses) {
  const SimRun r = run_sim({"--config", kRoot + "/examples/echo.cfg", "--jid", "echo.localhost", "--script",
                            kRoot + "/examples/echo.scenario", "--", S2J_BRIDGE_BINARY, "--child",
                            (std::string(GetParam()) == "bash" ? "bash " + kRoot + "/examples/echo_backend.sh"
                                                               : kPython + " " + kRoot + "/examples/echo_backend.py")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(
      r.has("< {\"type\":\"conv_message\",\"userName\":\"alice@localhost\",\"buddyName\":\"echo\","
            "\"message\":\"Hello, echo!\"}"))
      << r.out;
  EXPECT_TRUE(r.has("PASS: 4 sent")) << r.out;
  EXPECT_FALSE(r.has("\n! ")) << "no findings for the example: " << r.out;
  EXPECT_NE(r.err.find("alice@localhost logs in"), std::string::npos) << "the backend logs through the bridge";
}

INSTANTIATE_TEST_SUITE_P(Examples, SimExample, ::testing::Values("python", "bash"));

#ifdef S2J_NATIVE_BACKEND
TEST(Sim, NativeBackendPasses) {
  const std::string script = make_temp_dir() + "/native.scenario";
  write_file(script,
             "{\"type\":\"login\",\"user\":\"alice@localhost\",\"legacyName\":\"alice\",\"password\":\"\"}\n"
             "{\"type\":\"conv_message\",\"userName\":\"alice@localhost\",\"buddyName\":\"echo\",\"message\":\"hi\"}\n"
             "{\"expect\":{\"type\":\"conv_message\",\"message\":\"hi\"}}\n");
  const SimRun r = run_sim({"--strict", "--script", script, "--", S2J_NATIVE_BACKEND});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.has("PASS: 2 sent")) << r.out;
}
#endif

TEST(Sim, RawJsonLinesExamplePasses) {
  const SimRun r = run_sim({"--script", kRoot + "/examples/echo.scenario", "--", S2J_BRIDGE_BINARY, "--child",
                            kPython + " " + kRoot + "/examples/echo_backend_raw.py"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

class SimFamily : public ::testing::TestWithParam<const char*> {};

TEST_P(SimFamily, ScenarioPassesWithoutFindings) {
  const std::string name = GetParam();
  const SimRun r = run_family(name + ".scenario", name == "backend_config"
                                                      ? std::vector<std::string>{"--json_backend.features=rawxml"}
                                                      : std::vector<std::string>{});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.has("# PASS")) << r.out;
  EXPECT_FALSE(r.has("\n! ")) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Families, SimFamily,
                         ::testing::Values("roster", "messages", "receipts", "rooms", "vcard", "typing", "raw_xml",
                                           "query", "backend_config"));

TEST(Sim, ExpectationTimeoutFails) {
  const SimRun r = run_family("never_answered.scenario");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(r.has("scenario line 2: no message matching {\"type\":\"disconnected\"} within 0.3 s")) << r.out;
  EXPECT_TRUE(r.has("FAIL")) << r.out;
}

TEST(Sim, MissingPongFails) {
  const SimRun r = run_sim({"--connect-timeout", "2", "--exit-grace", "1", "--", kPython,
                            kTests + "/sim/backends/raw_backend.py", "silent"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(r.has("no PONG within 2 s")) << r.out;
}

TEST(Sim, PingLeftUnansweredUntilTheNextTickFails) {
  const std::string script = make_temp_dir() + "/wait.scenario";
  write_file(script, "{\"sleep\":1.2}\n");
  const SimRun r = run_sim(
      {"--ping-interval", "0.5", "--script", script, "--", kPython, kTests + "/sim/backends/raw_backend.py", "once"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(r.has("x no PONG (nor any frame) since the last PING")) << r.out;
}

TEST(Sim, BackendThatNeverExitsFails) {
  const SimRun r = run_sim({"--exit-grace", "0.5", "--", kPython, kTests + "/sim/backends/raw_backend.py", "stubborn"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(r.has("did not exit within 0.5 s after EXIT")) << r.out;
}

// In Spectrum a process the backend left behind would run on, orphaned: the simulator fails the run
// and ends it, whichever process of the backend's session it is.
TEST(Sim, ProcessesThatOutliveTheBackendFailTheRunAndAreEnded) {
  const std::string dir = make_temp_dir();
  const std::string script = dir + "/empty.scenario";
  write_file(script, "");
  const std::string marker = dir + "/left-behind";  // names the stray process, to find it afterwards
  write_file(marker, "#!/bin/sh\nexec sleep 3600\n", true);
  const SimRun r =
      run_sim({"--script", script, "--", S2J_BRIDGE_BINARY, "--child", "sh -c '" + marker + " & exec cat'"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(r.has("outlived it")) << r.out;
  EXPECT_TRUE(r.has("(sleep)")) << r.out;
  // Nothing of that session is left running (a zombie waits for a reaper; it does not run).
  const std::string running = "ps -eo stat=,args= | grep -v '^Z' | grep -F 'sleep 3600' | grep -v grep";
  EXPECT_TRUE(wait_until([&] { return std::system((running + " >/dev/null").c_str()) != 0; })) << r.out;
}

TEST(Sim, ReportsWhatSpectrumWouldDrop) {
  const std::string script = make_temp_dir() + "/bad.scenario";
  write_file(script,
             "{\"type\":\"login\",\"user\":\"alice@localhost\",\"legacyName\":\"alice\",\"password\":\"\"}\n"
             "{\"expect\":{\"type\":\"backend_config\"}}\n");
  const std::vector<std::string> args = {
      "--script", script, "--ping-interval", "2", "--", kPython, kTests + "/sim/backends/raw_backend.py", "bad"};
  const SimRun r = run_sim(args);
  EXPECT_EQ(r.code, 0) << "findings alone do not fail without --strict: " << r.out;
  for (const char* finding : {"! Spectrum ignores login from a backend", "! type 37 is not in Spectrum's enum",
                              "! conv_message payload lacks required field(s) message: Spectrum drops it",
                              "! disconnected with error 0", "! user \"alice\" is not a JID from a LOGIN",
                              "! timestamp '2024-01-31 12:00' has no 'T' between date and time: Spectrum throws",
                              "! backend_config: config line 2: 'features.muc' needs a boolean",
                              "! Stats.id is \"1\", not the backend's PID"})
    EXPECT_TRUE(r.has(finding)) << finding << "\n" << r.out;
  std::vector<std::string> strict = args;
  strict.insert(strict.begin(), "--strict");
  EXPECT_EQ(run_sim(strict).code, 1);
}

TEST(Sim, JsonOutputIsPureJsonLines) {
  const SimRun r =
      run_sim({"--json", "--config", kRoot + "/examples/echo.cfg", "--script", kRoot + "/examples/echo.scenario", "--",
               S2J_BRIDGE_BINARY, "--child", kPython + " " + kRoot + "/examples/echo_backend.py"});
  EXPECT_EQ(r.code, 0) << r.out;
  int sent = 0, received = 0;
  size_t start = 0;
  for (size_t nl = r.out.find('\n'); nl != std::string::npos; start = nl + 1, nl = r.out.find('\n', start)) {
    const auto j = nlohmann::json::parse(r.out.substr(start, nl - start));
    sent += j.contains("sent");
    received += j.contains("received");
  }
  EXPECT_GE(sent, 5);
  EXPECT_GE(received, 5);
}

TEST(Sim, BadScenarioLineIsAUsageError) {
  const std::string script = make_temp_dir() + "/bad.scenario";
  write_file(script, "{\"type\":\"connected\",\"user\":\"a\"}\n");
  const SimRun r = run_sim({"--script", script, "--", "true"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.has("scenario line 1: Spectrum never sends type \"connected\"")) << r.out;
}

}  // namespace
}  // namespace s2j::testing
