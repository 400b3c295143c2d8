#include "io/socket_queues.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <cerrno>

namespace s2j {

int read_socket_queues(uv_stream_t* stream, SocketQueues& out) {
  uv_os_fd_t fd;
  const int status = uv_fileno(reinterpret_cast<uv_handle_t*>(stream), &fd);
  if (status != 0) return status;
  int unsent = 0;
  int unread = 0;
  if (ioctl(fd, SIOCOUTQ, &unsent) != 0 || ioctl(fd, SIOCINQ, &unread) != 0) return uv_translate_sys_error(errno);
  out.unsent = static_cast<size_t>(unsent);
  out.unread = static_cast<size_t>(unread);
  return 0;
}

}  // namespace s2j
