#include "io/executable_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace s2j {

namespace {

// 0 when `path` is a file this process may execute, else the reason.
int check(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return errno == ENOTDIR ? ENOENT : errno;
  if (!S_ISREG(st.st_mode) || access(path.c_str(), X_OK) != 0) return EACCES;
  return 0;
}

}  // namespace

int find_executable(const std::string& name, std::string& path) {
  if (name.empty()) return ENOENT;
  if (name.find('/') != std::string::npos) {
    const int error = check(name);
    if (error == 0) path = name;
    return error;
  }
  const char* env = std::getenv("PATH");
  const std::string dirs = env != nullptr ? env : "/usr/local/bin:/usr/bin:/bin";
  int result = ENOENT;
  for (size_t start = 0;;) {
    const size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    const int error = check(candidate);
    if (error == 0) {
      path = candidate;
      return 0;
    }
    if (error == EACCES) result = EACCES;  // as execvp: say so if nothing better turns up
    if (end == std::string::npos) return result;
    start = end + 1;
  }
}

}  // namespace s2j
