#include "core/bridge.h"

#include <gtest/gtest.h>

#include "core/json_translator.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

using pbnetwork::WrapperMessage;

struct RecordingTracer : Tracer {
  std::vector<std::pair<TraceDir, std::string>> records;
  void record(TraceDir dir, std::string_view json) override { records.emplace_back(dir, std::string(json)); }
  void note_unreadable(TraceDir, std::string_view, std::string_view) override { ADD_FAILURE() << "no such frames"; }
};

std::string frame_of(int type, const google::protobuf::Message* payload = nullptr) {
  std::string p = payload ? payload->SerializeAsString() : "";
  std::string out;
  append_frame(out, make_wrapper(type, payload ? &p : nullptr));
  return out;
}

std::vector<WrapperMessage> frames_in(const std::string& bytes) {
  FrameDecoder d(1 << 20);
  d.feed(bytes);
  std::vector<WrapperMessage> out;
  FrameEvent e;
  while (d.next(e)) {
    WrapperMessage w;
    EXPECT_TRUE(w.ParseFromArray(e.body.data(), static_cast<int>(e.body.size())));
    out.push_back(w);
  }
  return out;
}

std::vector<nlohmann::json> lines_in(const std::string& text) {
  std::vector<nlohmann::json> out;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; start = nl + 1, nl = text.find('\n', start))
    out.push_back(nlohmann::json::parse(text.substr(start, nl - start)));
  EXPECT_EQ(start, text.size()) << "every line ends with a newline";
  return out;
}

class BridgeTest : public ::testing::Test {
 protected:
  BridgeTest() : log_(LogLevel::kDebug, [this](LogLevel l, std::string_view m) { logs_.emplace_back(l, m); }) {}

  void make(BridgeSettings s = {}, bool trace = false) {
    if (s.pid.empty()) s.pid = "4242";
    s.init_res_kib = 100;
    bridge_ = std::make_unique<Bridge>(s, log_, trace ? &tracer_ : nullptr, [] { return MemoryStats{2048, 512}; });
  }
  std::string take_child() { return std::exchange(bridge_->child_output(), {}); }
  std::string take_spectrum() { return std::exchange(bridge_->spectrum_output(), {}); }
  bool logged(LogLevel level, std::string_view text) const {
    for (const auto& [l, m] : logs_)
      if (l == level && m.find(text) != std::string::npos) return true;
    return false;
  }

  std::vector<std::pair<LogLevel, std::string>> logs_;
  Logger log_;
  RecordingTracer tracer_;
  std::unique_ptr<Bridge> bridge_;
};

pbnetwork::ConversationMessage message(const std::string& text) {
  pbnetwork::ConversationMessage m;
  m.set_username("alice@example.org");
  m.set_buddyname("bob");
  m.set_message(text);
  return m;
}

TEST_F(BridgeTest, StartSendsHelloFirstAndBackendConfigWhenConfigured) {
  BridgeSettings s;
  s.backend_id = "2";
  s.jid = "icq.example";
  s.config_path = "/etc/x.cfg";
  s.config = parse_ini("top=1\n[service]\njid=icq\n[r]\nk=a\nk=b\n").entries;
  s.backend_config = "[features]\nmuc=1\n";
  make(s);
  bridge_->start();
  EXPECT_EQ(take_child(),
            R"({"type":"bridge.hello","version":1,"backend_id":"2","jid":"icq.example","config_path":"/etc/x.cfg",)"
            R"("config":{"":{"top":"1"},"service":{"jid":"icq"},"r":{"k":["a","b"]}}})"
            "\n");
  const auto frames = frames_in(take_spectrum());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].type(), WrapperMessage::TYPE_BACKEND_CONFIG);
  pbnetwork::BackendConfig config;
  ASSERT_TRUE(config.ParseFromString(frames[0].payload()));
  EXPECT_EQ(config.config(), "[features]\nmuc=1\n");

  make();
  bridge_->start();
  EXPECT_EQ(take_spectrum(), "") << "no BACKEND_CONFIG without features";
}

