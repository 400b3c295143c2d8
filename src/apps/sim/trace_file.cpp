#include "apps/sim/trace_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace s2j {

std::optional<LoadedTrace> load_trace(const std::string& path, const std::map<std::string, std::string>& passwords) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "spectrum2_sim: cannot read the trace '%s'\n", path.c_str());
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  LoadedTrace loaded;
  TraceError error;
  if (!read_trace(text.str(), loaded.recording, error)) {
    const std::string where = error.line > 0 ? path + ":" + std::to_string(error.line) : path;
    std::fprintf(stderr, "spectrum2_sim: %s: %s\n", where.c_str(), error.text.c_str());
    return std::nullopt;
  }
  for (const std::string& note : loaded.recording.notes) loaded.notes.push_back(note);
  MaskedPasswords masked = fill_in_passwords(loaded.recording, passwords);
  for (std::string& note : masked.notes) loaded.notes.push_back(std::move(note));
  loaded.masked_users = std::move(masked.users);
  return loaded;
}

}  // namespace s2j
