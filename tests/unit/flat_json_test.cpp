// The flat reader takes the lines bindings write and declines everything else; whatever it takes,
// a full JSON parser reads as the same members.
#include "core/flat_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace s2j {
namespace {

// The members as a full parser would show them (strings, integers, booleans), in order.
nlohmann::ordered_json as_json(const FlatObject& o) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t i = 0; i < o.size; ++i) {
    const FlatValue& v = o.members[i].value;
    const std::string key(o.members[i].key);
    switch (v.kind) {
      case FlatValue::Kind::kString:
        j[key] = std::string(v.text);
        break;
      case FlatValue::Kind::kInteger:
        j[key] = v.integer;
        break;
      case FlatValue::Kind::kBool:
        j[key] = v.boolean;
        break;
    }
  }
  return j;
}

TEST(FlatJson, ReadsWhatBindingsWriteAsAFullParserDoes) {
  const char* lines[] = {
      R"({"type":"conv_message","userName":"u","buddyName":"b","message":"hello there"})",
      R"( { "type" : "stats" , "res" : -2147483648 , "init_res":0,"shared":17,"id":"4" } )",
      "{\"type\":\"conv_message\",\"message\":\"gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80\"}\r\n",
      R"({"type":"buddy_changed","blocked":false,"pm":true,"n":-0,"big":999999999999999999})",
      R"({"type":"x","del":")"
      "\x7f"
      R"("})",
      R"({})",
  };
  for (const char* line : lines) {
    FlatObject o;
    ASSERT_TRUE(read_flat_json_object(line, o)) << line;
    EXPECT_EQ(as_json(o), nlohmann::ordered_json::parse(line)) << line;
  }
}

TEST(FlatJson, KeepsTheTextOfStringsAsAView) {
  const std::string line = R"({"type":"conv_message","message":"a b"})";
  FlatObject o;
  ASSERT_TRUE(read_flat_json_object(line, o));
  ASSERT_EQ(o.size, 2u);
  EXPECT_EQ(o.members[1].key, "message");
  EXPECT_EQ(o.members[1].value.text, "a b");
  EXPECT_EQ(o.members[1].value.text.data(), line.data() + line.find("a b"));  // no copy
}

TEST(FlatJson, DeclinesWhatItLeavesToTheFullParser) {
  const std::string lines[] = {
      R"({"type":"conv_message","message":"line\nbreak"})",     // an escape
      R"({"type":"conv_message","mess\"age":"x"})",             // an escape in a key
      R"({"type":"conv_message","attachment":[{"url":"x"}]})",  // an array
      R"({"type":"conv_message","a":{}})",                      // a nested object
      R"({"type":"conv_message","a":null})",
      R"({"type":"stats","res":1.5})",
      R"({"type":"stats","res":1e3})",
      R"({"type":"stats","res":1234567890123456789})",  // 19 digits
      R"({"type":"stats","res":-})",
      R"({"type":"stats","res":01})",
      R"({"type":"stats","res":+1})",
      R"({"type":"stats","res":tru})",
      R"({"type":"stats","res":True})",
      R"({"type":"stats","res":"1"} x)",  // text after the object
      R"({"type":"stats","res":"1"})"
      R"({})",
      R"({"type":"stats",})",
      R"({"type":"stats")",
      R"({"type" "stats"})",
      R"(["type","stats"])",
      "{\"type\":\"conv_message\",\"message\":\"tab\there\"}",     // a raw control character
      "{\"type\":\"conv_message\",\"message\":\"\xC3\"}",          // not UTF-8
      "{\"type\":\"conv_message\",\"message\":\"\xED\xA0\x80\"}",  // a surrogate
      "{\"type\":\"conv_message\",\"message\":\"\xC0\x80\"}",      // overlong
      "{\"type\":\"conv_message\",\"message\":\"unterminated}",
      "",
      "   ",
  };
  for (const std::string& line : lines) {
    FlatObject o;
    EXPECT_FALSE(read_flat_json_object(line, o)) << line;
  }
}

TEST(FlatJson, DeclinesMoreMembersThanItHolds) {
  std::string line = "{";
  for (size_t i = 0; i <= FlatObject::kMaxMembers; ++i) line += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  line += "}";
  FlatObject o;
  EXPECT_FALSE(read_flat_json_object(line, o));
  const size_t cut = line.rfind(",\"k");
  EXPECT_TRUE(read_flat_json_object(line.substr(0, cut) + "}", o));
  EXPECT_EQ(o.size, FlatObject::kMaxMembers);
}

}  // namespace
}  // namespace s2j
