// The config (INI) parser, the command splitter and the BACKEND_CONFIG check on arbitrary text.
// Invariants: parsed keys are non-empty and trimmed, values hold no comment; words that are
// quoted again split back to the same words.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/ini.h"
#include "core/shell_split.h"
#include "core/spectrum_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const s2j::IniParseResult ini = s2j::parse_ini(text);
  for (const s2j::IniEntry& e : ini.entries) {
    if (e.key.empty() || e.key.front() == ' ' || e.key.back() == ' ') std::abort();
    if (e.value.find('#') != std::string::npos || e.value.find('\n') != std::string::npos) std::abort();
  }
  if (!ini.ok() && (ini.error.empty() || ini.error_line < 1)) std::abort();
  (void)s2j::check_backend_config(text);

  std::vector<std::string> words;
  if (!s2j::shell_split(text, words).empty()) return 0;
  std::string quoted;
  for (const std::string& w : words) {
    quoted += " '";
    for (char c : w) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
  }
  std::vector<std::string> again;
  if (!s2j::shell_split(quoted, again).empty() || again != words) std::abort();
  return 0;
}
