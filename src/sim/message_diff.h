// Field by field comparison of a recorded message with a backend's answer, both in canonical form
// (sim/canonical.h): what a replay reports for an answer that is not the recorded one.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace s2j {

struct CompareRules {
  // Fields left out: a name without a dot is that member at any depth ("id" also ignores
  // "settings.value.id"); a dotted path counts from the top of the message and names the members
  // of every array element it passes ("attachment.url").
  std::vector<std::string> ignore;
  // Passwords the replay filled in. The trace masked them as "***" wherever they appeared, so the
  // answer is masked the same way before a recorded text that holds "***" is compared with it.
  std::vector<std::string> secrets;
};

struct FieldDifference {
  std::string field;                               // "message", "settings.value.lang", "groups[1]"
  std::optional<nlohmann::ordered_json> recorded;  // nullopt: absent (or default, in canonical form)
  std::optional<nlohmann::ordered_json> actual;
};

// `message: recorded "hi", actual "HI"`; `alias: recorded "Echo", actual absent or default` (the
// canonical form leaves default values out).
std::string describe(const FieldDifference& difference);

// Every difference, in the recorded message's member order (then the answer's extra members). A
// recorded value that is exactly "***" (masked by the trace) matches any text.
std::vector<FieldDifference> diff_messages(const nlohmann::ordered_json& recorded, const nlohmann::ordered_json& actual,
                                           const CompareRules& rules);

// `message` without the members `rules` ignores.
nlohmann::ordered_json without_ignored(const nlohmann::ordered_json& message, const CompareRules& rules);

inline bool same_message(const nlohmann::ordered_json& recorded, const nlohmann::ordered_json& actual,
                         const CompareRules& rules) {
  return diff_messages(recorded, actual, rules).empty();
}

}  // namespace s2j
