// The direct JSON paths must agree to the byte with protobuf's own JSON utilities.
#include "core/proto_json.h"

#include <gtest/gtest.h>

#include "core/message_types.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

namespace pb = google::protobuf;

std::string utf8(uint32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | c >> 6);
    s += static_cast<char>(0x80 | (c & 63));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | c >> 12);
    s += static_cast<char>(0x80 | ((c >> 6) & 63));
    s += static_cast<char>(0x80 | (c & 63));
  } else {
    s += static_cast<char>(0xF0 | c >> 18);
    s += static_cast<char>(0x80 | ((c >> 12) & 63));
    s += static_cast<char>(0x80 | ((c >> 6) & 63));
    s += static_cast<char>(0x80 | (c & 63));
  }
  return s;
}

std::string direct(const pb::Message& m) {
  std::string out;
  EXPECT_TRUE(append_json_members_direct(m, out)) << m.GetTypeName();
  return out;
}

std::string library(const pb::Message& m) {
  std::string out;
  EXPECT_EQ(append_json_members_protobuf(m, out), "");
  return out;
}

TEST(ProtoJson, EveryCodePointIsEscapedAsProtobufDoes) {
  // Chunks of consecutive code points, so that protobuf's printer runs a few hundred times only.
  for (uint32_t start = 0; start <= 0x10FFFF; start += 4096) {
    pbnetwork::Connected m;
    std::string text;
    for (uint32_t c = start; c < start + 4096 && c <= 0x10FFFF; ++c)
      if (c < 0xD800 || c > 0xDFFF) text += utf8(c);
    m.set_user(text);
    ASSERT_EQ(direct(m), library(m)) << "code points from U+" << std::hex << start;
  }
}

TEST(ProtoJson, PrintsLikeProtobufForEveryMessageOfTheProtocol) {
  pbnetwork::ConversationMessage c;
  c.set_username("u \"q\" <x>");
  c.set_buddyname("");
  c.set_message("line\nbreak\ttab\\");
  c.set_headline(false);
  c.set_pm(true);
  c.add_attachment()->set_url("http://x/y.png");
  c.add_attachment()->set_description("");
  pbnetwork::Participant p;
  p.set_username("u");
  p.set_flag(-7);
  p.set_status(pbnetwork::STATUS_INVISIBLE);
  pbnetwork::VCard v;
  v.set_username("u");
  v.set_id(2147483647);
  v.set_photo(std::string("\x00\xff\x80", 3));
  pbnetwork::Buddies buddies;
  buddies.add_buddy()->set_username("a");
  buddies.add_buddy()->add_group("g");
  pbnetwork::RoomList rooms;
  rooms.add_room("#a");
  rooms.add_name("A");
  pbnetwork::Stats stats;
  stats.set_res(-1);
  stats.set_init_res(0);
  for (const pb::Message* m : std::initializer_list<const pb::Message*>{&c, &p, &v, &buddies, &rooms, &stats})
    EXPECT_EQ(direct(*m), library(*m)) << m->GetTypeName();
  pbnetwork::Buddy empty_nested;
  EXPECT_EQ(direct(empty_nested), library(empty_nested));
}

TEST(ProtoJson, DeclinesWhatItDoesNotPrintExactly) {
  pbnetwork::Login login;  // a map field
  login.set_user("u");
  login.mutable_settings()->mutable_value()->insert({"k", "v"});
  std::string out = "unchanged";
  EXPECT_FALSE(append_json_members_direct(login, out));
  EXPECT_EQ(out, "unchanged");
  pbnetwork::Buddy b;  // an enum number this schema does not know
  ASSERT_TRUE(b.ParsePartialFromString(std::string("\x0a\x01u\x28\x70", 5)));
  EXPECT_FALSE(append_json_members_direct(b, out));
  pbnetwork::ConversationMessage m;  // a string that is not UTF-8, at any depth
  m.set_username("u");
  m.set_buddyname("b");
  m.set_message("fine");
  EXPECT_TRUE(append_json_members_direct(m, out));
  out = "unchanged";
  m.add_attachment()->set_url("caf\xC3");
  EXPECT_FALSE(append_json_members_direct(m, out));
  EXPECT_EQ(out, "unchanged");
  m.mutable_attachment(0)->set_url("ok");
  m.set_message("\xFF");
  EXPECT_FALSE(append_json_members_direct(m, out));
  EXPECT_EQ(out, "unchanged");
}

struct FillCase {
  const pb::Descriptor* type;
  const char* json;
  bool direct;  // the direct path takes it (otherwise it declines, and protobuf decides)
};

