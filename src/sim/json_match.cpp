#include "sim/json_match.h"

namespace s2j {

bool json_contains(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& pattern) {
  if (!pattern.is_object()) return actual == pattern;
  if (!actual.is_object()) return false;
  for (auto it = pattern.begin(); it != pattern.end(); ++it) {
    const auto found = actual.find(it.key());
    if (found == actual.end() || !json_contains(*found, it.value())) return false;
  }
  return true;
}

}  // namespace s2j