TEST_F(BridgeTest, PingIsAnsweredWithPongAndStatsAtOnceAndNeverReachesTheChild) {
  make();
  const Bridge::SpectrumEvents events = bridge_->on_spectrum_data(std::string("\x00\x00\x00\x02\x08\x09", 6));
  const std::string out = take_spectrum();
  EXPECT_EQ(out.substr(0, 6), std::string("\x00\x00\x00\x02\x08\x0a", 6)) << "PONG first, byte-exact";
  const auto frames = frames_in(out);
  ASSERT_EQ(frames.size(), 2u);
  ASSERT_EQ(frames[1].type(), WrapperMessage::TYPE_STATS);
  pbnetwork::Stats stats;
  ASSERT_TRUE(stats.ParseFromString(frames[1].payload()));
  EXPECT_EQ(stats.res(), 2048);
  EXPECT_EQ(stats.shared(), 512);
  EXPECT_EQ(stats.init_res(), 100);
  EXPECT_EQ(stats.id(), "4242");
  EXPECT_EQ(take_child(), "");
  EXPECT_EQ(events.pings, 1u);
  EXPECT_FALSE(events.exit);
}

TEST_F(BridgeTest, FramesBecomeLinesInOrder) {
  make();
  std::string input;
  for (int i = 0; i < 50; ++i) {
    const auto m = message("msg " + std::to_string(i));
    input += frame_of(WrapperMessage::TYPE_CONV_MESSAGE, &m);
  }
  input += frame_of(WrapperMessage::TYPE_PING);
  for (size_t i = 0; i < input.size(); i += 13) bridge_->on_spectrum_data(input.substr(i, 13));
  const auto lines = lines_in(take_child());
  ASSERT_EQ(lines.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(lines[i]["message"], "msg " + std::to_string(i));
  EXPECT_EQ(frames_in(take_spectrum()).size(), 2u);
}

TEST_F(BridgeTest, ExitIsForwardedAndEndsInput) {
  make();
  const auto m = message("after exit");
  EXPECT_TRUE(
      bridge_->on_spectrum_data(frame_of(WrapperMessage::TYPE_EXIT) + frame_of(WrapperMessage::TYPE_CONV_MESSAGE, &m))
          .exit);
  EXPECT_EQ(take_child(), "{\"type\":\"exit\"}\n");
  EXPECT_EQ(bridge_->on_spectrum_data(frame_of(WrapperMessage::TYPE_PING)).pings, 0u);
  EXPECT_EQ(take_child(), "");
  EXPECT_EQ(take_spectrum(), "");
}

TEST_F(BridgeTest, MalformedAndOversizedFramesAreSkippedAndTheNextOnesDelivered) {
  BridgeSettings s;
  s.max_message_size = 100;
  make(s);
  const auto a = message("first"), b = message("second"), c = message("third");
  std::string garbage;
  append_frame(garbage, "\xff\xff\xff\xff\xff");
  std::string huge;
  append_frame(huge, std::string(500, 'x'));
  bridge_->on_spectrum_data(frame_of(8, &a) + garbage + frame_of(8, &b) + huge + frame_of(8, &c));
  const auto lines = lines_in(take_child());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["message"], "first");
  EXPECT_EQ(lines[1]["message"], "second");
  EXPECT_EQ(lines[2]["message"], "third");
  EXPECT_TRUE(logged(LogLevel::kError, "not a WrapperMessage"));
  EXPECT_TRUE(logged(LogLevel::kError, "exceeds max_message_size"));
}

