// Subset matching for scenario expectations: {"type":"connected"} matches any connected message.
#pragma once

#include <nlohmann/json.hpp>

namespace s2j {

// True when every member of `pattern` is in `actual` with a matching value: objects recursively,
// everything else (arrays included) compared as a whole.
bool json_contains(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& pattern);

}  // namespace s2j
