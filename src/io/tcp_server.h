// A listening TCP socket; each accepted connection becomes a Stream owned by the caller.
#pragma once

#include <uv.h>

#include <functional>
#include <string>

#include "io/stream.h"

namespace s2j {

class TcpServer {
 public:
  // Called for each connection: the Stream to accept it into, or nullptr to refuse it.
  using StreamFor = std::function<Stream*()>;
  // Called once the connection is in the Stream (status 0), or when accepting failed (a libuv error;
  // the Stream is closed then).
  using AcceptCallback = std::function<void(Stream&, int status)>;

  TcpServer() = default;
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds host:port (port 0 = ephemeral) and listens. Returns 0 or a libuv error.
  int listen(uv_loop_t* loop, const std::string& host, int port, StreamFor stream_for, AcceptCallback on_accepted);
  int port() const { return port_; }
  void close();

 private:
  static void connection_cb(uv_stream_t* server, int status);

  uv_tcp_t server_{};
  StreamFor stream_for_;
  AcceptCallback on_accepted_;
  int port_ = 0;
  bool open_ = false;
};

}  // namespace s2j
