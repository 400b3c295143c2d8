#include "sim/trace_scenario.h"

#include "core/json_text.h"
#include "core/json_translator.h"
#include "sim/canonical.h"
#include "sim/scenario.h"

namespace s2j {

using Json = nlohmann::ordered_json;

namespace {

// The message a frame carries (with a password filled in, where one was), as a scenario line.
std::string send_line(const RecordedSend& sent) {
  Wrapper wrapper;
  if (!parse_wrapper(sent.frame_body, wrapper).empty()) return {};
  const std::string text = wrapper_to_json(wrapper).json;
  std::string error;
  return parse_step(text, sent.line, error) ? text : std::string();
}

// Members the trace masked cannot be expected as they are.
void drop_masked(Json& value) {
  if (value.is_array()) {
    for (Json& item : value) drop_masked(item);
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it.value() == "***") {
        it = value.erase(it);
      } else {
        drop_masked(it.value());
        ++it;
      }
    }
  }
}

}  // namespace

std::string scenario_from_recording(const Recording& recording, const std::string& source,
                                    const std::vector<std::string>& notes, const CompareRules& rules,
                                    double expect_timeout) {
  std::string out = "# Made by spectrum2_sim --scenario-from-trace " + source +
                    ".\n# Each message Spectrum sent, then the answers recorded after it; trim an expect line to the "
                    "fields that matter.\n";
  for (const std::string& note : notes) out += "# " + note + "\n";
  for (const Turn& turn : recording.turns) {
    if (turn.sent) {
      const std::string line = send_line(*turn.sent);
      if (line.empty())
        out += "# trace line " + std::to_string(turn.sent->line) +
               " cannot be a scenario line: " + json_text(turn.sent->message) + "\n";
      else
        out += line + "\n";
    }
    for (const RecordedAnswer& answer : turn.answers) {
      Json pattern = without_ignored(canonical_message(answer.recorded, Defaults::kKeep), rules);
      drop_masked(pattern);
      Json expect{{"expect", pattern}};
      if (expect_timeout != kDefaultExpectTimeout) expect["timeout"] = expect_timeout;
      out += json_text(expect) + "\n";
    }
  }
  if (recording.exit_line > 0)
    out += "# EXIT (trace line " + std::to_string(recording.exit_line) + "): the simulator sends it at the end\n";
  return out;
}

}  // namespace s2j
