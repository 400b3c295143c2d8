// A one-shot libuv timer with a std::function callback.
#pragma once

#include <uv.h>

#include <functional>

namespace s2j {

class Timer {
 public:
  using Callback = std::function<void()>;

  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Returns 0 or a libuv error.
  int init(uv_loop_t* loop);
  // (Re)starts the timer: `cb` runs once after `seconds` (at least 0). Returns 0 or a libuv error.
  int start(double seconds, Callback cb);
  // Returns 0 or a libuv error.
  int stop();
  void close();

 private:
  uv_timer_t timer_{};
  Callback callback_;
  bool initialized_ = false;
};

}  // namespace s2j
