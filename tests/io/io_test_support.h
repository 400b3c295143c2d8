// What the io tests share: the check that a loop ends clean, a probe for callbacks destroyed while
// they run, temporary directories, and a pipe for children to report on.
#pragma once

#include <uv.h>

#include <string>

#include "io/loop.h"
#include "io/stream.h"

namespace s2j::io_test {

// Generous on purpose: the tests may share a small, busy machine.
constexpr uint64_t kGuardMs = 30000;

// Watches one test's loop. Declare it after every object that owns a handle on the loop, so that it
// is destroyed first, while they still exist. Until then a guard timer (unreferenced: it never keeps
// the loop alive) fails the test and stops the loop should it still run after kGuardMs; at the end
// it checks that the test closed every handle it opened and that libuv lets the loop go.
class LoopCheck {
 public:
  explicit LoopCheck(Loop& loop);
  ~LoopCheck();
  LoopCheck(const LoopCheck&) = delete;
  LoopCheck& operator=(const LoopCheck&) = delete;

  bool guard_fired() const { return guard_fired_; }

 private:
  Loop& loop_;
  uv_timer_t guard_{};
  bool guarding_ = false;
  bool guard_fired_ = false;
};

// Captured by a callback, notices being destroyed while that callback still runs: a callback that
// restarts what called it must not destroy itself midway.
struct Probe {
  int id;
  int* running;  // the id of the callback running now, 0 for none
  int* destroyed_while_running;
  ~Probe() {
    if (*running == id) ++*destroyed_while_running;
  }
};

// A fresh directory under /tmp: removed when the test passes, kept (and named) when it fails.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A pipe a child reports on: `reader` gets the read end; the write end, returned (or -1), is left to
// be inherited by the next child spawned and whatever that child starts, so the reader sees the end
// only once all of them are gone. The caller closes the write end as soon as the child is spawned.
int open_report_pipe(Loop& loop, Stream& reader);

// Sets a descriptor's close-on-exec flag, or clears it. Returns false when fcntl fails.
bool set_cloexec(int fd, bool on);

}  // namespace s2j::io_test
