// A child process, with its stdin and stdout as pipes (or Spectrum's way: detached, in a session of
// its own). Its stderr is this process's stderr.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "io/stream.h"

namespace s2j {

class ChildProcess {
 public:
  // The exit status, or 0 and the signal that ended it.
  using ExitCallback = std::function<void(int64_t status, int signal)>;

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  enum class Stdio {
    kPipes,    // stdin and stdout are pipes (in(), out()); stderr is shared
    kDetached  // Spectrum's way: a new session, stdin from /dev/null, stdout and stderr shared
  };

  // `env` entries ("NAME=value") are added to (or replace those of) this process's environment.
  // Returns 0 or a libuv error (UV_ENOENT, UV_EACCES, …); the PATH is searched as by execvp.
  int spawn(uv_loop_t* loop, const std::vector<std::string>& argv, const std::vector<std::string>& env,
            ExitCallback on_exit, Stdio stdio = Stdio::kPipes);

  Stream& in() { return stdin_; }
  Stream& out() { return stdout_; }
  int pid() const { return pid_; }
  bool running() const { return running_; }
  // Returns 0 or a libuv error (UV_ESRCH once it is gone).
  int kill(int signal);
  // The whole process group of a detached child (its session leader's group).
  int kill_group(int signal);
  void close();

 private:
  uv_process_t process_{};
  Stream stdin_;
  Stream stdout_;
  ExitCallback on_exit_;
  int pid_ = 0;
  bool spawned_ = false;
  bool running_ = false;
  bool closed_ = false;
};

}  // namespace s2j
