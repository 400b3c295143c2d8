#include "io/parent_death.h"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>

#include "io/executable_path.h"
#include "io/tied_exec.h"

namespace s2j {

std::string this_executable() {
  char buffer[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer);
  return n > 0 && static_cast<size_t>(n) < sizeof buffer ? std::string(buffer, static_cast<size_t>(n)) : "";
}

std::string find_launcher(const std::string& self, const std::vector<std::string>& relative_dirs) {
  const size_t slash = self.rfind('/');
  if (self.empty() || self[0] != '/' || slash == std::string::npos) return "";
  for (const std::string& relative : relative_dirs) {
    // realpath: a clean name for the log (no "..") from libc, without std::filesystem's pages.
    char resolved[PATH_MAX];
    const std::string candidate = self.substr(0, slash + 1) + relative + "/" + kLauncherName;
    std::string found;
    if (realpath(candidate.c_str(), resolved) != nullptr && find_executable(resolved, found) == 0) return found;
  }
  return "";
}

std::vector<std::string> launch_tied_to_this_process(const std::vector<std::string>& argv, const std::string& path,
                                                     const std::string& launcher) {
  std::vector<std::string> out = {launcher, kLauncherFlag, std::to_string(getpid()), path};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void run_launcher_if_asked(int argc, char** argv) { exec_tied_to_parent(argc, argv); }

}  // namespace s2j
