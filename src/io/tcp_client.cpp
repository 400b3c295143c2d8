#include "io/tcp_client.h"

namespace s2j {

void TcpClient::report(int status) {
  // Taken out first: a callback that connects again replaces done_ while it runs.
  const ConnectCallback done = std::move(done_);
  done(status);
}

void TcpClient::connect_cb(uv_connect_t* req, int status) { static_cast<TcpClient*>(req->data)->report(status); }

struct TcpClient::EarlyFailure {
  uv_idle_t idle;
  TcpClient* client;
  int status;

  static void close(uv_idle_t* idle) {
    uv_close(reinterpret_cast<uv_handle_t*>(idle), [](uv_handle_t* h) { delete static_cast<EarlyFailure*>(h->data); });
  }
};

void TcpClient::fail_soon(uv_loop_t* loop, int status) {
  // A handle of its own each time: the callback may connect again, and fail early again, before the
  // previous one has finished closing.
  auto* failure = new EarlyFailure{{}, this, status};
  if (uv_idle_init(loop, &failure->idle) != 0) {
    delete failure;
    report(status);
    return;
  }
  failure->idle.data = failure;
  const int started = uv_idle_start(&failure->idle, [](uv_idle_t* idle) {
    auto* self = static_cast<EarlyFailure*>(idle->data);
    EarlyFailure::close(idle);  // freed later, once the loop has closed it
    self->client->report(self->status);
  });
  if (started != 0) {
    EarlyFailure::close(&failure->idle);
    report(status);
  }
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