TEST_F(BridgeTest, InvalidUtf8FromSpectrumIsRepairedAndLogged) {
  make();
  const auto m = message("bad \xff byte");
  bridge_->on_spectrum_data(frame_of(8, &m));
  EXPECT_EQ(lines_in(take_child())[0]["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_TRUE(logged(LogLevel::kWarn, "invalid UTF-8"));
}

TEST_F(BridgeTest, PongAndStatsFromSpectrumAreNotForwarded) {
  make();
  bridge_->on_spectrum_data(frame_of(WrapperMessage::TYPE_PONG));
  EXPECT_EQ(take_child(), "");
}

TEST_F(BridgeTest, ChildLinesBecomeFramesInOrder) {
  make();
  std::string input;
  for (int i = 0; i < 20; ++i)
    input += R"({"type":"conv_message","userName":"a@b","buddyName":"c","message":")" + std::to_string(i) + "\"}\r\n";
  for (size_t i = 0; i < input.size(); i += 7) bridge_->on_child_data(input.substr(i, 7));
  const auto frames = frames_in(take_spectrum());
  ASSERT_EQ(frames.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    pbnetwork::ConversationMessage m;
    ASSERT_TRUE(m.ParseFromString(frames[i].payload()));
    EXPECT_EQ(m.message(), std::to_string(i));
  }
  EXPECT_EQ(take_child(), "");
}

TEST_F(BridgeTest, RejectedLinesGetBridgeErrorWithLineNumberAndTheStreamGoesOn) {
  make();
  bridge_->on_child_data("\n{oops\n   \n{\"type\":\"connected\"}\n{\"type\":\"connected\",\"user\":\"u\"}\n");
  const auto errors = lines_in(take_child());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["type"], "bridge.error");
  EXPECT_EQ(errors[0]["line_number"], 2);
  EXPECT_EQ(errors[0]["line"], "{oops");
  EXPECT_NE(errors[0]["error"].get<std::string>().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(errors[1]["line_number"], 4);
  EXPECT_NE(errors[1]["error"].get<std::string>().find("connected: missing required field(s) user"), std::string::npos);
  EXPECT_EQ(frames_in(take_spectrum()).size(), 1u);
  EXPECT_TRUE(logged(LogLevel::kError, "child line 2 rejected"));
}

TEST_F(BridgeTest, ErrorLineIsCutToOneKibAtACharacterBoundary) {
  make();
  std::string line = "x";
  for (int i = 0; i < 600; ++i) line += "\xC3\xA9";  // 1201 bytes
  bridge_->on_child_data(line + "\n");
  const auto errors = lines_in(take_child());
  ASSERT_EQ(errors.size(), 1u);
  const std::string cut = errors[0]["line"];
  EXPECT_EQ(cut.size(), 1023u);
  EXPECT_EQ(cut, line.substr(0, 1023));
}

TEST_F(BridgeTest, OversizedChildLineIsDiscardedAndLaterLinesPass) {
  BridgeSettings s;
  s.max_message_size = 64;
  make(s);
  bridge_->on_child_data(std::string(100, 'x'));
  bridge_->on_child_data(std::string(100, 'y') + "\n{\"type\":\"connected\",\"user\":\"u\"}\n");
  const auto errors = lines_in(take_child());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line_number"], 1);
  EXPECT_EQ(errors[0]["line"], std::string(100, 'x'));
  EXPECT_EQ(frames_in(take_spectrum()).size(), 1u);
}

TEST_F(BridgeTest, ChildPongStatsAndUnknownBridgeLinesAreDroppedSilently) {
  make();
  bridge_->on_child_data(
      "{\"type\":\"pong\"}\n{\"type\":\"stats\",\"res\":1,\"init_res\":1,\"shared\":1,\"id\":\"1\"}\n"
      "{\"type\":\"bridge.hello\",\"version\":1}\n");
  EXPECT_EQ(take_spectrum(), "");
  EXPECT_EQ(take_child(), "");
  EXPECT_TRUE(logged(LogLevel::kDebug, "pong dropped"));
}

TEST_F(BridgeTest, BridgeLogGoesToTheLog) {
  make();
  bridge_->on_child_data("{\"type\":\"bridge.log\",\"level\":\"warn\",\"message\":\"careful\"}\n");
  EXPECT_TRUE(logged(LogLevel::kWarn, "child: careful"));
  EXPECT_EQ(take_spectrum(), "");
}

TEST_F(BridgeTest, UnterminatedLastLineIsDeliveredAtEof) {
  make();
  bridge_->on_child_data("{\"type\":\"connected\",\"user\":\"u\"}");
  EXPECT_EQ(take_spectrum(), "");
  bridge_->on_child_eof();
  EXPECT_EQ(frames_in(take_spectrum()).size(), 1u);
}

TEST_F(BridgeTest, TraceCoversEveryDirectionAndHidesPasswords) {
  make({}, true);
  bridge_->start();
  pbnetwork::Login login;
  login.set_user("a@b");
  login.set_legacyname("a");
  login.set_password("s3cret");
  bridge_->on_spectrum_data(frame_of(WrapperMessage::TYPE_LOGIN, &login) + frame_of(WrapperMessage::TYPE_PING));
  bridge_->on_child_data("{\"type\":\"connected\",\"user\":\"a@b\"}\nnot json\n");
  bridge_->on_child_data("{\"type\":\"login\",\"user\":\"a\",\"legacyName\":\"a\",\"password\":\"s3cret\"}\n");
  std::vector<std::string> dirs;
  for (const auto& [dir, json] : tracer_.records) {
    dirs.emplace_back(trace_dir_name(dir));
    EXPECT_EQ(json.find("s3cret"), std::string::npos);
    EXPECT_TRUE(nlohmann::json::accept(json)) << json;
  }
  EXPECT_EQ(dirs, (std::vector<std::string>{"bridge>child", "spectrum>bridge", "spectrum>bridge", "bridge>spectrum",
                                            "bridge>spectrum", "child>bridge", "child>bridge", "bridge>child",
                                            "child>bridge", "bridge>child"}));
  EXPECT_EQ(nlohmann::json::parse(tracer_.records[1].second)["password"], "***");
  EXPECT_EQ(nlohmann::json::parse(tracer_.records[4].second)["type"], "stats");
  EXPECT_EQ(nlohmann::json::parse(tracer_.records[6].second), "not json");
  EXPECT_NE(take_child().find("s3cret"), std::string::npos) << "the child itself gets the password";
}

TEST_F(BridgeTest, TraceMasksSecretConfigValuesButTheChildGetsThemAll) {
  BridgeSettings s;
  s.config = parse_ini(
                 "[service]\nadmin_password=adm1n\njid=x\n[database]\npassword=db-pw\n[api]\napi_token=tok3n\n"
                 "client_secret=s3cr3t\nSigningKey=k3y\nAWS_Credentials=cr3d\nuser=visible\n")
                 .entries;
  make(s, true);
  bridge_->start();
  ASSERT_FALSE(tracer_.records.empty());
  const std::string& hello = tracer_.records[0].second;
  const std::string to_child = take_child();
  for (const char* secret : {"adm1n", "db-pw", "tok3n", "s3cr3t", "k3y", "cr3d"}) {
    EXPECT_EQ(hello.find(secret), std::string::npos) << secret << " in " << hello;
    EXPECT_NE(to_child.find(secret), std::string::npos) << "the child gets " << secret;
  }
  EXPECT_NE(hello.find("visible"), std::string::npos) << hello;
}

// The bridge knows every password it forwarded in a LOGIN: a child quoting one (a debug line, a
// Python repr) does not put it into the trace, nor into the log.
TEST_F(BridgeTest, ForwardedPasswordsAreMaskedWhereverTheyShowUpLater) {
  make({}, true);
  pbnetwork::Login login;
  login.set_user("a@b");
  login.set_legacyname("a");
  login.set_password("pa\"ss'w0rd");
  bridge_->on_spectrum_data(frame_of(WrapperMessage::TYPE_LOGIN, &login));
  take_child();
  bridge_->on_child_data("got {'user': 'a@b', 'password': 'pa\"ss\\'w0rd'} and pa\"ss'w0rd\n");
  bridge_->on_child_data(R"({"type":"bridge.log","level":"info","message":"login with pa\"ss'w0rd"})"
                         "\n");
  bridge_->on_child_data(R"({"type":"connected","user":"a@b","note":"pa\"ss'w0rd"})"
                         "\n");
  for (const auto& [dir, json] : tracer_.records) {
    EXPECT_EQ(json.find("ss'w0rd"), std::string::npos) << json;
    EXPECT_EQ(json.find("ss\\'w0rd"), std::string::npos) << json;
  }
  for (const auto& [level, message] : logs_) EXPECT_EQ(message.find("ss'w0rd"), std::string::npos) << message;
  EXPECT_GE(tracer_.records.size(), 5u);
}

