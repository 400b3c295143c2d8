// The real spectrum2_json_backend binary against a fake Spectrum, with scripted children.
#include <gtest/gtest.h>

#include <signal.h>
#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "fake_spectrum.h"
#include "protocol.pb.h"

namespace s2j::testing {
namespace {

using pbnetwork::WrapperMessage;
using json = nlohmann::json;

class BridgeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }

  // Starts the bridge with `child`, accepts its connection.
  void start(const std::string& child, std::vector<std::string> extra = {}, bool connect = true) {
    std::vector<std::string> args = {
        "--host",       "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--service.backend_id=7", "-j",
        "test.example", "--child",   child};
    args.insert(args.end(), extra.begin(), extra.end());
    bridge_.start(args);
    if (connect) {
      ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
    }
  }
  // A child that records its stdin into `path` (and exits on EOF).
  std::string recorder(const std::string& name = "stdin.jsonl") {
    record_ = dir_ + "/" + name;
    return "sh -c 'exec cat > \"$0\"' " + record_;
  }
  std::vector<json> recorded() {
    std::vector<json> out;
    for (const auto& line : child_lines(record_)) out.push_back(json::parse(line));
    return out;
  }
  void ping_pong() {
    spectrum_.send(WrapperMessage::TYPE_PING);
    auto pong = spectrum_.read();
    ASSERT_TRUE(pong) << bridge_.stderr_text();
    EXPECT_EQ(pong->type(), WrapperMessage::TYPE_PONG);
    auto stats = spectrum_.read();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->type(), WrapperMessage::TYPE_STATS);
  }
  void exit_and_wait(int expected = 0) {
    spectrum_.send(WrapperMessage::TYPE_EXIT);
    EXPECT_EQ(bridge_.wait(), expected) << bridge_.stderr_text();
    EXPECT_EQ(bridge_.stderr_text().find("handles left open"), std::string::npos);
  }

  std::string dir_;
  std::string record_;
  FakeSpectrum spectrum_;
  BridgeProcess bridge_;
};

TEST_F(BridgeProcessTest, AnswersPingWithPongAndStatsWithoutTheChild) {
  start("sleep 30", {"--json_backend.shutdown_timeout=0.5"});  // never reads its stdin
  spectrum_.send(WrapperMessage::TYPE_PING);
  auto pong = spectrum_.read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->type(), WrapperMessage::TYPE_PONG);
  EXPECT_FALSE(pong->has_payload());
  auto stats_frame = spectrum_.read();
  ASSERT_TRUE(stats_frame);
  ASSERT_EQ(stats_frame->type(), WrapperMessage::TYPE_STATS);
  pbnetwork::Stats stats;
  ASSERT_TRUE(stats.ParseFromString(stats_frame->payload()));
  EXPECT_EQ(stats.id(), std::to_string(bridge_.pid()));
  EXPECT_GT(stats.init_res(), 0);
  EXPECT_GT(stats.shared(), 0);
  spectrum_.close_connection();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
}

TEST_F(BridgeProcessTest, StatsCountTheChildsMemory) {
  const std::string ready = dir_ + "/ready";
  const std::string script = dir_ + "/big.py";
  write_file(script,
             "import sys\n"
             "ballast = b'\\x01' * (64 << 20)  # 64 MiB, every page touched\n"
             "open(sys.argv[1], 'w').close()\n"
             "sys.stdin.read()\n");
  start(kPython + " " + script + " " + ready);
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(ready); })) << bridge_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_PING);
  auto stats_frame = spectrum_.read_until(WrapperMessage::TYPE_STATS);
  ASSERT_TRUE(stats_frame) << bridge_.stderr_text();
  pbnetwork::Stats stats;
  ASSERT_TRUE(stats.ParseFromString(stats_frame->payload()));
  const long bridge_alone = rss_kib(bridge_.pid());
  EXPECT_GE(stats.res(), bridge_alone + 64 * 1024) << "res is the bridge plus its child, in KiB";
  exit_and_wait();
}

