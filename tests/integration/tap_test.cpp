// The tap in front of a native backend (tests/integration/native_backend.py), as processes: bytes
// relayed unchanged both ways, PING answered by the backend itself, the trace complete and masked,
// the backend's end and exit code passed on, a backend that never connects.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "fake_spectrum.h"
#include "protocol.pb.h"

namespace s2j::testing {
namespace {

using pbnetwork::WrapperMessage;

const std::string kNative = kPython + " " + S2J_TEST_DIR + "/integration/native_backend.py";

std::string frame_of(int type, const google::protobuf::Message* payload = nullptr) {
  std::string body;
  if (payload != nullptr) {
    const std::string bytes = payload->SerializeAsString();
    body = make_wrapper(type, &bytes);
  } else {
    body = make_wrapper(type);
  }
  std::string out;
  append_frame(out, body);
  return out;
}

// A frame whose body is no WrapperMessage (field 1 would need a varint; 0xff... is no key).
std::string garbage_frame() {
  std::string out;
  append_frame(out, std::string("\xff\xff\xff\xff garbage", 12));
  return out;
}

class TapTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  // Starts the tap with the native backend (`backend_options` go before Spectrum's arguments) and
  // accepts the tap's connection.
  void start(const std::string& backend_options, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "--host", "127.0.0.1",     "--port", std::to_string(spectrum_.port()), "--service.backend_id=4",
        "-j",     "tap.localhost", "--tap",  kNative + " " + backend_options};
    args.insert(args.end(), extra.begin(), extra.end());
    tap_.start(args);
    ASSERT_TRUE(spectrum_.accept()) << tap_.stderr_text();
  }
  // The trace's lines, parsed.
  std::vector<nlohmann::json> trace() const {
    std::vector<nlohmann::json> lines;
    for (const std::string& line : file_lines(dir_ + "/trace.jsonl")) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  std::string dir_;
  FakeSpectrum spectrum_;
  BridgeProcess tap_;
};

TEST_F(TapTest, BytesAreRelayedUnchangedBothWaysAndTheBackendAnswersPingItself) {
  write_file(dir_ + "/greet", frame_of(WrapperMessage::TYPE_PONG) + garbage_frame());
  write_file(dir_ + "/x.cfg", "[service]\njid = tap.localhost\n");
  start("--record " + dir_ + "/received --greet " + dir_ + "/greet --args " + dir_ + "/args",
        {"--trace", dir_ + "/trace.jsonl", dir_ + "/x.cfg"});
  // What the backend sent first arrives exactly, the unreadable frame included.
  const std::string greeting = frame_of(WrapperMessage::TYPE_PONG) + garbage_frame();
  EXPECT_EQ(spectrum_.read_bytes(greeting.size()), greeting) << tap_.stderr_text();

  pbnetwork::Login login;
  login.set_user("alice@example.org");
  login.set_legacyname("alice");
  login.set_password("hunter22");
  const std::string sent = frame_of(WrapperMessage::TYPE_LOGIN, &login) + garbage_frame();
  spectrum_.send_bytes(sent);
  spectrum_.send(WrapperMessage::TYPE_PING);
  const auto pong = spectrum_.read();
  ASSERT_TRUE(pong) << tap_.stderr_text();
  EXPECT_EQ(pong->type(), WrapperMessage::TYPE_PONG);
  const auto stats = spectrum_.read();
  ASSERT_TRUE(stats && stats->type() == WrapperMessage::TYPE_STATS) << tap_.stderr_text();
  pbnetwork::Stats figures;
  ASSERT_TRUE(figures.ParseFromString(stats->payload()));
  EXPECT_NE(figures.id(), std::to_string(tap_.pid())) << "STATS come from the native backend, not the tap";
  EXPECT_EQ(children_of(tap_.pid()), std::vector<pid_t>{static_cast<pid_t>(std::stoi(figures.id()))})
      << "the backend is the tap's child, and its own PID is reported";

  // A conversation message goes through the backend and back, the same bytes.
  const pbnetwork::ConversationMessage text = conv_message("zażółć \x01 gęślą");
  const std::string conv = frame_of(WrapperMessage::TYPE_CONV_MESSAGE, &text);
  spectrum_.send_bytes(conv);
  EXPECT_EQ(spectrum_.read_bytes(conv.size()), conv);

  std::string ping;
  append_frame(ping, make_wrapper(WrapperMessage::TYPE_PING));
  EXPECT_TRUE(wait_until([&] {
    return read_file(dir_ + "/received").size() == sent.size() + ping.size() + conv.size();
  })) << read_file(dir_ + "/received").size();
  EXPECT_EQ(read_file(dir_ + "/received"), sent + ping + conv) << "every byte Spectrum sent, unchanged";
  EXPECT_EQ(read_file(dir_ + "/args").find("--tap"), std::string::npos);
  EXPECT_NE(read_file(dir_ + "/args").find("--host\n127.0.0.1\n--port\n"), std::string::npos);
  EXPECT_NE(read_file(dir_ + "/args").find("--service.backend_id=4\n-j\ntap.localhost\n" + dir_ + "/x.cfg\n"),
            std::string::npos)
      << "Spectrum's arguments are passed on: " << read_file(dir_ + "/args");
}

TEST_F(TapTest, TheTraceHoldsEveryFrameBothWaysWithSecretsMaskedAndUnreadableFramesNoted) {
  write_file(dir_ + "/greet", garbage_frame());
  start("--greet " + dir_ + "/greet", {"--trace", dir_ + "/trace.jsonl"});
  ASSERT_EQ(spectrum_.read_bytes(garbage_frame().size()), garbage_frame()) << tap_.stderr_text();
  pbnetwork::Login login;
  login.set_user("alice@example.org");
  login.set_legacyname("alice");
  login.set_password("hunter22");
  spectrum_.send(WrapperMessage::TYPE_LOGIN, &login);
  spectrum_.send(WrapperMessage::TYPE_PING);
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_STATS)) << tap_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(tap_.wait(), 0) << tap_.stderr_text();

  const std::string text = read_file(dir_ + "/trace.jsonl");
  EXPECT_EQ(text.find("hunter22"), std::string::npos) << text;
  std::vector<std::string> seen;
  for (const nlohmann::json& line : trace())
    seen.push_back(line["dir"].get<std::string>() + " " +
                   (line.contains("msg") ? line["msg"]["type"].get<std::string>() : "unreadable"));
  EXPECT_EQ(seen,
            (std::vector<std::string>{"backend>spectrum unreadable", "spectrum>backend login", "spectrum>backend ping",
                                      "backend>spectrum pong", "backend>spectrum stats", "spectrum>backend exit"}));
  const nlohmann::json first = trace()[0];
  EXPECT_EQ(first["frame_hex"], "ffffffff2067617262616765");
  EXPECT_EQ(trace()[1]["msg"]["password"], "***");
}

