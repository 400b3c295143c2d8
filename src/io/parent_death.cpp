#include "io/parent_death.h"

#include <limits.h>
#include <unistd.h>

#include <filesystem>

#include "io/executable_path.h"
#include "io/tied_exec.h"

namespace s2j {

std::string this_executable() {
  char buffer[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer);
  return n > 0 && static_cast<size_t>(n) < sizeof buffer ? std::string(buffer, static_cast<size_t>(n)) : "";
}

std::string find_launcher(const std::string& self, const std::vector<std::string>& relative_dirs) {
  if (self.empty() || self[0] != '/') return "";
  const std::filesystem::path dir = std::filesystem::path(self).parent_path();
  for (const std::string& relative : relative_dirs) {
    std::string found;
    if (find_executable((dir / relative / kLauncherName).lexically_normal().string(), found) == 0) return found;
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
