// Connects a Stream to host:port. The name is resolved synchronously (once, before anything else
// runs), so that no libuv thread pool is ever used.
#pragma once

#include <uv.h>

#include <functional>
#include <string>

#include "io/stream.h"

namespace s2j {

class TcpClient {
 public:
  // 0 once connected, or a libuv error (resolving, connecting).
  using ConnectCallback = std::function<void(int status)>;

  TcpClient() = default;
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  // Starts connecting `stream` (initialised here); `done` runs from the loop, also on failure.
  void connect(uv_loop_t* loop, Stream& stream, const std::string& host, int port, ConnectCallback done);

 private:
  struct EarlyFailure;  // reported from the loop, like any other outcome

  static void connect_cb(uv_connect_t* req, int status);
  void report(int status);
  void fail_soon(uv_loop_t* loop, int status);

  uv_connect_t request_{};
  ConnectCallback done_;
};

}  // namespace s2j