// The whole [registration] section always goes with the features: a BACKEND_CONFIG without it makes
// Spectrum refuse unregistered users in server mode.
TEST_F(BridgeProcessTest, SendsBackendConfigBeforeTheFirstPong) {
  spectrum_.keep_backend_configs();
  const std::string cfg = dir_ + "/t.cfg";
  write_file(cfg, "[service]\njid = test.example\nserver_mode = 1\n[json_backend]\nchild = cat\n");
  bridge_.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--service.backend_id=7",
                 "--json_backend.features=muc,rawxml", cfg});
  ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_PING);
  auto first = spectrum_.read();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->type(), WrapperMessage::TYPE_BACKEND_CONFIG);
  pbnetwork::BackendConfig config;
  ASSERT_TRUE(config.ParseFromString(first->payload()));
  EXPECT_EQ(config.config(), "[registration]\nneedPassword=1\nneedRegistration=0\n[features]\nmuc=1\nrawxml=1\n");
  auto pong = spectrum_.read();
  ASSERT_TRUE(pong) << bridge_.stderr_text();
  EXPECT_EQ(pong->type(), WrapperMessage::TYPE_PONG);
  exit_and_wait();
}

// Spectrum started without -j (as `spectrum2 -n CONFIG`) passes none on: the JID comes from the
// config, as Spectrum's C++ backends take it.
TEST_F(BridgeProcessTest, WithoutJTheJidComesFromServiceJid) {
  const std::string cfg = dir_ + "/t.cfg";
  write_file(cfg, "[service]\njid = irc.example\n[json_backend]\nchild = " + recorder() + "\ntrace = " + dir_ +
                      "/trace-{jid}.jsonl\n");
  bridge_.start(
      {"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--service.backend_id=7", "-n", cfg});
  ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
  ping_pong();
  exit_and_wait();
  const std::vector<json> lines = recorded();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0]["jid"], "irc.example");
  EXPECT_FALSE(file_lines(dir_ + "/trace-irc.example.jsonl").empty());
}

// The child gets stdin, stdout and stderr and no other descriptor of the bridge's (the trace file
// included).
TEST_F(BridgeProcessTest, ChildInheritsOnlyTheThreeStandardDescriptors) {
  start("cat", {"--trace", dir_ + "/trace.jsonl"});
  // Once a message came back, cat is in its read loop: the loader's and the launcher's passing
  // descriptors are gone, and what is left is what it inherited.
  const auto m = conv_message("are you there");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_CONV_MESSAGE)) << bridge_.stderr_text();
  const std::string log = bridge_.stderr_text();
  const size_t at = log.find("child pid ");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string fd_dir = "/proc/" + std::to_string(std::stol(log.substr(at + 10))) + "/fd";
  std::vector<std::string> names;
  std::string targets;
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
    names.push_back(entry.path().filename());
    targets += " " + names.back() + "->" + std::filesystem::read_symlink(entry.path()).string();
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"0", "1", "2"})) << targets;
  exit_and_wait();
}

TEST_F(BridgeProcessTest, EveryFrameReachesTheChildInOrderAndExitEndsIt) {
  const std::string cfg = dir_ + "/t.cfg";
  write_file(cfg, "[service]\njid = test.example\n[json_backend]\nchild = " + recorder() + "\nirc_server = x\n");
  bridge_.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--service.backend_id=7", "-j",
                 "test.example", cfg});
  ASSERT_TRUE(spectrum_.accept());
  ping_pong();
  pbnetwork::Login login;
  login.set_user("alice@example.org");
  login.set_legacyname("alice");
  login.set_password("pw");
  spectrum_.send(WrapperMessage::TYPE_LOGIN, &login);
  for (int i = 0; i < 300; ++i) {
    const auto m = conv_message("m" + std::to_string(i));
    spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  }
  spectrum_.send_raw_xml("<presence/>");
  spectrum_.send_bytes(std::string("\x00\x00\x00\x04\x08\x63\x12\x00", 8));  // type 99, empty payload
  exit_and_wait();
  const auto lines = recorded();
  ASSERT_EQ(lines.size(), 1u + 1 + 300 + 1 + 1 + 1);
  EXPECT_EQ(lines[0]["type"], "bridge.hello");
  EXPECT_EQ(lines[0]["backend_id"], "7");
  EXPECT_EQ(lines[0]["jid"], "test.example");
  EXPECT_EQ(lines[0]["config_path"], cfg);
  EXPECT_EQ(lines[0]["config"]["json_backend"]["irc_server"], "x");
  EXPECT_EQ(lines[1],
            json::parse(R"({"type":"login","user":"alice@example.org","legacyName":"alice","password":"pw"})"));
  for (int i = 0; i < 300; ++i) EXPECT_EQ(lines[2 + i]["message"], "m" + std::to_string(i));
  EXPECT_EQ(lines[302], json::parse(R"({"type":"raw_xml","xml":"<presence/>"})"));
  EXPECT_EQ(lines[303], json::parse(R"({"type":99})"));
  EXPECT_EQ(lines[304], json::parse(R"({"type":"exit"})"));
}

