#include "core/shell_split.h"

#include <gtest/gtest.h>

namespace s2j {
namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> words;
  EXPECT_EQ(shell_split(s, words), "") << s;
  return words;
}

TEST(ShellSplit, SplitsOnWhitespace) {
  EXPECT_EQ(split("  /usr/bin/python3   /etc/x.py\t-v "),
            (std::vector<std::string>{"/usr/bin/python3", "/etc/x.py", "-v"}));
}

TEST(ShellSplit, HonoursQuotesAndBackslashes) {
  EXPECT_EQ(split(R"(sh -c 'echo "$HOME" | cat' "a b\"c" d\ e '')"),
            (std::vector<std::string>{"sh", "-c", "echo \"$HOME\" | cat", "a b\"c", "d e", ""}));
  EXPECT_EQ(split(R"(x"y"'z')"), std::vector<std::string>{"xyz"});
}

TEST(ShellSplit, ReportsErrors) {
  std::vector<std::string> words;
  EXPECT_NE(shell_split("a 'b", words), "");
  EXPECT_NE(shell_split("a \"b", words), "");
  EXPECT_NE(shell_split("a\\", words), "");
  EXPECT_NE(shell_split("   ", words), "");
}

}  // namespace
}  // namespace s2j
