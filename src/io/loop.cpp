#include "io/loop.h"

namespace s2j {

Loop::Loop() { init_status_ = uv_loop_init(&loop_); }

Loop::~Loop() { close(); }

int Loop::run() { return uv_run(&loop_, UV_RUN_DEFAULT); }

int Loop::close() {
  if (closed_ || init_status_ != 0) return 0;
  closed_ = true;
  int left_open = 0;
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void* count) {
        if (!uv_is_closing(handle)) {
          uv_close(handle, nullptr);
          ++*static_cast<int*>(count);
        }
      },
      &left_open);
  // A stop() asked for outside run() makes the first uv_run return before it has closed anything.
  while (uv_run(&loop_, UV_RUN_DEFAULT) != 0) {
  }
  return uv_loop_close(&loop_) == 0 ? left_open : -1;
}

}  // namespace s2j