TEST_F(BridgeProcessTest, EchoChildRoundTripsMessagesByteForByte) {
  start("cat");
  ping_pong();
  for (int i = 0; i < 2000; ++i) {
    const auto m = conv_message("echo " + std::to_string(i));
    spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  }
  for (int i = 0; i < 2000; ++i) {
    auto back = spectrum_.read();
    ASSERT_TRUE(back) << i << bridge_.stderr_text();
    ASSERT_EQ(back->type(), WrapperMessage::TYPE_CONV_MESSAGE);
    EXPECT_EQ(back->payload(), conv_message("echo " + std::to_string(i)).SerializeAsString());
  }
  exit_and_wait();
}

TEST_F(BridgeProcessTest, BadChildLinesGetBridgeErrorAndGoodOnesStillPass) {
  const std::string script = dir_ + "/child.py";
  write_file(script,
             "import itertools, sys, json\n"
             "hello = sys.stdin.readline()\n"
             "print('{broken', flush=True)\n"
             "print(json.dumps({'type': 'login', 'user': 'u', 'legacyName': 'l', 'password': 'p'}), flush=True)\n"
             "print(json.dumps({'type': 'connected', 'user': 'alice@example.org'}), flush=True)\n"
             "lines = (json.loads(line) for line in iter(sys.stdin.readline, ''))\n"
             "errors = list(itertools.islice((m for m in lines if m['type'] == 'bridge.error'), 2))\n"
             "print(json.dumps({'type': 'disconnected', 'user': 'alice@example.org', 'error': 2,\n"
             "                  'message': '|'.join(str(e['line_number']) + ':' + e['error'] for e in errors)}),\n"
             "      flush=True)\n"
             "sys.stdin.read()\n");
  start(kPython + " " + script);
  auto connected = spectrum_.read();
  ASSERT_TRUE(connected) << bridge_.stderr_text();
  EXPECT_EQ(connected->type(), WrapperMessage::TYPE_CONNECTED);
  auto disconnected = spectrum_.read();
  ASSERT_TRUE(disconnected) << bridge_.stderr_text();
  pbnetwork::Disconnected d;
  ASSERT_TRUE(d.ParseFromString(disconnected->payload()));
  EXPECT_NE(d.message().find("1:not valid JSON"), std::string::npos) << d.message();
  EXPECT_NE(d.message().find("2:type \"login\" is not accepted from a backend"), std::string::npos) << d.message();
  exit_and_wait();
  EXPECT_NE(bridge_.stderr_text().find("child line 1 rejected"), std::string::npos);
}

TEST_F(BridgeProcessTest, MalformedAndOversizedFramesAreSkipped) {
  start(recorder(), {"--json_backend.max_message_size=1000"});
  const auto a = conv_message("a"), b = conv_message("b"), c = conv_message("c");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &a);
  spectrum_.send_bytes(std::string("\x00\x00\x00\x03\xff\xff\xff", 7));
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &b);
  std::string huge("\x00\x00\x10\x00", 4);
  huge += std::string(4096, 'z');
  spectrum_.send_bytes(huge);
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &c);
  exit_and_wait();
  const auto lines = recorded();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1]["message"], "a");
  EXPECT_EQ(lines[2]["message"], "b");
  EXPECT_EQ(lines[3]["message"], "c");
  const std::string log = bridge_.stderr_text();
  EXPECT_NE(log.find("not a WrapperMessage"), std::string::npos) << log;
  EXPECT_NE(log.find("exceeds max_message_size"), std::string::npos) << log;
}

TEST_F(BridgeProcessTest, InvalidUtf8FromSpectrumStillGivesValidJson) {
  start(recorder());
  const auto m = conv_message("caf\xc3 \xff");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  exit_and_wait();
  EXPECT_EQ(recorded()[1]["message"], "caf\xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_NE(bridge_.stderr_text().find("invalid UTF-8"), std::string::npos);
}

TEST_F(BridgeProcessTest, SpectrumEofClosesTheChildsStdinWithoutExitLine) {
  start(recorder());
  const auto m = conv_message("last");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  spectrum_.close_connection();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  const auto lines = recorded();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["message"], "last");
}

