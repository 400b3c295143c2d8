// Checks that judge a conversation between Spectrum and a backend as Spectrum would (the simulator's
// findings, src/sim/spectrum_checks.h). The tap (core/tap_relay.h) runs them on relayed traffic
// through this interface, so that the core does not depend on the simulator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace s2j {

class ConversationChecks {
 public:
  virtual ~ConversationChecks() = default;
  // The backend's process ID (what its STATS should report).
  virtual void set_backend_pid(std::string pid) = 0;
  // A message Spectrum sent (as JSON), and a PING.
  virtual void on_sent(const nlohmann::ordered_json& message) = 0;
  virtual void on_ping_sent() = 0;
  // One frame body from the backend; `json` receives it as JSON. Returns the findings for it.
  virtual std::vector<std::string> on_backend_frame(std::string_view body, nlohmann::ordered_json& json) = 0;
  // Before each PING after the first: what Spectrum concludes at its ping tick.
  virtual std::vector<std::string> on_tick(bool& unanswered) = 0;
};

}  // namespace s2j
