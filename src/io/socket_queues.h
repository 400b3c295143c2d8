// How much of a connected socket's traffic is still in the kernel: bytes sent but not yet
// acknowledged by the peer, and bytes received but not yet read.
#pragma once

#include <uv.h>

#include <cstddef>

namespace s2j {

struct SocketQueues {
  size_t unsent = 0;
  size_t unread = 0;
};

// Returns 0 or a libuv error (e.g. when `stream` is not a socket).
int read_socket_queues(uv_stream_t* stream, SocketQueues& out);

}  // namespace s2j
