#include "io/tcp_server.h"

namespace s2j {

void TcpServer::connection_cb(uv_stream_t* server, int status) {
  auto* self = static_cast<TcpServer*>(server->data);
  if (status != 0) return;  // nothing to accept; libuv keeps listening
  Stream* stream = self->stream_for_();
  if (stream == nullptr) {
    // Accept and drop, so the peer sees the refusal at once.
    auto* dropped = new uv_tcp_t;
    if (uv_tcp_init(server->loop, dropped) != 0) {
      delete dropped;
      return;
    }
    // Refused either way: a failed accept has closed the peer's socket already.
    static_cast<void>(uv_accept(server, reinterpret_cast<uv_stream_t*>(dropped)));
    uv_close(reinterpret_cast<uv_handle_t*>(dropped), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    return;
  }
  status = stream->init_tcp(server->loop);
  if (status == 0) status = uv_accept(server, stream->handle());
  if (status == 0) status = uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(stream->handle()), 1);
  if (status != 0) stream->close();  // not a connection to use
  self->on_accepted_(*stream, status);
}

int TcpServer::listen(uv_loop_t* loop, const std::string& host, int port, StreamFor stream_for,
                      AcceptCallback on_accepted) {
  stream_for_ = std::move(stream_for);
  on_accepted_ = std::move(on_accepted);
  sockaddr_storage addr{};
  int status = uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (status != 0) status = uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
  if (status != 0) return status;
  status = uv_tcp_init(loop, &server_);
  if (status != 0) return status;
  server_.data = this;
  open_ = true;
  status = uv_tcp_bind(&server_, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (status == 0) status = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 8, connection_cb);
  if (status != 0) return status;
  sockaddr_storage bound{};
  int len = sizeof bound;
  status = uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&bound), &len);
  if (status != 0) return status;
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return 0;
}

void TcpServer::close() {
  if (open_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&server_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&server_), nullptr);
}

}  // namespace s2j
