#include "io/tcp_client.h"

namespace s2j {

void TcpClient::connect_cb(uv_connect_t* req, int status) {
  auto* self = static_cast<TcpClient*>(req->data);
  self->done_(status);
}

void TcpClient::fail_soon(uv_loop_t* loop, int status) {
  early_status_ = status;
  later_.data = this;
  if (uv_idle_init(loop, &later_) != 0) {
    done_(status);
    return;
  }
  uv_idle_start(&later_, [](uv_idle_t* idle) {
    auto* self = static_cast<TcpClient*>(idle->data);
    uv_close(reinterpret_cast<uv_handle_t*>(idle), nullptr);
    self->done_(self->early_status_);
  });
}

void TcpClient::connect(uv_loop_t* loop, Stream& stream, const std::string& host, int port, ConnectCallback done) {
  done_ = std::move(done);
  const std::string service = std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  uv_getaddrinfo_t resolver{};
  // No callback: synchronous, on this thread.
  int status = uv_getaddrinfo(loop, &resolver, nullptr, host.c_str(), service.c_str(), &hints);
  if (status != 0) {
    fail_soon(loop, status);
    return;
  }
  status = stream.init_tcp(loop);
  if (status == 0) {
    request_.data = this;
    status =
        uv_tcp_connect(&request_, reinterpret_cast<uv_tcp_t*>(stream.handle()), resolver.addrinfo->ai_addr, connect_cb);
  }
  uv_freeaddrinfo(resolver.addrinfo);
  if (status != 0) fail_soon(loop, status);
}

}  // namespace s2j
