// A trace file read and made ready to replay, for --replay and --scenario-from-trace.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace_reader.h"

namespace s2j {

struct LoadedTrace {
  Recording recording;
  std::vector<std::string> notes;         // what was left out and why, passwords left masked
  std::vector<std::string> masked_users;  // LOGINs sent with the password "***"
};

// Reads `path` and fills in `passwords`. On input that cannot be used, says why on stderr, naming
// the file and line ("spectrum2_sim: trace.jsonl:7: not JSON: …"), and returns nothing.
std::optional<LoadedTrace> load_trace(const std::string& path, const std::map<std::string, std::string>& passwords);

}  // namespace s2j
