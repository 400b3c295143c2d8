#include "core/stop_ladder.h"

namespace s2j {

std::optional<StopLadder::Rung> StopLadder::climb(Rung to, double now) {
  switch (to) {
    case Rung::kAsk:
      next_ = Rung::kTerminate;
      next_at_ = now + grace_;
      break;
    case Rung::kTerminate:
      next_ = Rung::kKill;
      next_at_ = now + kill_delay_;
      break;
    case Rung::kKill:
      next_.reset();
      climbed_to_kill_ = true;
      break;
  }
  return to;
}

std::optional<StopLadder::Rung> StopLadder::start(double now, Rung from) {
  if (started() || exited_) return std::nullopt;
  return climb(from, now);
}

std::optional<StopLadder::Rung> StopLadder::on_time(double now) {
  if (exited_ || !next_ || now < next_at_) return std::nullopt;
  return climb(*next_, now);
}

std::optional<StopLadder::Rung> StopLadder::kill_now() {
  if (exited_ || climbed_to_kill_) return std::nullopt;
  return climb(Rung::kKill, 0);
}

std::optional<double> StopLadder::deadline() const {
  if (exited_ || !next_) return std::nullopt;
  return next_at_;
}

}  // namespace s2j