TEST_F(BridgeProcessTest, SigtermAndSigintShutDownCleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    FakeSpectrum spectrum;
    BridgeProcess bridge;
    const std::string out = dir_ + "/rec" + std::to_string(sig);
    bridge.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum.port()), "--child",
                  "sh -c 'exec cat > \"$0\"' " + out});
    ASSERT_TRUE(spectrum.accept());
    spectrum.send(WrapperMessage::TYPE_PING);
    ASSERT_TRUE(spectrum.read());  // the bridge is up
    bridge.signal(sig);
    EXPECT_EQ(bridge.wait(), 0) << bridge.stderr_text();
    EXPECT_TRUE(spectrum.wait_eof(5));
    EXPECT_EQ(child_lines(out).size(), 1u) << "only bridge.hello, no exit line";
  }
}

TEST_F(BridgeProcessTest, ChildIgnoringEofAndSigtermIsKilled) {
  const std::string script = dir_ + "/stubborn.py";
  write_file(script,
             "import signal, time\n"
             "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
             "print('{\"type\":\"connected\",\"user\":\"ready\"}', flush=True)  # SIGTERM is ignored from here on\n"
             "time.sleep(60)\n");
  start(kPython + " " + script, {"--json_backend.shutdown_timeout=0.2"});
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_CONNECTED)) << bridge_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  const std::string log = bridge_.stderr_text();
  EXPECT_NE(log.find("SIGTERM"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGKILL"), std::string::npos) << log;
}

TEST_F(BridgeProcessTest, ChildExitingOnItsOwnEndsTheBridgeWithItsCodeAfterItsLastLines) {
  start(
      R"(sh -c 'read hello; echo "{\"type\":\"connected\",\"user\":\"u\"}"; echo "{\"type\":\"connected\",\"user\":\"v\"}"; exit 3')");
  auto a = spectrum_.read();
  auto b = spectrum_.read();
  ASSERT_TRUE(a && b) << bridge_.stderr_text();
  EXPECT_EQ(a->type(), WrapperMessage::TYPE_CONNECTED);
  EXPECT_EQ(b->type(), WrapperMessage::TYPE_CONNECTED);
  EXPECT_TRUE(spectrum_.wait_eof());
  EXPECT_EQ(bridge_.wait(), 3) << bridge_.stderr_text();
}

TEST_F(BridgeProcessTest, ChildExitWhileAGrandchildHoldsItsStdoutStillEnds) {
  start("sh -c 'sleep 30 & exit 4'", {"--json_backend.shutdown_timeout=0.3"});
  EXPECT_EQ(bridge_.wait(), 4) << bridge_.stderr_text();
  EXPECT_NE(bridge_.stderr_text().find("stdout is still open"), std::string::npos);
}

TEST_F(BridgeProcessTest, ChildKilledBySignalGives128PlusSignal) {
  start("sh -c 'kill -9 $$'");
  EXPECT_EQ(bridge_.wait(), 128 + 9) << bridge_.stderr_text();
}

TEST_F(BridgeProcessTest, NoPingForThePingTimeoutShutsDown) {
  start(recorder(), {"--json_backend.ping_timeout=0.3"});
  ping_pong();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  EXPECT_NE(bridge_.stderr_text().find("no PING from Spectrum"), std::string::npos);
  EXPECT_EQ(recorded().size(), 1u);
}

TEST_F(BridgeProcessTest, ChildGetsTheEnvironmentAndSharesStderr) {
  const std::string cfg = dir_ + "/t.cfg";
  write_file(
      cfg,
      "[json_backend]\nchild = sh -c 'echo child-says-hi >&2; echo \"{\\\"type\\\":\\\"connected\\\",\\\"user\\\":"
      "\\\"$SPECTRUM2_BACKEND_ID|$SPECTRUM2_JID|$SPECTRUM2_CONFIG|$SPECTRUM2_HOST|$SPECTRUM2_PORT\\\"}\"; cat'\n");
  bridge_.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--service.backend_id=7", "-j",
                 "test.example", "--config", cfg});
  ASSERT_TRUE(spectrum_.accept());
  auto connected = spectrum_.read();
  ASSERT_TRUE(connected) << bridge_.stderr_text();
  pbnetwork::Connected c;
  ASSERT_TRUE(c.ParseFromString(connected->payload()));
  EXPECT_EQ(c.user(), "7|test.example|" + cfg + "|127.0.0.1|" + std::to_string(spectrum_.port()));
  exit_and_wait();
  EXPECT_NE(bridge_.stderr_text().find("child-says-hi"), std::string::npos);
}

TEST_F(BridgeProcessTest, TraceFileHasEveryDirectionAndNoPassword) {
  const std::string trace = dir_ + "/trace-{backend_id}.jsonl";
  start("cat", {"--trace", trace});
  ping_pong();
  pbnetwork::Login login;
  login.set_user("a@b");
  login.set_legacyname("a");
  login.set_password("s3cret-pw");
  spectrum_.send(WrapperMessage::TYPE_LOGIN, &login);
  const auto m = conv_message("hello");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_CONV_MESSAGE));
  exit_and_wait();
  const std::string text = read_file(dir_ + "/trace-7.jsonl");
  EXPECT_EQ(text.find("s3cret-pw"), std::string::npos);
  std::set<std::string> dirs;
  for (const auto& line : file_lines(dir_ + "/trace-7.jsonl")) {
    const json j = json::parse(line);
    dirs.insert(j["dir"]);
    EXPECT_EQ(j["ts"].get<std::string>().size(), 27u) << line;
    EXPECT_TRUE(j["msg"].is_object() || j["msg"].is_string());
  }
  EXPECT_EQ(dirs, (std::set<std::string>{"spectrum>bridge", "bridge>spectrum", "bridge>child", "child>bridge"}));
  EXPECT_NE(text.find(R"("password":"***")"), std::string::npos);
}

