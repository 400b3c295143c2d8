#include "io/tcp_server.h"

namespace s2j {

int TcpServer::listen(uv_loop_t* loop, const std::string& host, int port, StreamFor stream_for,
                      AcceptCallback on_accepted) {
  stream_for_ = std::move(stream_for);
  on_accepted_ = std::move(on_accepted);
  sockaddr_storage addr{};
  int status = uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (status != 0) status = uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
  if (status != 0) return status;
  uv_tcp_init(loop, &server_);
  server_.data = this;
  open_ = true;
  status = uv_tcp_bind(&server_, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (status == 0)
    status = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 8, [](uv_stream_t* server, int s) {
      auto* self = static_cast<TcpServer*>(server->data);
      if (s != 0) return;
      Stream* stream = self->stream_for_();
      if (stream == nullptr) {
        // Accept and drop, so the peer sees the refusal at once.
        uv_tcp_t* dropped = new uv_tcp_t;
        uv_tcp_init(server->loop, dropped);
        uv_accept(server, reinterpret_cast<uv_stream_t*>(dropped));
        uv_close(reinterpret_cast<uv_handle_t*>(dropped),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        return;
      }
      uv_tcp_t* client = stream->init_tcp(server->loop);
      uv_accept(server, reinterpret_cast<uv_stream_t*>(client));
      uv_tcp_nodelay(client, 1);
      self->on_accepted_(*stream);
    });
  if (status != 0) return status;
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return 0;
}

void TcpServer::close() {
  if (open_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&server_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&server_), nullptr);
}

}  // namespace s2j
