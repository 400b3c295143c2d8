#include "io/signal_watcher.h"

namespace s2j {

int SignalWatcher::start(uv_loop_t* loop, int signal, Callback cb) {
  callback_ = std::move(cb);
  int status = uv_signal_init(loop, &signal_);
  if (status != 0) return status;
  signal_.data = this;
  initialized_ = true;
  status = uv_signal_start(
      &signal_, [](uv_signal_t* s, int n) { static_cast<SignalWatcher*>(s->data)->callback_(n); }, signal);
  return status;
}

void SignalWatcher::close() {
  if (initialized_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&signal_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&signal_), nullptr);
}

}  // namespace s2j