TEST_F(BridgeProcessTest, SlowChildGetsEverythingAndPingIsStillAnswered) {
  const std::string script = dir_ + "/slow.py";
  write_file(script,
             "import sys, time\n"
             "time.sleep(1.0)\n"
             "for line in sys.stdin:\n"
             "    sys.stdout.write(line)\n"
             "    sys.stdout.flush()\n");
  start(kPython + " " + script, {"--json_backend.buffer_limit=65536"});
  const int count = 5000;
  for (int i = 0; i < count; ++i) {
    const auto m = conv_message("slow " + std::to_string(i));
    spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  }
  spectrum_.send(WrapperMessage::TYPE_PING);
  // Paused by the full queue, the bridge reads Spectrum again once the child has taken half of it;
  // the PING is then answered as soon as it is read, long before the child reaches the messages
  // sent just before it.
  int got = 0;
  int echoed_before_pong = -1;
  while (got < count || echoed_before_pong < 0) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f) << got << bridge_.stderr_text();
    if (f->type() == WrapperMessage::TYPE_PONG) echoed_before_pong = got;
    if (f->type() != WrapperMessage::TYPE_CONV_MESSAGE) continue;
    pbnetwork::ConversationMessage back;
    ASSERT_TRUE(back.ParseFromString(f->payload()));
    ASSERT_EQ(back.message(), "slow " + std::to_string(got));
    ++got;
  }
  EXPECT_NE(bridge_.stderr_text().find("pausing reads from Spectrum"), std::string::npos);
  // 64 KiB of queued lines is far more than 100 messages.
  EXPECT_LT(echoed_before_pong, count - 100) << "the PONG waited for the child";
  exit_and_wait();
}

TEST_F(BridgeProcessTest, SpectrumNotReadingPausesTheChildAndLosesNothing) {
  // More than the kernel can hold on the way (loopback send and receive buffers grow to several
  // MiB each), so that the bridge's own queue must pass buffer_limit whatever the machine.
  const int count = 80000;
  const std::string script = dir_ + "/spew.py";
  write_file(script,
             "import sys, json\n"
             "for i in range(" +
                 std::to_string(count) +
                 "):\n"
                 "    sys.stdout.write(json.dumps({'type': 'connected', 'user': 'u%d' % i + 'x' * 200}) + '\\n')\n"
                 "sys.stdout.flush()\n"
                 "sys.stdin.read()\n");
  start(kPython + " " + script, {"--json_backend.buffer_limit=65536"});
  // Do not read until the bridge reports it paused the child.
  EXPECT_TRUE(wait_until([&] {
    return bridge_.stderr_text().find("pausing reads from the child") != std::string::npos;
  })) << bridge_.stderr_text();
  for (int i = 0; i < count; ++i) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f) << i;
    pbnetwork::Connected c;
    ASSERT_TRUE(c.ParseFromString(f->payload()));
    ASSERT_EQ(c.user(), "u" + std::to_string(i) + std::string(200, 'x'));
  }
  exit_and_wait();
}

