#include "core/ini.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

TEST(Ini, ParsesSectionsKeysCommentsLikeBoost) {
  const auto r = parse_ini(
      "top = 1\n"
      "# comment\n"
      "  [service]  \n"
      "jid = icq.example.org   # trailing comment\n"
      "backend=\"/usr/bin/x\"\n"
      "empty =\n"
      "[json_backend]\n"
      "child = python3 echo.py\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.entries.size(), 5u);
  EXPECT_EQ(r.entries[0].section, "");
  EXPECT_EQ(r.entries[0].key, "top");
  EXPECT_EQ(r.entries[1].section, "service");
  EXPECT_EQ(r.entries[1].value, "icq.example.org");
  EXPECT_EQ(r.entries[2].value, "\"/usr/bin/x\"") << "quotes are kept, as Boost keeps them";
  EXPECT_EQ(r.entries[3].value, "");
  EXPECT_EQ(r.entries[4].section, "json_backend");
  EXPECT_EQ(r.entries[4].value, "python3 echo.py");
  EXPECT_EQ(r.entries[4].line, 8);
}

TEST(Ini, RejectsLineWithoutEquals) {
  const auto r = parse_ini("[a]\nx=1\n; semicolon is not a comment\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_line, 3);
}

TEST(Ini, RejectsBrokenSectionButReadsOtherLinesWithEqualsAsBoostDoes) {
  EXPECT_FALSE(parse_ini("[open\n").ok());
  const auto r = parse_ini("[open=1\n[a]\n= value\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].key, "[open") << "Boost reads the key '[open'";
  EXPECT_EQ(r.entries[1].section, "a");
  EXPECT_EQ(r.entries[1].key, "") << "Boost reads the key 'a.'";
}

TEST(Ini, KeepsSectionNamesAsBoostDoes) {
  const auto r = parse_ini("[ a ]\nx=1\n[b.]\ny=2\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].section, " a ") << "Boost reads the key as ' a .x'";
  EXPECT_EQ(r.entries[1].section, "b") << "Boost reads the key as 'b.y'";
  EXPECT_FALSE(parse_ini("[]\nx=1\n").ok());
  EXPECT_FALSE(parse_ini("[.]\nx=1\n").ok());
}

TEST(Ini, KeepsRepeatedKeys) {
  const auto r = parse_ini("[r]\nextraField=a\nextraField=b\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.entries.size(), 2u);
}

}  // namespace
}  // namespace s2j
