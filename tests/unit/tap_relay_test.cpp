// The tap's relay: bytes pass unchanged whatever they hold; frames are traced, logged and judged on
// the way.
#include "core/tap_relay.h"

#include <gtest/gtest.h>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

using pbnetwork::WrapperMessage;

struct Record {
  TraceDir dir;
  std::string text;  // the message JSON, or "unreadable: <error> <hex>"
};

struct RecordingTracer : Tracer {
  std::vector<Record> records;
  void record(TraceDir dir, std::string_view json) override { records.push_back({dir, std::string(json)}); }
  void note_unreadable(TraceDir dir, std::string_view error, std::string_view hex) override {
    records.push_back({dir, "unreadable: " + std::string(error) + " " + std::string(hex)});
  }
};

struct FakeChecks : ConversationChecks {
  std::string pid;
  std::vector<std::string> sent;
  int pings = 0, ticks = 0, frames = 0;
  void set_backend_pid(std::string p) override { pid = std::move(p); }
  void on_sent(const nlohmann::ordered_json& message) override { sent.push_back(message.value("type", "")); }
  void on_ping_sent() override { ++pings; }
  std::vector<std::string> on_backend_frame(std::string_view, nlohmann::ordered_json&) override {
    ++frames;
    return {"judged frame " + std::to_string(frames)};
  }
  std::vector<std::string> on_tick(bool&) override {
    ++ticks;
    return {"tick " + std::to_string(ticks)};
  }
};

