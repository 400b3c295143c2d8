// Splits a command line the way a POSIX shell splits words: whitespace separates, single quotes
// are literal, double quotes allow \" \\ \$ \` escapes, a backslash outside quotes escapes the
// next character. No expansion of any kind: nothing is run through a shell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace s2j {

// Returns an error text (empty on success).
std::string shell_split(std::string_view command, std::vector<std::string>& words);

}  // namespace s2j
