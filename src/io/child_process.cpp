#include "io/child_process.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace s2j {

int ChildProcess::spawn(uv_loop_t* loop, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        ExitCallback on_exit, Stdio mode) {
  on_exit_ = std::move(on_exit);
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    const std::string name(*e, eq ? static_cast<size_t>(eq - *e) : std::strlen(*e));
    bool replaced = false;
    for (const std::string& extra : env) replaced = replaced || extra.compare(0, name.size() + 1, name + "=") == 0;
    if (!replaced) environment.emplace_back(*e);
  }
  environment.insert(environment.end(), env.begin(), env.end());

  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  uv_stdio_container_t stdio[3];
  if (mode == Stdio::kPipes) {
    int status = stdin_.init_pipe(loop);
    if (status == 0) status = stdout_.init_pipe(loop);
    if (status != 0) return status;
    stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
    stdio[0].data.stream = stdin_.handle();
    stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
    stdio[1].data.stream = stdout_.handle();
  } else {
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = STDOUT_FILENO;
  }
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = STDERR_FILENO;

  uv_process_options_t options{};
  options.file = args[0];
  options.args = args.data();
  options.env = envp.data();
  options.stdio = stdio;
  options.stdio_count = 3;
  if (mode == Stdio::kDetached) options.flags = UV_PROCESS_DETACHED;
  options.exit_cb = [](uv_process_t* process, int64_t status, int signal) {
    auto* self = static_cast<ChildProcess*>(process->data);
    self->running_ = false;
    if (self->on_exit_) self->on_exit_(status, signal);
  };
  process_.data = this;
  const int status = uv_spawn(loop, &process_, &options);
  spawned_ = true;  // uv_spawn initialises the handle even when it fails; it must be closed
  if (status != 0) return status;
  pid_ = process_.pid;
  running_ = true;
  return 0;
}

int ChildProcess::kill(int signal) { return running_ ? uv_process_kill(&process_, signal) : UV_ESRCH; }

int ChildProcess::kill_group(int signal) {
  if (pid_ <= 0) return UV_ESRCH;
  return ::kill(-pid_, signal) == 0 ? 0 : -errno;
}

void ChildProcess::close() {
  stdin_.close();
  stdout_.close();
  if (spawned_ && !closed_) {
    closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&process_), nullptr);
  }
}

}  // namespace s2j
