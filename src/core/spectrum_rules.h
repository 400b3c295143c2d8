// Checks for values that make Spectrum throw inside its event loop (§3.4, §3.11): the bridge refuses
// such lines from the child instead of forwarding them.
#pragma once

#include <string>
#include <string_view>

namespace s2j {

// Boost's from_iso_string form: YYYYMMDDTHHMMSS with an optional ',' or '.' fraction; empty passes.
// Returns an error text, empty when valid.
std::string check_timestamp(std::string_view timestamp);

// BACKEND_CONFIG text as Spectrum parses it against its registered keys. Returns an error text,
// empty when valid.
std::string check_backend_config(std::string_view config);

// The feature names a backend may declare in [features] (§3.4).
bool is_known_feature(std::string_view name);

}  // namespace s2j