struct StartupCase {
  const char* name;
  std::vector<std::string> args;
  int code;
  const char* says;
};

TEST(BridgeStartup, FailsWithErrnoCodesAndSaysWhatToFix) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/not-exec", "#!/bin/sh\n", false);
  write_file(dir + "/bad.cfg", "[json_backend]\nchild = cat\nthis line is wrong\n");
  write_file(dir + "/nochild.cfg", "[service]\njid = x\n");
  FakeSpectrum spectrum;
  const std::string port = std::to_string(spectrum.port());
  int closed_port;
  {
    FakeSpectrum gone;
    closed_port = gone.port();
  }
  const StartupCase cases[] = {
      {"child not found", {"--port", port, "--child", "/nonexistent/backend"}, ENOENT, "cannot start child"},
      {"child not executable", {"--port", port, "--child", dir + "/not-exec"}, EACCES, "cannot start child"},
      {"connection refused", {"--port", std::to_string(closed_port), "--child", "cat"}, ECONNREFUSED, "cannot connect"},
      {"no child", {"--port", port, dir + "/nochild.cfg"}, EINVAL, "no child command"},
      {"config missing", {"--port", port, dir + "/missing.cfg"}, ENOENT, "cannot read config file"},
      {"config syntax", {"--port", port, dir + "/bad.cfg"}, EINVAL, "bad.cfg:3"},
      {"bad feature", {"--port", port, "--child", "cat", "--json_backend.features=typing"}, EINVAL, "unknown feature"},
  };
  for (const StartupCase& c : cases) {
    BridgeProcess bridge;
    bridge.start(c.args);
    spectrum.accept(0.05);  // children that connect get a connection; it is closed with the bridge
    EXPECT_EQ(bridge.wait(), c.code) << c.name << ": " << bridge.stderr_text();
    EXPECT_NE(bridge.stderr_text().find(c.says), std::string::npos) << c.name << ": " << bridge.stderr_text();
    spectrum.close_connection();
  }
}

TEST(BridgeStartup, HelpAndVersion) {
  BridgeProcess help;
  help.start({"--help"});
  EXPECT_EQ(help.wait(), 0);
  for (const char* option : {"Usage:", "--host", "--port", "--service.backend_id", "--jid", "--config", "--child",
                             "--trace", "--log-level", "--describe", "--json_backend.KEY=VALUE"}) {
    EXPECT_NE(help.stdout_text().find(option), std::string::npos) << option << " in:\n" << help.stdout_text();
  }
  EXPECT_EQ(help.stderr_text(), "");
  BridgeProcess version;
  version.start({"--version"});
  EXPECT_EQ(version.wait(), 0);
  EXPECT_EQ(version.stdout_text(), "spectrum2_json_backend " S2J_VERSION "\n");
}

// Without --host, --port, a config or a child: it prints and exits.
TEST(BridgeStartup, DescribePrintsTheReference) {
  BridgeProcess all;
  all.start({"--describe"});
  EXPECT_EQ(all.wait(), 0) << all.stderr_text();
  EXPECT_EQ(all.stdout_text().rfind("# Message reference\n", 0), 0u);
  for (const char* form : {"--describe=buddy_typing", "--describe"}) {
    BridgeProcess one;
    one.start(std::string(form) == "--describe" ? std::vector<std::string>{form, "buddy_typing"}
                                                : std::vector<std::string>{form});
    EXPECT_EQ(one.wait(), 0) << form << ": " << one.stderr_text();
    EXPECT_EQ(one.stdout_text().rfind("## buddy_typing\n", 0), 0u) << form << ": " << one.stdout_text();
    EXPECT_NE(one.stdout_text().find("| `buddyName` | string | required |"), std::string::npos);
  }
  BridgeProcess unknown;
  unknown.start({"--describe=buddy_typeing"});
  EXPECT_EQ(unknown.wait(), EINVAL);
  EXPECT_NE(unknown.stderr_text().find("unknown type \"buddy_typeing\"; valid: connected, disconnected,"),
            std::string::npos)
      << unknown.stderr_text();
  EXPECT_EQ(unknown.stdout_text(), "");
}

}  // namespace
}  // namespace s2j::testing
