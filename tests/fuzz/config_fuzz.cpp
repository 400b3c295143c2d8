// The config (INI) parser, the BACKEND_CONFIG check and the command splitter on arbitrary text,
// against Boost.Program_options, the parser Spectrum reads both with. Invariants:
//  * the bridge accepts what Boost's parse_config_file (unregistered options allowed) accepts, but
//    "[]" and "[.]", and rejects the rest with a line number; when both accept a text, the bridge
//    reads the same keys (section.key) with the same values, in the same order;
//  * check_backend_config fails exactly when Spectrum's own reading of a BACKEND_CONFIG (its backend
//    options registered, stored and notified) throws, or on "[]" and "[.]";
//  * words that are quoted again split back to the same words.
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/ini.h"
#include "core/shell_split.h"
#include "core/spectrum_rules.h"
#include "spectrum_reference.h"

namespace {

namespace po = boost::program_options;
using Entries = std::vector<std::pair<std::string, std::string>>;

// Boost's reading of a config file: (name, value) in order, or nothing when it throws.
std::optional<Entries> boost_read(const std::string& text) {
  std::istringstream in(text);
  const po::options_description none;
  try {
    Entries out;
    for (const po::option& o : po::parse_config_file(in, none, true).options)
      out.emplace_back(o.string_key, o.value.empty() ? std::string() : o.value.front());
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const s2j::IniParseResult ini = s2j::parse_ini(text);
  const std::optional<Entries> boost = boost_read(text);
  if (!ini.ok() && (ini.error.empty() || ini.error_line < 1)) std::abort();
  if (!boost && ini.ok()) std::abort();
  if (boost && !ini.ok() && !reference::has_refused_section(text)) std::abort();
  if (boost && ini.ok()) {
    Entries ours;
    for (const s2j::IniEntry& e : ini.entries)
      ours.emplace_back(e.section.empty() ? e.key : e.section + "." + e.key, e.value);
    if (ours != *boost) std::abort();
  }

  const bool spectrum_takes = reference::spectrum_takes_backend_config(text);
  const bool bridge_takes = s2j::check_backend_config(text).empty();
  if (bridge_takes && !spectrum_takes) std::abort();  // Spectrum would throw on what the bridge forwards
  if (!bridge_takes && spectrum_takes && !reference::has_refused_section(text)) std::abort();

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
