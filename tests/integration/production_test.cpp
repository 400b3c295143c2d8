// What admins meet in production: a hung child, a bridge killed outright, a low descriptor limit, a
// full disk under the trace, a long pause for a slow child, and the lines they then find in the log.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "fake_spectrum.h"
#include "protocol.pb.h"

namespace s2j::testing {
namespace {

using pbnetwork::WrapperMessage;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using ProductionTest = BridgeFixture;

// A Python-binding child stuck in a handler: the heartbeat notices, Spectrum's connection is closed
// so that it moves the users to a new backend, and nothing is left running.
TEST_F(ProductionTest, AHungPythonChildIsEndedAndTheConnectionClosed) {
  const std::string script = dir_ + "/hangs.py";
  write_file(script,
             "import sys, time\n"
             "sys.path.insert(0, sys.argv[1])\n"
             "from spectrum2_bridge import Backend\n"
             "class Hangs(Backend):\n"
             "    def on_conv_message(self, msg):\n"
             "        open(sys.argv[2], 'w').close()\n"
             "        time.sleep(3600)  # a blocking call where an await belongs\n"
             "Hangs.main()\n");
  const std::string blocked = dir_ + "/blocked";
  constexpr double kChildPingTimeout = 3;
  start(kPython + " " + script + " " + S2J_TEST_DIR + "/../bindings/python " + blocked,
        {"--json_backend.child_ping_timeout=" + std::to_string(kChildPingTimeout)});
  const pid_t child = child_running("python3");
  ASSERT_NE(child, 0) << bridge_.stderr_text();
  expect_pong();
  // The binding answers the first bridge.ping, written right after bridge.hello, before it
  // handles this message: it has opted in when it blocks.
  const auto m = conv_message("block");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  ASSERT_TRUE(wait_until([&] { return access(blocked.c_str(), F_OK) == 0; })) << bridge_.stderr_text();
  const auto blocked_at = Clock::now();
  EXPECT_TRUE(spectrum_.wait_eof()) << bridge_.stderr_text();
  const double closed_after = seconds_since(blocked_at);
  EXPECT_LE(closed_after, kChildPingTimeout + 3) << "the connection closes within child_ping_timeout + 3 s";
  EXPECT_EQ(bridge_.wait(), 124) << bridge_.stderr_text();
  EXPECT_TRUE(wait_until([&] { return process_gone(child); })) << "the hung child was ended";
  EXPECT_NE(bridge_.stderr_text().find("error: the child has not answered bridge.ping"), std::string::npos)
      << bridge_.stderr_text();
  RecordProperty("closed_after_s", std::to_string(closed_after));
}

// A raw child that knows nothing of the heartbeat is never judged by it.
TEST_F(ProductionTest, ARawChildThatNeverAnswersPingsIsLeftAlone) {
  const std::string record = dir_ + "/stdin.jsonl";
  start("sh -c 'exec cat > \"$0\"' " + record, {"--json_backend.child_ping_timeout=0.3"});
  // Several intervals (0.1 s each) and more than one timeout go by: the pings pile up unanswered.
  ASSERT_TRUE(wait_until([&] {
    size_t pings = 0;
    for (size_t at = 0; (at = read_file(record).find("\"bridge.ping\"", at)) != std::string::npos; ++at) ++pings;
    return pings >= 12;
  })) << read_file(record);
  expect_pong();
  const auto m = conv_message("still here");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  EXPECT_NE(read_file(record).find("still here"), std::string::npos);
  EXPECT_EQ(bridge_.stderr_text().find("hung"), std::string::npos) << bridge_.stderr_text();
}

TEST_F(ProductionTest, TheChildDiesWithASigkilledBridge) {
  start("sleep 3600");  // reads nothing: a closed stdin would never end it
  const pid_t child = child_running("sleep");
  ASSERT_NE(child, 0) << bridge_.stderr_text();
  bridge_.signal(SIGKILL);
  EXPECT_EQ(bridge_.wait(), 128 + SIGKILL);
  EXPECT_TRUE(wait_until([&] { return process_gone(child); })) << "child " << child << " outlived the bridge";
  if (!process_gone(child)) kill(child, SIGKILL);
}

TEST_F(ProductionTest, ATooLowDescriptorLimitIsAClearErrorAtOnce) {
#ifdef S2J_SANITIZE
  GTEST_SKIP() << "the sanitizers' runtime needs descriptors of its own before main runs";
#endif
  for (int limit : {5, 6, 7, 8}) {
    BridgeProcess bridge;
    const std::string command = "ulimit -Sn " + std::to_string(limit) + "; ulimit -Hn " + std::to_string(limit) +
                                "; exec \"$0\" --host 127.0.0.1 --port " + std::to_string(spectrum_.port()) +
                                " --child cat";
    const auto started = Clock::now();
    bridge.start_command({"/bin/sh", "-c", command, S2J_BRIDGE_BINARY});
    EXPECT_EQ(bridge.wait(), EMFILE) << limit << ": " << bridge.stderr_text();
    EXPECT_NE(bridge.stderr_text().find("the open-file limit (ulimit -n) is " + std::to_string(limit)),
              std::string::npos)
        << bridge.stderr_text();
    RecordProperty("exit_after_s_limit_" + std::to_string(limit), std::to_string(seconds_since(started)));
  }
}

TEST_F(ProductionTest, ALowSoftLimitIsRaisedTowardsTheHardOne) {
  const std::string command =
      "ulimit -Sn 8; exec \"$0\" --host 127.0.0.1 --port " + std::to_string(spectrum_.port()) + " --child cat";
  bridge_.start_command({"/bin/sh", "-c", command, S2J_BRIDGE_BINARY});
  ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
}

// A trace on a full disk costs the trace, not the bridge; the failure is said once.
TEST_F(ProductionTest, ATraceOnAFullDiskIsReportedOnceAndTheBridgeGoesOn) {
  start("cat", {"--trace", "/dev/full"});
  for (int i = 0; i < 50; ++i) {
    const auto m = conv_message(std::to_string(i));
    spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
    auto echoed = spectrum_.read_until(WrapperMessage::TYPE_CONV_MESSAGE);
    ASSERT_TRUE(echoed) << bridge_.stderr_text();
  }
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  const std::string log = bridge_.stderr_text();
  const std::string said = "cannot write the trace file '/dev/full'";
  const size_t first = log.find("error: " + said);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(said, first + said.size()), std::string::npos) << "said once:\n" << log;
}

// While the bridge does not read from Spectrum (its child is not reading), PINGs wait unread: that
// time must not count towards ping_timeout.
TEST_F(ProductionTest, TimePausedForASlowChildDoesNotCountTowardsThePingTimeout) {
  const std::string flag = dir_ + "/go";
  start(echo_once_flag_exists(dir_, flag),
        {"--json_backend.buffer_limit=65536", "--json_backend.ping_timeout=2", "--log-level", "debug"});
  expect_pong();
  std::string flood;
  const int count = 20000;
  for (int i = 0; i < count; ++i) {
    const auto m = conv_message(std::to_string(i));
    const std::string payload = m.SerializeAsString();
    append_frame(flood, make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &payload));
  }
  append_frame(flood, make_wrapper(WrapperMessage::TYPE_PING));
  std::thread sender([&] {
    try {
      spectrum_.send_bytes(flood);
    } catch (...) {
    }
  });
  ASSERT_TRUE(wait_until([&] {
    return bridge_.stderr_text().find("pausing reads from Spectrum") != std::string::npos;
  })) << bridge_.stderr_text();
  // Paused for twice the ping_timeout (waiting for nothing to happen needs a clock).
  std::this_thread::sleep_for(std::chrono::seconds(4));
  write_file(flag, "");
  int got = 0;
  bool ponged = false;
  while (got < count || !ponged) {
    auto f = spectrum_.read();
    if (!f) break;
    if (f->type() == WrapperMessage::TYPE_PONG) ponged = true;
    if (f->type() == WrapperMessage::TYPE_CONV_MESSAGE) ++got;
  }
  sender.join();
  EXPECT_EQ(got, count) << bridge_.stderr_text();
  EXPECT_TRUE(ponged);
  EXPECT_EQ(bridge_.stderr_text().find("no PING from Spectrum"), std::string::npos) << bridge_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
}

