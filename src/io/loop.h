// An event loop that is sure to end clean: close() closes every handle still open, runs the loop
// until libuv has let go of them, and says whether it could close the loop.
#pragma once

#include <uv.h>

namespace s2j {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  uv_loop_t* get() { return &loop_; }
  int init_status() const { return init_status_; }
  // Runs until no handle is active (or stop() was called). Returns non-zero when stop() ended it
  // with handles still active.
  int run();
  void stop() { uv_stop(&loop_); }
  // Seconds on the loop's monotonic clock (as cached at the start of this iteration).
  double now() const { return static_cast<double>(uv_now(&loop_)) / 1000.0; }
  // Closes every handle still open, lets their close callbacks run, closes the loop. Returns the
  // number of handles that had to be closed here (0 when the owner closed everything), or -1 when
  // libuv would not close the loop.
  int close();

 private:
  uv_loop_t loop_{};
  int init_status_ = 0;
  bool closed_ = false;
};

}  // namespace s2j
