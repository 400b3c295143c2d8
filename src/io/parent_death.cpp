#include "io/parent_death.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace s2j {

namespace {

constexpr const char* kLauncherFlag = "--launch-tied-to-parent";

}  // namespace

std::vector<std::string> launch_tied_to_this_process(const std::vector<std::string>& argv, const std::string& path) {
  // /proc/self/exe still names this executable when its file was replaced (a package upgrade).
  std::vector<std::string> out = {"/proc/self/exe", kLauncherFlag, std::to_string(getpid()), path};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void run_launcher_if_asked(int argc, char** argv) {
  // argv: self, flag, parent pid, path, the command's argv...
  if (argc < 5 || std::strcmp(argv[1], kLauncherFlag) != 0) return;
  const pid_t parent = static_cast<pid_t>(std::atol(argv[2]));
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    std::fprintf(stderr, "cannot tie the child to its parent: %s\n", std::strerror(errno));
    _exit(127);
  }
  if (getppid() != parent) _exit(128 + SIGKILL);  // the parent died before the request took effect
  execvp(argv[3], argv + 4);
  std::fprintf(stderr, "cannot start child '%s': %s\n", argv[3], std::strerror(errno));
  _exit(127);
}

}  // namespace s2j
