#include "sim/scenario.h"

#include "core/json_translator.h"

namespace s2j {

namespace {

bool read_seconds(const nlohmann::ordered_json& value, double& out) {
  if (!value.is_number() || value.get<double>() < 0) return false;
  out = value.get<double>();
  return true;
}

}  // namespace

std::optional<Step> parse_step(std::string_view text, int line, std::string& error) {
  error.clear();
  const size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos || text[start] == '#') return std::nullopt;
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text);  // keeps the author's key order for display
  } catch (const nlohmann::ordered_json::exception& e) {
    error = std::string("not valid JSON: ") + e.what();
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  Step step;
  step.line = line;
  if (j.contains("expect")) {
    step.kind = Step::Kind::kExpect;
    step.message = j["expect"];
    step.seconds = kDefaultExpectTimeout;
    if (!step.message.is_object()) error = "\"expect\" needs an object, e.g. {\"expect\":{\"type\":\"connected\"}}";
    if (j.contains("timeout") && !read_seconds(j["timeout"], step.seconds)) error = "\"timeout\" needs seconds";
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "expect" && it.key() != "timeout") error = "unknown key \"" + it.key() + "\" in an expect line";
  } else if (j.contains("sleep")) {
    step.kind = Step::Kind::kSleep;
    if (!read_seconds(j["sleep"], step.seconds) || j.size() != 1) error = "use {\"sleep\": SECONDS}";
  } else if (j.contains("type")) {
    const FromChild msg = json_to_wrapper(text, Sender::kSpectrum);
    if (msg.kind != FromChild::Kind::kFrame) {
      error = msg.kind == FromChild::Kind::kBridge ? "bridge.* lines are the bridge's own, not Spectrum's" : msg.error;
    } else {
      step.frame_body = msg.frame_body;
      step.message = j;
    }
  } else {
    error = "a line needs \"type\" (send), \"expect\" or \"sleep\"";
  }
  if (!error.empty()) return std::nullopt;
  return step;
}

}  // namespace s2j
