#include <gtest/gtest.h>

#include "core/json_translator.h"
#include "protocol.pb.h"
#include "sim/json_match.h"
#include "sim/scenario.h"
#include "sim/spectrum_checks.h"

namespace s2j {
namespace {

using Json = nlohmann::ordered_json;
using pbnetwork::WrapperMessage;

TEST(JsonMatch, SubsetOfObjectsArraysAsWholes) {
  const Json actual = Json::parse(R"({"type":"buddy_changed","group":["a","b"],"nested":{"x":1,"y":2}})");
  EXPECT_TRUE(json_contains(actual, Json::parse(R"({"type":"buddy_changed"})")));
  EXPECT_TRUE(json_contains(actual, Json::parse(R"({"nested":{"y":2}})")));
  EXPECT_TRUE(json_contains(actual, Json::parse(R"({"group":["a","b"]})")));
  EXPECT_FALSE(json_contains(actual, Json::parse(R"({"group":["a"]})")));
  EXPECT_FALSE(json_contains(actual, Json::parse(R"({"type":"connected"})")));
  EXPECT_FALSE(json_contains(actual, Json::parse(R"({"missing":null})")));
}

TEST(Scenario, ParsesSendExpectSleepAndComments) {
  std::string error;
  EXPECT_FALSE(parse_step("# comment", 1, error));
  EXPECT_FALSE(parse_step("   ", 2, error));
  EXPECT_EQ(error, "");
  auto send = parse_step(R"({"type":"logout","user":"a","legacyName":"b"})", 3, error);
  ASSERT_TRUE(send) << error;
  EXPECT_EQ(send->kind, Step::Kind::kSend);
  Wrapper w;
  ASSERT_EQ(parse_wrapper(send->frame_body, w), "");
  EXPECT_EQ(w.number, WrapperMessage::TYPE_LOGOUT);
  auto expect = parse_step(R"({"expect":{"type":"connected"},"timeout":0.5})", 4, error);
  ASSERT_TRUE(expect);
  EXPECT_EQ(expect->kind, Step::Kind::kExpect);
  EXPECT_DOUBLE_EQ(expect->seconds, 0.5);
  EXPECT_DOUBLE_EQ(parse_step(R"({"expect":{}})", 5, error)->seconds, kDefaultExpectTimeout);
  auto sleep = parse_step(R"({"sleep":1.5})", 6, error);
  ASSERT_TRUE(sleep);
  EXPECT_EQ(sleep->kind, Step::Kind::kSleep);
}

TEST(Scenario, RejectsWhatSpectrumWouldNotSendAndTypos) {
  std::string error;
  for (const char* line :
       {R"({"type":"connected","user":"a"})", R"({"type":"login","user":"a"})", "nonsense", R"({"expect":"connected"})",
        R"({"expect":{},"timeuot":1})", R"({"sleep":-1})", R"({"hello":1})", R"({"type":"bridge.hello"})"}) {
    EXPECT_FALSE(parse_step(line, 1, error)) << line;
    EXPECT_NE(error, "") << line;
  }
}

std::string body(const std::string& json_line) {
  const FromChild f = json_to_wrapper(json_line, Sender::kBackend);
  EXPECT_EQ(f.kind, FromChild::Kind::kFrame) << f.error;
  return f.frame_body;
}

class ChecksTest : public ::testing::Test {
 protected:
  ChecksTest() : checks_("1234") { checks_.on_sent(Json::parse(R"({"type":"login","user":"alice@x"})")); }
  std::vector<std::string> feed(const std::string& b) {
    Json j;
    return checks_.on_backend_frame(b, j);
  }
  SpectrumChecks checks_;
};

TEST_F(ChecksTest, GoodMessagesHaveNoFindings) {
  EXPECT_TRUE(feed(body(R"({"type":"connected","user":"alice@x"})")).empty());
  EXPECT_TRUE(feed(body(R"({"type":"conv_message","userName":"alice@x","buddyName":"b","message":"m"})")).empty());
  EXPECT_TRUE(feed(body(R"({"type":"stats","res":1,"init_res":1,"shared":1,"id":"1234"})")).empty());
  EXPECT_TRUE(feed(body(R"({"type":"room_list","room":["r"],"name":["n"],"user":""})")).empty());
}

// Each message gets exactly the finding that names what Spectrum would do with it.
TEST_F(ChecksTest, FindsWhatSpectrumWouldDrop) {
  const auto only = [](const std::vector<std::string>& findings, const std::string& says) {
    EXPECT_EQ(findings.size(), 1u);
    for (const std::string& f : findings) EXPECT_NE(f.find(says), std::string::npos) << f;
  };
  only(feed(body(R"({"type":"disconnected","user":"alice@x","error":0})")), "error 0 (NETWORK_ERROR)");
  only(feed(body(R"({"type":"connected","user":"bob@x"})")), "\"bob@x\" is not a JID from a LOGIN");
  only(feed(body(R"({"type":"stats","res":1,"init_res":1,"shared":1,"id":"99"})")), "not the backend's PID 1234");
  only(feed(make_wrapper(WrapperMessage::TYPE_LOGIN)), "Spectrum ignores login from a backend");
  only(feed(std::string("\x08\x25", 2)), "type 37 is not in Spectrum's enum");  // type 37
  only(feed("\xff\xff"), "Spectrum logs PARSING ERROR");
  pbnetwork::Participant p;
  p.set_username("alice@x");
  const std::string partial = p.SerializePartialAsString();
  only(feed(make_wrapper(WrapperMessage::TYPE_PARTICIPANT_CHANGED, &partial)),
       "participant_changed payload lacks required field(s) room, nickname, flag, status");
  pbnetwork::ConversationMessage m;
  m.set_username("alice@x");
  m.set_buddyname("b");
  m.set_message("m");
  m.set_timestamp("yesterday");
  const std::string stamped = m.SerializeAsString();
  only(feed(make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &stamped)), "Spectrum throws while reading it");
  m.set_timestamp("20240131T120000+0100");
  const std::string offset = m.SerializeAsString();
  only(feed(make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &offset)), "not as a UTC offset");
  pbnetwork::BackendConfig c;
  c.set_config("[features]\nmuc=perhaps\n");
  const std::string bad_config = c.SerializeAsString();
  only(feed(make_wrapper(WrapperMessage::TYPE_BACKEND_CONFIG, &bad_config)), "needs a boolean");
  c.set_config("[features]\nmuc=1\n");
  const std::string no_registration = c.SerializeAsString();
  only(feed(make_wrapper(WrapperMessage::TYPE_BACKEND_CONFIG, &no_registration)),
       "backend_config without registration.needRegistration");
}

