#include "core/ini.h"

namespace s2j {

namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";  // Boost's set: not \v or \f
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

IniParseResult parse_ini(std::string_view text) {
  IniParseResult result;
  std::string section;
  int number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    const size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
      // As Boost: the name between the brackets as it is; "[a.]" is "[a]" (it prefixes keys).
      std::string_view name = line.substr(1, line.size() - 2);
      if (!name.empty() && name.back() == '.') name.remove_suffix(1);
      if (name.empty()) {
        result.error = "malformed section header '" + std::string(line) + "'";
        result.error_line = number;
        return result;
      }
      section = std::string(name);
      continue;
    }
    // As Boost, any other line with a '=' is a key (even "[a=b" or "= b"); the rest is an error.
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      result.error = "expected 'key = value' or '[section]', got '" + std::string(line) + "'";
      result.error_line = number;
      return result;
    }
    result.entries.push_back(
        IniEntry{section, std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))), number});
  }
  return result;
}

std::optional<bool> parse_config_bool(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const char* yes : {"1", "true", "yes", "on"})
    if (lower == yes) return true;
  for (const char* no : {"0", "false", "no", "off"})
    if (lower == no) return false;
  return std::nullopt;
}

}  // namespace s2j
