// A one-shot libuv timer with a std::function callback.
#pragma once

#include <uv.h>

#include <functional>

namespace s2j {

class Timer {
 public:
  using Callback = std::function<void()>;

  void init(uv_loop_t* loop) {
    uv_timer_init(loop, &timer_);
    timer_.data = this;
    initialized_ = true;
  }
  // (Re)starts the timer: `cb` runs once after `seconds`.
  void start(double seconds, Callback cb) {
    callback_ = std::move(cb);
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<Timer*>(t->data)->callback_(); },
        static_cast<uint64_t>(seconds * 1000 + 0.5), 0);
  }
  void stop() {
    if (initialized_) uv_timer_stop(&timer_);
  }
  void close() {
    if (initialized_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer_)))
      uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  }

 private:
  uv_timer_t timer_{};
  Callback callback_;
  bool initialized_ = false;
};

class SignalWatcher {
 public:
  using Callback = std::function<void(int signal)>;

  void start(uv_loop_t* loop, int signal, Callback cb) {
    callback_ = std::move(cb);
    uv_signal_init(loop, &signal_);
    signal_.data = this;
    initialized_ = true;
    uv_signal_start(
        &signal_, [](uv_signal_t* s, int n) { static_cast<SignalWatcher*>(s->data)->callback_(n); }, signal);
  }
  void close() {
    if (initialized_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&signal_)))
      uv_close(reinterpret_cast<uv_handle_t*>(&signal_), nullptr);
  }

 private:
  uv_signal_t signal_{};
  Callback callback_;
  bool initialized_ = false;
};

}  // namespace s2j