TEST_F(ChecksTest, MessagesAboutAUserAfterLogoutAreFound) {
  checks_.on_sent(Json::parse(R"({"type":"logout","user":"alice@x","legacyName":"alice"})"));
  const auto findings = feed(body(R"({"type":"buddy_changed","userName":"alice@x","buddyName":"b"})"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].find("\"alice@x\" was logged out"), std::string::npos) << findings[0];
  checks_.on_sent(Json::parse(R"({"type":"login","user":"alice@x","legacyName":"alice","password":""})"));
  EXPECT_TRUE(feed(body(R"({"type":"connected","user":"alice@x"})")).empty()) << "logged in again";
}

TEST_F(ChecksTest, TicksReportMissingPongAndStats) {
  bool unanswered = false;
  checks_.on_ping_sent();
  const auto first = checks_.on_tick(unanswered);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NE(first[0].find("no PONG before the ping tick"), std::string::npos);
  EXPECT_FALSE(unanswered) << "a backend never answering is dropped for having no users, not for PING";
  feed(make_wrapper(WrapperMessage::TYPE_PONG));
  checks_.on_ping_sent();
  const auto second = checks_.on_tick(unanswered);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(second[0].find("no PONG (nor any frame) since the last PING"), std::string::npos);
  EXPECT_NE(second[1].find("no STATS after PONG"), std::string::npos);
  EXPECT_TRUE(unanswered);
  checks_.on_ping_sent();
  feed(body(R"({"type":"connected","user":"alice@x"})"));  // any frame counts as liveness
  EXPECT_TRUE(checks_.on_tick(unanswered).empty()) << "STATS is reported once only";
  EXPECT_FALSE(unanswered);
}

}  // namespace
}  // namespace s2j
