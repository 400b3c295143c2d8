// How a program ends a child process it started, in one place for the bridge (its child) and the
// simulator (the backend): first ask (close the child's input), then after `grace` seconds SIGTERM,
// then after `kill_delay` more seconds SIGKILL. The ladder stops as soon as the child has exited.
// Sans-I/O: the caller performs each rung and reports the time and the exit.
#pragma once

#include <optional>

namespace s2j {

class StopLadder {
 public:
  enum class Rung { kAsk, kTerminate, kKill };

  StopLadder(double grace, double kill_delay) : grace_(grace), kill_delay_(kill_delay) {}

  // Starts climbing at `from` (a hung child is not asked) and returns that first rung. Starting
  // again, or after the exit, does nothing.
  std::optional<Rung> start(double now, Rung from = Rung::kAsk);
  // The rung whose time has come, if any.
  std::optional<Rung> on_time(double now);
  // Skips the waiting: SIGKILL now (e.g. on a second SIGTERM). Nothing once the child has exited.
  std::optional<Rung> kill_now();
  void on_exited() { exited_ = true; }

  bool started() const { return next_.has_value() || climbed_to_kill_; }
  bool exited() const { return exited_; }
  // When on_time() will have a rung to return.
  std::optional<double> deadline() const;

 private:
  std::optional<Rung> climb(Rung to, double now);

  double grace_;
  double kill_delay_;
  std::optional<Rung> next_;  // the rung waiting for its time
  double next_at_ = 0;
  bool climbed_to_kill_ = false;
  bool exited_ = false;
};

}  // namespace s2j
