#include "io/descriptors.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>

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

int ensure_descriptor_limit(long needed, long& limit) {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;  // nothing known: let the descriptors speak
  const rlim_t want = static_cast<rlim_t>(needed);
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) return 0;
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want) {
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return 0;
  }
  limit = static_cast<long>(rl.rlim_max == RLIM_INFINITY ? rl.rlim_cur : rl.rlim_max);
  return EMFILE;
}

}  // namespace s2j
