// Simulator scenarios: JSON lines. A line with "type" is sent to the backend; {"expect":{…},
// "timeout":S} waits for a matching message from it; {"sleep":S} pauses; '#' starts a comment.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace s2j {

struct Step {
  enum class Kind { kSend, kExpect, kSleep };
  Kind kind = Kind::kSend;
  std::string frame_body;          // kSend: the WrapperMessage to send
  nlohmann::ordered_json message;  // kSend: the message as JSON; kExpect: the pattern
  double seconds = 0;              // kExpect: timeout; kSleep: duration
  int line = 0;
};

constexpr double kDefaultExpectTimeout = 5;

// Parses one scenario line. Blank and comment lines give nullopt with an empty `error`.
std::optional<Step> parse_step(std::string_view text, int line, std::string& error);

}  // namespace s2j