// A crash must be visible at --log-level warn: error for a failure, warn for a quiet exit 0.
TEST_F(ProductionTest, AChildExitingOnItsOwnIsLoggedAtErrorOrWarn) {
  struct Case {
    const char* child;
    int code;
    const char* line;
  };
  for (const Case& c : {Case{"sh -c 'exit 3'", 3, "error: child exited with code 3 on its own"},
                        Case{"sh -c 'kill -9 $$'", 128 + SIGKILL, "error: child was killed by signal 9"},
                        Case{"true", 0, "warn: child exited with code 0 on its own"}}) {
    FakeSpectrum spectrum;
    BridgeProcess bridge;
    bridge.start(
        {"--host", "127.0.0.1", "--port", std::to_string(spectrum.port()), "--log-level", "warn", "--child", c.child});
    ASSERT_TRUE(spectrum.accept()) << bridge.stderr_text();
    EXPECT_EQ(bridge.wait(), c.code) << bridge.stderr_text();
    EXPECT_NE(bridge.stderr_text().find(c.line), std::string::npos) << c.child << ":\n" << bridge.stderr_text();
  }
}

TEST_F(ProductionTest, UnknownBridgeKeysAreNamedWithTheClosestOne) {
  const std::string cfg = dir_ + "/t.cfg";
  write_file(cfg, "[json_backend]\nchild = cat\nfeature = muc\n");
  bridge_.start(
      {"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--json_backend.shutdown_timout=3", cfg});
  ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  const std::string log = bridge_.stderr_text();
  EXPECT_NE(log.find("warn: [json_backend] shutdown_timout is not a bridge setting (did you mean shutdown_timeout?)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("warn: [json_backend] feature is not a bridge setting (did you mean features?)"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace s2j::testing