std::string frame(int type, const google::protobuf::Message* payload = nullptr) {
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

std::string login_frame(const std::string& password) {
  pbnetwork::Login login;
  login.set_user("alice@example.org");
  login.set_legacyname("alice");
  login.set_password(password);
  return frame(WrapperMessage::TYPE_LOGIN, &login);
}

class TapRelayTest : public ::testing::Test {
 protected:
  TapRelayTest() : log_(LogLevel::kDebug, [this](LogLevel l, std::string_view m) { logs_.emplace_back(l, m); }) {}
  bool logged(LogLevel level, std::string_view text) const {
    for (const auto& [l, m] : logs_)
      if (l == level && m.find(text) != std::string::npos) return true;
    return false;
  }

  std::vector<std::pair<LogLevel, std::string>> logs_;
  Logger log_;
  RecordingTracer tracer_;
};

TEST_F(TapRelayTest, EveryByteIsRelayedUnchangedWhateverTheChunksAndFramesHold) {
  TapRelay relay({}, log_, &tracer_, nullptr);
  std::string garbage;
  append_frame(garbage, std::string("\xff\xff\xff\x01 not a message", 19));
  const std::string from_spectrum = frame(WrapperMessage::TYPE_PING) + login_frame("hunter22") + garbage +
                                    std::string("\x00\x00", 2);  // and half a header
  // Byte by byte: every split point a socket could produce.
  for (char c : from_spectrum) relay.on_spectrum_data(std::string_view(&c, 1));
  EXPECT_EQ(relay.backend_output(), from_spectrum);
  EXPECT_TRUE(relay.spectrum_output().empty());

  const std::string from_backend = frame(WrapperMessage::TYPE_PONG) + garbage;
  relay.on_backend_data(from_backend.substr(0, 3));
  relay.on_backend_data(from_backend.substr(3));
  EXPECT_EQ(relay.spectrum_output(), from_backend);
}

TEST_F(TapRelayTest, FramesAreTracedBothWaysWithPasswordsMasked) {
  TapRelay relay({}, log_, &tracer_, nullptr);
  relay.on_spectrum_data(frame(WrapperMessage::TYPE_PING) + login_frame("hunter22"));
  pbnetwork::Disconnected error;
  error.set_user("alice@example.org");
  error.set_error(1);
  error.set_message("wrong password hunter22 for alice");
  relay.on_backend_data(frame(WrapperMessage::TYPE_PONG) + frame(WrapperMessage::TYPE_DISCONNECTED, &error));

  ASSERT_EQ(tracer_.records.size(), 4u);
  EXPECT_EQ(tracer_.records[0].dir, TraceDir::kSpectrumToBackend);
  EXPECT_EQ(tracer_.records[0].text, R"({"type":"ping"})");
  EXPECT_EQ(tracer_.records[1].text,
            R"({"type":"login","user":"alice@example.org","legacyName":"alice","password":"***"})");
  EXPECT_EQ(tracer_.records[2].dir, TraceDir::kBackendToSpectrum);
  EXPECT_EQ(tracer_.records[2].text, R"({"type":"pong"})");
  EXPECT_NE(tracer_.records[3].text.find("wrong password *** for alice"), std::string::npos)
      << "a password Spectrum sent is masked wherever it shows up: " << tracer_.records[3].text;
  EXPECT_EQ(relay.backend_output().find("***"), std::string::npos) << "masking is for the trace only";
}

TEST_F(TapRelayTest, AFrameThatIsNoMessageIsRelayedAndNotedWithItsBytes) {
  TapRelay relay({}, log_, &tracer_, nullptr);
  std::string garbage;
  append_frame(garbage, std::string("\xff\xff\xff", 3));
  relay.on_backend_data(garbage + frame(WrapperMessage::TYPE_PONG));
  EXPECT_EQ(relay.spectrum_output(), garbage + frame(WrapperMessage::TYPE_PONG));
  ASSERT_EQ(tracer_.records.size(), 2u);
  EXPECT_EQ(tracer_.records[0].dir, TraceDir::kBackendToSpectrum);
  EXPECT_EQ(tracer_.records[0].text.rfind("unreadable: ", 0), 0u) << tracer_.records[0].text;
  EXPECT_NE(tracer_.records[0].text.find(" ffffff"), std::string::npos) << "its bytes in hex";
  EXPECT_EQ(tracer_.records[1].text, R"({"type":"pong"})") << "reading goes on after it";
  EXPECT_TRUE(logged(LogLevel::kWarn, "from the backend: "));
}

TEST_F(TapRelayTest, AnOversizedFrameIsRelayedWholeAndTheFramesAfterItAreStillRead) {
  TapRelay relay({1000, false}, log_, &tracer_, nullptr);
  pbnetwork::ConversationMessage big;
  big.set_username("alice@example.org");
  big.set_buddyname("echo");
  big.set_message(std::string(5000, 'x'));
  const std::string bytes = frame(WrapperMessage::TYPE_CONV_MESSAGE, &big) + frame(WrapperMessage::TYPE_PING);
  relay.on_spectrum_data(bytes);
  EXPECT_EQ(relay.backend_output(), bytes);
  ASSERT_EQ(tracer_.records.size(), 2u);
  EXPECT_NE(tracer_.records[0].text.find("over max_message_size"), std::string::npos) << tracer_.records[0].text;
  EXPECT_EQ(tracer_.records[1].text, R"({"type":"ping"})");
}

TEST_F(TapRelayTest, ExitIsReportedAndTheConnectionEndingMidFrameIsNoted) {
  TapRelay relay({}, log_, &tracer_, nullptr);
  EXPECT_FALSE(relay.on_spectrum_data(frame(WrapperMessage::TYPE_PING)).exit);
  const std::string exit = frame(WrapperMessage::TYPE_EXIT);
  EXPECT_TRUE(relay.on_spectrum_data(exit + exit.substr(0, 2)).exit);
  relay.on_spectrum_eof();
  EXPECT_TRUE(logged(LogLevel::kWarn, "from Spectrum: the connection closed in the middle of a frame"));
}

TEST_F(TapRelayTest, WithNobodyReadingAlongExitIsStillSeen) {
  TapRelay relay({}, log_, nullptr, nullptr);
  pbnetwork::ConversationMessage m;
  m.set_username("a");
  m.set_buddyname("b");
  m.set_message(std::string(300, 'x'));  // a varint length that needs two bytes
  EXPECT_FALSE(
      relay.on_spectrum_data(frame(WrapperMessage::TYPE_PING) + frame(WrapperMessage::TYPE_CONV_MESSAGE, &m)).exit);
  EXPECT_TRUE(relay.on_spectrum_data(frame(WrapperMessage::TYPE_EXIT)).exit);
}

TEST_F(TapRelayTest, TapLogShowsEachFrameInOneLineCutWhenLong) {
  TapRelay relay({64u << 20, true}, log_, nullptr, nullptr);
  relay.on_spectrum_data(login_frame("hunter22"));
  EXPECT_TRUE(logged(LogLevel::kInfo, R"(spectrum>backend {"type":"login","user":"alice@example.org")"));
  EXPECT_FALSE(logged(LogLevel::kInfo, "hunter22"));
  pbnetwork::ConversationMessage big;
  big.set_username("alice@example.org");
  big.set_buddyname("echo");
  big.set_message(std::string(5000, 'x'));
  relay.on_backend_data(frame(WrapperMessage::TYPE_CONV_MESSAGE, &big));
  ASSERT_FALSE(logs_.empty());
  EXPECT_LT(logs_.back().second.size(), TapRelay::kLogLineBytes + 64);
  EXPECT_NE(logs_.back().second.find(" bytes)"), std::string::npos) << logs_.back().second;
}

TEST_F(TapRelayTest, FindingsJudgeTheConversationAndAreLoggedWithoutAlteringIt) {
  FakeChecks checks;
  TapRelay relay({}, log_, nullptr, &checks);
  relay.on_backend_started(4242);
  EXPECT_EQ(checks.pid, "4242");
  const std::string spectrum_bytes =
      frame(WrapperMessage::TYPE_PING) + login_frame("pw12345") + frame(WrapperMessage::TYPE_PING);
  relay.on_spectrum_data(spectrum_bytes);
  relay.on_backend_data(frame(WrapperMessage::TYPE_PONG));
  EXPECT_EQ(checks.sent, std::vector<std::string>{"login"});
  EXPECT_EQ(checks.pings, 2);
  EXPECT_EQ(checks.ticks, 1) << "the first PING is no tick: Spectrum judges from the second on";
  EXPECT_EQ(checks.frames, 1);
  EXPECT_TRUE(logged(LogLevel::kWarn, "finding: tick 1"));
  EXPECT_TRUE(logged(LogLevel::kWarn, "finding: judged frame 1"));
  EXPECT_EQ(relay.backend_output(), spectrum_bytes);
}

}  // namespace
}  // namespace s2j
