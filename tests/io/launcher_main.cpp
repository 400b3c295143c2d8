// io_launcher_helper: a parent for the parent-death tests. The fallback launcher is the running
// program's own executable, which io_tests (main from GoogleTest) cannot be; this program can.
//
//   io_launcher_helper tie [--launcher PATH] COMMAND [ARG...]
//     starts COMMAND tied to this process (through the launcher program PATH, else through this
//     executable), writes its pid and a newline on stdout once COMMAND runs (the launcher has exec'd
//     it), then waits for it. Exits 1 when it cannot start it.
// Started with the launcher's arguments (launch_tied_to_this_process), it is the launcher.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "io/child_process.h"
#include "io/executable_path.h"
#include "io/loop.h"
#include "io/parent_death.h"
#include "io/timer.h"

namespace {

// How often to look whether the launcher has exec'd the command: the launcher program is not this
// one, so it cannot tell; /proc/PID/exe can.
constexpr double kLookSeconds = 0.001;

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int tie(const std::string& launcher, const std::vector<std::string>& command) {
  std::string path;
  const int missing = s2j::find_executable(command[0], path);
  if (missing != 0) {
    std::fprintf(stderr, "io_launcher_helper: %s: %s\n", command[0].c_str(), std::strerror(missing));
    return 1;
  }
  s2j::Loop loop;
  s2j::ChildProcess child;
  s2j::Timer look;
  // The child's stdin stays open: a command reading it must not see its end while this process lives.
  int status =
      child.spawn(loop.get(), s2j::launch_tied_to_this_process(command, path, launcher), {}, [&](int64_t, int) {
        look.close();
        child.close();
      });
  if (status != 0) {
    std::fprintf(stderr, "io_launcher_helper: cannot spawn: %s\n", uv_strerror(status));
    child.close();
    loop.run();
    return 1;
  }
  const std::string exe = "/proc/" + std::to_string(child.pid()) + "/exe";
  std::function<void()> look_again = [&] {
    if (!same_file(exe, path)) {
      look.start(kLookSeconds, look_again);
      return;
    }
    std::printf("%d\n", child.pid());
    std::fflush(stdout);
  };
  status = look.init(loop.get());
  if (status == 0) status = look.start(0, look_again);
  if (status != 0) return 1;
  loop.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  s2j::run_launcher_if_asked(argc, argv);
  if (argc >= 5 && std::strcmp(argv[1], "tie") == 0 && std::strcmp(argv[2], "--launcher") == 0)
    return tie(argv[3], std::vector<std::string>(argv + 4, argv + argc));
  if (argc >= 3 && std::strcmp(argv[1], "tie") == 0)
    return tie(s2j::kSelfLauncher, std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(stderr, "usage: %s tie [--launcher PATH] COMMAND [ARG...]\n", argv[0]);
  return 2;
}
