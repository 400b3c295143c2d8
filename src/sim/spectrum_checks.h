// What Spectrum 2 would do with what a backend sends: the simulator's findings. Sans-I/O: feed it
// the messages both ways and the ping ticks; it says what Spectrum would drop, ignore, misread or
// choke on. The verdict on a single message is core/spectrum_rules.h's, the bridge's own; this adds
// what depends on the conversation (users, PING, STATS, earlier backend configs).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/conversation_checks.h"
#include "core/spectrum_rules.h"

namespace s2j {

class SpectrumChecks : public ConversationChecks {
 public:
  explicit SpectrumChecks(std::string backend_pid = "") : pid_(std::move(backend_pid)) {}

  void set_backend_pid(std::string pid) override { pid_ = std::move(pid); }
  // A message the simulator sent (LOGIN makes its user known, LOGOUT forgets it).
  void on_sent(const nlohmann::ordered_json& message) override;
  void on_ping_sent() override;
  // One frame body from the backend. `json` receives the message as JSON (for display and
  // matching; null when it is not a WrapperMessage). Returns the findings for it.
  std::vector<std::string> on_backend_frame(std::string_view body, nlohmann::ordered_json& json) override;
  // At each ping tick, before the next PING: what Spectrum would conclude. `unanswered` is set when
  // Spectrum would drop the backend for a missing PONG.
  std::vector<std::string> on_tick(bool& unanswered) override;

  bool ping_outstanding() const { return ping_outstanding_; }
  int pongs() const { return pongs_; }

 private:
  void check_user(const std::string& field, const std::string& user, std::vector<std::string>& findings) const;

  std::string pid_;
  std::set<std::string> users_;       // logged in
  std::set<std::string> logged_out_;  // logged out, not logged in again
  BackendConfigStore backend_config_;
  bool ping_outstanding_ = false;
  bool frame_since_ping_ = false;
  bool stats_reported_missing_ = false;
  int pongs_ = 0;
  int stats_ = 0;
};

}  // namespace s2j
