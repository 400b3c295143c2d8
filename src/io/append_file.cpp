#include "io/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace s2j {

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

int AppendFile::open(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  return fd_ < 0 ? errno : 0;
}

int AppendFile::append(std::string_view line) {
  if (fd_ < 0) return EBADF;
  while (!line.empty()) {
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    line.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace s2j