TEST(ProtoJson, FillsLikeProtobuf) {
  const FillCase cases[] = {
      {pbnetwork::ConversationMessage::descriptor(),
       R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","pm":true,"attachment":[{"url":"x"}]})",
       true},
      {pbnetwork::Stats::descriptor(), R"({"res":1,"initRes":2,"shared":-3,"id":"4"})", true},
      {pbnetwork::Buddy::descriptor(), R"({"userName":"u","buddyName":"b","group":["a","b"],"status":"STATUS_XA"})",
       true},
      {pbnetwork::Participant::descriptor(),
       R"({"userName":"u","room":"r","nickname":"n","flag":2147483647,"status":"STATUS_NONE"})", true},
      {pbnetwork::Buddy::descriptor(), R"({"userName":"u","buddyName":"b","status":3})", false},
      {pbnetwork::VCard::descriptor(), R"({"userName":"u","buddyName":"b","id":1,"photo":"AAEC"})", false},
      {pbnetwork::Stats::descriptor(), R"({"res":"1","init_res":2,"shared":3,"id":"4"})", false},
      {pbnetwork::Stats::descriptor(), R"({"res":1.0,"init_res":2,"shared":3,"id":"4"})", false},
      {pbnetwork::Stats::descriptor(), R"({"res":1,"init_res":2,"initRes":3,"shared":3,"id":"4"})", false},
      {pbnetwork::Participant::descriptor(),
       R"({"userName":"u","room":"r","nickname":"n","flag":2147483648,"status":"STATUS_NONE"})", false},
      {pbnetwork::Connected::descriptor(), R"({"user":"u","extra":1})", false},
      {pbnetwork::Connected::descriptor(), R"({"user":null})", false},
      {pbnetwork::Disconnected::descriptor(), R"({"user":"u"})", false},
  };
  for (const FillCase& c : cases) {
    const auto object = nlohmann::json::parse(c.json);
    std::unique_ptr<pb::Message> a(pb::MessageFactory::generated_factory()->GetPrototype(c.type)->New());
    std::unique_ptr<pb::Message> b(a->New());
    EXPECT_EQ(fill_from_json_direct(object, *a), c.direct) << c.json;
    const std::string error = fill_from_json_protobuf(object, *b);
    if (c.direct) {
      EXPECT_EQ(error, "") << c.json;
      EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString()) << c.json;
    } else {
      EXPECT_EQ(a->ByteSizeLong(), 0u) << "a declined fill leaves the message empty";
    }
  }
}

struct TextCase {
  const pb::Descriptor* type;
  const char* name;  // the "type" the filler expects
  const char* line;
  bool taken;  // the text filler takes it (and must then agree with the direct filler to the byte)
};

TEST(ProtoJson, FillsFromTextAsTheDirectFillerDoes) {
  const auto* conv = pbnetwork::ConversationMessage::descriptor();
  const auto* buddy = pbnetwork::Buddy::descriptor();
  const auto* stats = pbnetwork::Stats::descriptor();
  const TextCase cases[] = {
      {conv, "conv_message",
       R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m\u00e9\n","pm":true,)"
       R"("attachment":[{"url":"x"},{"url":"y","mimeType":"text/plain"}]})",
       true},
      {buddy, "buddy_changed",
       R"( {"type":"buddy_changed","userName":"u","buddyName":"b","group":[],"status":"STATUS_XA"})", true},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":"b","group":["a","b"]} )", true},
      {stats, "stats", R"({"type":"stats","res":-2147483648,"init_res":2147483647,"shared":0,"id":"4"})", true},
      {conv, "conv_message",
       "{\"type\":\"conv_message\",\"userName\":\"u\",\"buddyName\":\"b\",\"message\":\"gr\xC3\xBC\xC3\x9F\"}", true},
      {conv, "conv_message",
       R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","pm":true,"nickname":"n"})", true},
      {conv, "conv_message", R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","xhtml":1})",
       false},
      {conv, "conv_message", R"({"type":"conv_message","user_name":"u","buddyName":"b","message":"m"})", false},
      // Declined: what the direct filler declines...
      {stats, "stats", R"({"type":"stats","res":2147483648,"init_res":2,"shared":0,"id":"4"})", false},
      {stats, "stats", R"({"type":"stats","res":1.0,"init_res":2,"shared":0,"id":"4"})", false},
      {stats, "stats", R"({"type":"stats","res":"1","init_res":2,"shared":0,"id":"4"})", false},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":3})", false},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":null,"buddyName":"b"})", false},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":"b","extra":1})", false},
      {stats, "stats", R"({"type":"stats","res":1,"init_res":2,"initRes":3,"shared":0,"id":"4"})", false},
      {conv, "conv_message", R"({"type":"conv_message","userName":"u","buddyName":"b"})", false},  // incomplete
      // ...and what only the document shows.
      {stats, "stats", R"({"type":"stats","res":1,"res":1,"init_res":2,"shared":0,"id":"4"})", false},
      {stats, "stats", R"({"type":"stats","type":"stats","res":1,"init_res":2,"shared":0,"id":"4"})", false},
      {stats, "stats", R"({"type":"pong","res":1,"init_res":2,"shared":0,"id":"4"})", false},
      {stats, "stats", R"({"res":1,"init_res":2,"shared":0,"id":"4"})", false},
      // Shapes that do not fit the fields.
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":"b","group":"a"})", false},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":["b"]})", false},
      {buddy, "buddy_changed", R"({"type":"buddy_changed","userName":"u","buddyName":"b","group":[["a"]]})", false},
      {conv, "conv_message",
       R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","attachment":{"url":"x"}})", false},
      {conv, "conv_message", R"({"type":"conv_message","userName":{},"buddyName":"b","message":"m"})", false},
      {stats, "stats", R"({"type":"stats","res":1,"init_res":2,"shared":0,"id":"4"} {})", false},
      {stats, "stats", R"({"type":"stats","res":1,"init_res":2,"shared":0,"id":"4")", false},
  };
  for (const TextCase& c : cases) {
    std::unique_ptr<pb::Message> text(pb::MessageFactory::generated_factory()->GetPrototype(c.type)->New());
    std::unique_ptr<pb::Message> direct(text->New());
    EXPECT_EQ(fill_from_json_text(c.line, c.name, *text), c.taken) << c.line;
    if (!c.taken) {
      EXPECT_EQ(text->ByteSizeLong(), 0u) << "a declined fill leaves the message empty: " << c.line;
      continue;
    }
    ASSERT_TRUE(fill_from_json_direct(nlohmann::json::parse(c.line), *direct)) << c.line;
    EXPECT_EQ(text->SerializeAsString(), direct->SerializeAsString()) << c.line;
  }
}

}  // namespace
}  // namespace s2j
