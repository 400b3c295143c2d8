// The canonical form a replay compares in, and the field-level comparison: spelling, key order and
// defaults do not matter, presence does where Spectrum reads it; ignored fields, masked passwords.
#include "sim/message_diff.h"

#include <gtest/gtest.h>

#include "sim/canonical.h"

namespace s2j {
namespace {

using Json = nlohmann::ordered_json;

Json canon(const char* text) { return canonical_message(Json::parse(text)); }

std::vector<std::string> differences(const char* recorded, const char* actual, const CompareRules& rules = {}) {
  std::vector<std::string> out;
  for (const FieldDifference& d : diff_messages(canon(recorded), canon(actual), rules)) out.push_back(describe(d));
  return out;
}

using Lines = std::vector<std::string>;

TEST(Canonical, SpellingKeyOrderAndDefaultsDoNotMatter) {
  const Json expected = Json::parse(
      R"({"type":"buddy_changed","userName":"a@b","buddyName":"echo","alias":"Echo","status":"STATUS_AWAY"})");
  EXPECT_EQ(canon(R"({"status":1,"alias":"Echo","buddyName":"echo","userName":"a@b","type":"TYPE_BUDDY_CHANGED"})"),
            expected);
  EXPECT_EQ(canon(R"({"type":6,"userName":"a@b","buddyName":"echo","alias":"Echo","status":"STATUS_AWAY",
                      "statusMessage":"","iconHash":"","group":[]})"),
            expected)
      << "optional fields holding their default read as absent";
  EXPECT_EQ(canon(R"({"type":"buddy_changed","userName":"a@b","buddyName":"e","status":"STATUS_ONLINE"})"),
            canon(R"({"type":"buddy_changed","userName":"a@b","buddyName":"e"})"))
      << "an absent status reads as the first enum value";
  EXPECT_EQ(canon(R"({"type":"stats","initRes":5,"res":1,"shared":2,"id":"7"})"),
            Json::parse(R"({"type":"stats","res":1,"init_res":5,"shared":2,"id":"7"})"));
}

TEST(Canonical, PresenceIsKeptWhereItSaysSomethingAndRequiredFieldsStay) {
  EXPECT_EQ(canon(R"({"type":"buddy_changed","userName":"a","buddyName":"b","blocked":false})")["blocked"], false);
  EXPECT_EQ(canon(R"({"type":"vcard","userName":"a","buddyName":"b","id":0,"photo":""})")["photo"], "");
  EXPECT_EQ(canon(R"({"type":"vcard","userName":"a","buddyName":"b","id":0,"photo":""})")["id"], 0);
  EXPECT_EQ(canon(R"({"type":"conv_message","userName":"a","buddyName":"b","message":""})")["message"], "")
      << "a receipt's empty message is required, not a default";
}

TEST(Canonical, WhatDoesNotTranslateStaysAsWritten) {
  for (const char* text : {R"({"type":37,"payload":"CAE="})", R"({"type":"conv_message","userName":"a"})",
                           R"({"no_type":1})", R"("text")"})
    EXPECT_EQ(canon(text), Json::parse(text)) << text;
  EXPECT_EQ(canon(R"({"type":"exit"})"), Json::parse(R"({"type":"exit"})"));
  EXPECT_EQ(canon(R"({"type":"raw_xml","xml":"<a/>"})"), Json::parse(R"({"type":"raw_xml","xml":"<a/>"})"));
}

TEST(MessageDiff, NamesEachFieldWithBothValues) {
  EXPECT_EQ(differences(R"({"type":"conv_message","userName":"a","buddyName":"echo","message":"Hello"})",
                        R"({"type":"conv_message","userName":"a","buddyName":"echo","message":"HELLO"})"),
            Lines{R"(message: recorded "Hello", actual "HELLO")"});
  EXPECT_EQ(differences(R"({"type":"buddy_changed","userName":"a","buddyName":"b","alias":"A","group":["x","y"]})",
                        R"({"type":"buddy_changed","userName":"a","buddyName":"b","group":["x","z"],"status":3})"),
            (Lines{R"(alias: recorded "A", actual absent or default)", R"(group[1]: recorded "y", actual "z")",
                   R"(status: recorded absent or default, actual "STATUS_XA")"}));
  EXPECT_EQ(differences(R"({"type":"buddy_changed","userName":"a","buddyName":"b","group":["x"]})",
                        R"({"type":"buddy_changed","userName":"a","buddyName":"b","group":["x","y"]})"),
            Lines{R"(group: recorded ["x"], actual ["x","y"])"})
      << "arrays of another length are shown whole";
  EXPECT_TRUE(differences(R"({"type":"connected","user":"a"})", R"({"user":"a","type":1})").empty());
}

TEST(MessageDiff, IgnoresANameAtAnyDepthOrADottedPathFromTheTop) {
  const char* recorded =
      R"({"type":"login","user":"a","legacyName":"x","password":"p","settings":{"value":{"lang":"en","id":"1"}}})";
  const char* actual =
      R"({"type":"login","user":"a","legacyName":"y","password":"p","settings":{"value":{"lang":"de","id":"2"}}})";
  EXPECT_EQ(differences(recorded, actual).size(), 3u);
  EXPECT_EQ(differences(recorded, actual, CompareRules{{"legacyName", "lang", "id"}, {}}), Lines{});
  EXPECT_EQ(differences(recorded, actual, CompareRules{{"legacyName", "settings.value.lang"}, {}}),
            Lines{R"(settings.value.id: recorded "1", actual "2")"});
  EXPECT_EQ(differences(recorded, actual, CompareRules{{"value.lang", "legacyName", "id"}, {}}),
            Lines{R"(settings.value.lang: recorded "en", actual "de")"})
      << "a dotted path counts from the top";
  EXPECT_EQ(without_ignored(canon(recorded), CompareRules{{"settings", "password"}, {}}),
            Json::parse(R"({"type":"login","user":"a","legacyName":"x"})"));
}

TEST(MessageDiff, AValueTheTraceMaskedMatchesTheSecretItHid) {
  const CompareRules rules{{}, {"hunter22", "abc"}};
  EXPECT_TRUE(differences(R"({"type":"conv_message","userName":"a","buddyName":"b","message":"***"})",
                          R"({"type":"conv_message","userName":"a","buddyName":"b","message":"anything"})")
                  .empty())
      << "a value masked whole hides what it was";
  EXPECT_TRUE(differences(R"({"type":"conv_message","userName":"a","buddyName":"b","message":"pw is *** ok"})",
                          R"({"type":"conv_message","userName":"a","buddyName":"b","message":"pw is hunter22 ok"})",
                          rules)
                  .empty());
  EXPECT_EQ(differences(R"({"type":"conv_message","userName":"a","buddyName":"b","message":"pw is *** ok"})",
                        R"({"type":"conv_message","userName":"a","buddyName":"b","message":"pw is other ok"})", rules),
            Lines{R"(message: recorded "pw is *** ok", actual "pw is other ok")"});
  EXPECT_EQ(differences(R"({"type":"conv_message","userName":"a","buddyName":"b","message":"x *** y"})",
                        R"({"type":"conv_message","userName":"a","buddyName":"b","message":"x abc y"})", rules)
                .size(),
            1u)
      << "a secret shorter than the trace masks was not masked in the trace either";
}

}  // namespace
}  // namespace s2j
