#include "io/descriptors.h"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace s2j {

int close_inherited_descriptors_on_exec() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return errno;
  std::vector<int> fds;
  for (dirent* entry = readdir(dir); entry != nullptr; entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (*end == '\0' && end != entry->d_name && fd > 2 && fd != dirfd(dir)) fds.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  for (int fd : fds) {
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return 0;
}

}  // namespace s2j
