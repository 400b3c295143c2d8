// Checks for values that make Spectrum throw inside its event loop : the bridge refuses
// such lines from the child instead of forwarding them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace s2j {

// BACKEND_CONFIG text as Spectrum parses it against its registered keys. Returns an error text,
// empty when valid.
std::string check_backend_config(std::string_view config);

// The feature names a backend may declare in [features].
bool is_known_feature(std::string_view name);

// What Spectrum keeps of the BACKEND_CONFIG messages it gets (all backends share one store): each
// message stores every registered key, the ones it names explicitly as final. A key's first explicit
// value wins for the life of the Spectrum process; a key never given explicitly reads its default.
class BackendConfigStore {
 public:
  // Takes one well-formed BACKEND_CONFIG text (see check_backend_config). Returns what Spectrum
  // will do differently from what the text seems to ask for, in words.
  std::vector<std::string> on_backend_config(std::string_view config);

 private:
  std::map<std::string, std::string> final_;  // "section.key" -> the value that stays
  bool registration_reported_ = false;
};

}  // namespace s2j
