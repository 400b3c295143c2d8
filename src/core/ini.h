// Spectrum's config-file syntax (Boost.Program_options; docs/spectrum-protocol.md#config-file-syntax):
// trimmed lines, '#' comments anywhere, "[section]" prefixes (the name as written), "key = value"
// (the key may be empty). Quotes are kept. Anything else is a syntax error, and so are "[]" (Boost
// reads before the empty name) and "[.]".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s2j {

struct IniEntry {
  std::string section;  // "" before any [section]
  std::string key;
  std::string value;
  int line = 0;  // 1-based
};

struct IniParseResult {
  std::vector<IniEntry> entries;
  std::string error;  // empty on success
  int error_line = 0;
  bool ok() const { return error.empty(); }
};

IniParseResult parse_ini(std::string_view text);

// A boolean value as Spectrum's parser reads one: 1/0, true/false, yes/no, on/off, any case.
std::optional<bool> parse_config_bool(std::string_view text);

}  // namespace s2j
