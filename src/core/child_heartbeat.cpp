#include "core/child_heartbeat.h"

#include <algorithm>
#include <charconv>

namespace s2j {

void ChildHeartbeat::start(double now) {
  if (timeout_ <= 0) return;
  running_ = true;
  next_at_ = now;
}

std::optional<uint64_t> ChildHeartbeat::on_time(double now) {
  if (!running_ || now < next_at_) return std::nullopt;
  next_at_ = now + timeout_ / 3;
  unanswered_.push_back(Sent{next_id_, now});
  return next_id_++;
}

void ChildHeartbeat::on_pong(std::string_view id) {
  uint64_t number = 0;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), number);
  if (error != std::errc() || end != id.data() + id.size() || number == 0 || number >= next_id_) return;
  opted_in_ = true;
  while (!unanswered_.empty() && unanswered_.front().id <= number) unanswered_.pop_front();
}

bool ChildHeartbeat::hung(double now) const {
  return running_ && opted_in_ && !unanswered_.empty() && now >= unanswered_.front().at + timeout_;
}

std::optional<double> ChildHeartbeat::deadline() const {
  if (!running_) return std::nullopt;
  double at = next_at_;
  if (opted_in_ && !unanswered_.empty()) at = std::min(at, unanswered_.front().at + timeout_);
  return at;
}

}  // namespace s2j