TEST_F(TapTest, TheBackendsExitCodeBecomesTheTaps) {
  start("--exit-code 7");
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(tap_.wait(), 7) << tap_.stderr_text();
  EXPECT_TRUE(spectrum_.wait_eof()) << "the backend's end reaches Spectrum";
}

TEST_F(TapTest, SpectrumClosingIsPassedOnAndTheTapEndsWithTheBackend) {
  start("--exit-code 3 --ready " + dir_ + "/ready");
  ASSERT_TRUE(wait_until([&] { return access((dir_ + "/ready").c_str(), F_OK) == 0; }));
  spectrum_.close_connection();
  EXPECT_EQ(tap_.wait(), 3) << tap_.stderr_text();
}

TEST_F(TapTest, ASignalIsPassedOnToTheBackend) {
  start("--ready " + dir_ + "/ready");
  ASSERT_TRUE(wait_until([&] { return access((dir_ + "/ready").c_str(), F_OK) == 0; }));
  spectrum_.send(WrapperMessage::TYPE_PING);
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_STATS));
  tap_.signal(SIGTERM);
  EXPECT_EQ(tap_.wait(), 128 + SIGTERM) << "the backend died of the SIGTERM it was given\n" << tap_.stderr_text();
  EXPECT_NE(tap_.stderr_text().find("passing it on to the backend"), std::string::npos);
}

TEST_F(TapTest, ABackendThatNeverConnectsIsAClearStartUpError) {
  start("--never-connect", {"--json_backend.tap_connect_timeout=1"});
  EXPECT_EQ(tap_.wait(), ETIMEDOUT) << tap_.stderr_text();
  EXPECT_NE(tap_.stderr_text().find("did not connect to 127.0.0.1:"), std::string::npos) << tap_.stderr_text();
  EXPECT_TRUE(children_of(tap_.pid()).empty());
}

TEST_F(TapTest, ABackendThatCannotStartIsAClearStartUpError) {
  tap_.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--tap", "/nonexistent/backend"});
  EXPECT_EQ(tap_.wait(), ENOENT) << tap_.stderr_text();
  EXPECT_NE(tap_.stderr_text().find("cannot start the native backend '/nonexistent/backend'"), std::string::npos)
      << tap_.stderr_text();
}

TEST_F(TapTest, TapLogAndFindingsGoToTheLog) {
  start("", {"--tap-log", "--json_backend.findings=true"});
  pbnetwork::ConversationMessage stray = conv_message("to nobody");
  spectrum_.send(WrapperMessage::TYPE_CONV_MESSAGE, &stray);  // echoed for a user that never logged in
  ASSERT_TRUE(spectrum_.read_until(WrapperMessage::TYPE_CONV_MESSAGE)) << tap_.stderr_text();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(tap_.wait(), 0);
  const std::string log = tap_.stderr_text();
  EXPECT_NE(log.find(R"(info: spectrum>backend {"type":"conv_message","userName":"alice@example.org")"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("finding: userName \"alice@example.org\" is not a JID from a LOGIN"), std::string::npos) << log;
}

}  // namespace
}  // namespace s2j::testing
