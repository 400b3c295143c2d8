// Delivers a signal (SIGTERM, SIGINT…) to a callback on the loop.
#pragma once

#include <uv.h>

#include <functional>

namespace s2j {

class SignalWatcher {
 public:
  using Callback = std::function<void(int signal)>;

  SignalWatcher() = default;
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Returns 0 or a libuv error.
  int start(uv_loop_t* loop, int signal, Callback cb);
  void close();

 private:
  uv_signal_t signal_{};
  Callback callback_;
  bool initialized_ = false;
};

}  // namespace s2j
