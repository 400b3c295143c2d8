// Backpressure for one direction: reading from the source pauses while the queue toward the
// destination is over the limit, and resumes once it has drained to half the limit. The gap keeps a
// steady flood from pausing and resuming on every write.
#pragma once

#include <cstddef>
#include <cstdint>

namespace s2j {

class Backpressure {
 public:
  enum class Change { kNone, kPause, kResume };

  explicit Backpressure(size_t limit) : limit_(limit) {}

  Change update(size_t queued) {
    if (!paused_ && queued > limit_) {
      paused_ = true;
      ++pauses_;
      return Change::kPause;
    }
    if (paused_ && queued <= limit_ / 2) {
      paused_ = false;
      return Change::kResume;
    }
    return Change::kNone;
  }
  bool paused() const { return paused_; }
  uint64_t pauses() const { return pauses_; }
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
  bool paused_ = false;
  uint64_t pauses_ = 0;
};

}  // namespace s2j
