#include "io/timer.h"

#include <cmath>

namespace s2j {

int Timer::init(uv_loop_t* loop) {
  const int status = uv_timer_init(loop, &timer_);
  if (status != 0) return status;
  timer_.data = this;
  initialized_ = true;
  return 0;
}

int Timer::start(double seconds, Callback cb) {
  if (!initialized_) return UV_EINVAL;
  callback_ = std::move(cb);
  // Rounded up: a timer that fires early would find nothing due and wait a whole turn more.
  const double ms = std::ceil(std::max(0.0, seconds) * 1000);
  return uv_timer_start(
      &timer_,
      [](uv_timer_t* t) {
        // Taken out first: a callback that starts this timer again replaces callback_ while it runs.
        const Callback cb = std::move(static_cast<Timer*>(t->data)->callback_);
        cb();
      },
      static_cast<uint64_t>(ms), 0);
}

int Timer::stop() { return initialized_ ? uv_timer_stop(&timer_) : 0; }

void Timer::close() {
  if (initialized_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
}

}  // namespace s2j
