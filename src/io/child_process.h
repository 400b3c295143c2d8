// The child process: spawned with pipes for stdin and stdout, stderr shared with the bridge.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "io/stream.h"

namespace s2j {

class ChildProcess {
 public:
  // Exit code, or 128+signal when killed.
  using ExitCallback = std::function<void(int code)>;

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  enum class Stdio {
    kPipes,    // stdin and stdout are pipes (in(), out()); stderr is shared
    kDetached  // Spectrum's way: new session, stdin from /dev/null, stdout and stderr shared
  };

  // `env` entries ("NAME=value") are added to (or replace those of) this process's environment.
  // Returns 0 or a libuv error (UV_ENOENT, UV_EACCES, …); the PATH is searched as by execvp.
  int spawn(uv_loop_t* loop, const std::vector<std::string>& argv, const std::vector<std::string>& env,
            ExitCallback on_exit, Stdio stdio = Stdio::kPipes);

  Stream& in() { return stdin_; }
  Stream& out() { return stdout_; }
  int pid() const { return pid_; }
  bool running() const { return running_; }
  void kill(int signal);
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
