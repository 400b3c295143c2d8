// Spectrum sends PING every 20 s; a bridge that hears none for `timeout` seconds takes Spectrum for
// gone. Only time in which the bridge reads from Spectrum counts: while it holds Spectrum back for a
// slow child, PINGs wait unread in the socket and their absence says nothing.
#pragma once

#include <optional>

namespace s2j {

class PingWatchdog {
 public:
  explicit PingWatchdog(double timeout) : timeout_(timeout) {}

  // Starts (or restarts) the count: at connection and on each PING.
  void restart(double now) {
    running_ = true;
    left_ = timeout_;
    since_ = now;
  }
  void pause(double now) {
    if (!running_ || paused_) return;
    left_ -= now - since_;
    paused_ = true;
  }
  void resume(double now) {
    if (!paused_) return;
    paused_ = false;
    since_ = now;
  }
  void stop() { running_ = false; }

  // When it fires, or nothing while stopped or paused.
  std::optional<double> deadline() const {
    if (!running_ || paused_) return std::nullopt;
    return since_ + left_;
  }
  bool expired(double now) const {
    const std::optional<double> at = deadline();
    return at && now >= *at;
  }

 private:
  double timeout_;
  bool running_ = false;
  bool paused_ = false;
  double left_ = 0;   // seconds left when counting resumes
  double since_ = 0;  // when counting last (re)started
};

}  // namespace s2j