TEST(TraceRedactor, MasksSecretMembersQuotedLinesAndKnownSecrets) {
  TraceRedactor r;
  EXPECT_EQ(r.redact(R"({"a":{"Password":"x","list":[{"api_token":"t"}]},"b":1})"),
            R"({"a":{"Password":"***","list":[{"api_token":"***"}]},"b":1})");
  EXPECT_EQ(r.redact(R"({"line":"{\"type\":\"login\",\"password\":\"pw\"}"})"),
            R"({"line":"{\"type\":\"login\",\"password\":\"***\"}"})");
  EXPECT_EQ(r.redact(R"({"line":"{\"password\":\"p"})"), R"x({"line":"(not shown: may hold a secret)"})x");
  const std::string plain = R"({"type":"conv_message","message":"I pass"})";
  EXPECT_EQ(r.redact(plain), plain) << "a word in a value is no secret";
  r.add_secret("abc");
  EXPECT_FALSE(r.has_secrets()) << "too short to mask safely";
  r.add_secret("hunter2");
  r.add_secret("hunter2!");
  EXPECT_EQ(r.redact(R"("hunter2! and hunter2")"), R"("*** and ***")");
  EXPECT_EQ(r.mask_secrets("x hunter2 y"), "x *** y");
}

TEST(TraceFormat, IsOneJsonLine) {
  const std::string line = format_trace_line("2026-01-01T00:00:00.000001Z", TraceDir::kChildToBridge, "{\"a\":1}");
  EXPECT_EQ(line, "{\"ts\":\"2026-01-01T00:00:00.000001Z\",\"dir\":\"child>bridge\",\"msg\":{\"a\":1}}\n");
}

}  // namespace
}  // namespace s2j
