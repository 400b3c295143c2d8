// TcpClient: connecting, a refused connection, and failures found before connecting, each reported
// once and from the loop.
#include "io/tcp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "io/loop.h"
#include "io/tcp_server.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;
using io_test::Probe;

// A local port that refuses connections for as long as the socket lives: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(TcpClientTest, ConnectsAndReportsOnce) {
  Loop loop;
  TcpServer server;
  TcpClient client;
  Stream accepted, connection;
  LoopCheck check(loop);
  int accepts = 0, connects = 0, connect_status = -1;
  ASSERT_EQ(server.listen(
                loop.get(), "127.0.0.1", 0, [&] { return &accepted; },
                [&](Stream& stream, int status) {
                  ++accepts;
                  EXPECT_EQ(status, 0);
                  stream.close();
                  server.close();
                }),
            0);
  client.connect(loop.get(), connection, "127.0.0.1", server.port(), [&](int status) {
    ++connects;
    connect_status = status;
    connection.close();
  });
  EXPECT_EQ(connects, 0) << "reported from the loop, not from connect()";
  loop.run();
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(connect_status, 0);
  EXPECT_EQ(accepts, 1);
}

TEST(TcpClientTest, RefusedConnectionIsReportedOnce) {
  RefusingPort refusing;
  ASSERT_GT(refusing.port(), 0);
  Loop loop;
  TcpClient client;
  Stream connection;
  LoopCheck check(loop);
  int connects = 0, connect_status = 0;
  client.connect(loop.get(), connection, "127.0.0.1", refusing.port(), [&](int status) {
    ++connects;
    connect_status = status;
    connection.close();
  });
  loop.run();
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(connect_status, UV_ECONNREFUSED) << uv_err_name(connect_status);
}

TEST(TcpClientTest, FailureBeforeConnectingIsReportedFromTheLoop) {
  Loop loop;
  TcpClient client;
  Stream connection;
  LoopCheck check(loop);
  int connects = 0, connect_status = 0;
  // No such service: the lookup fails without asking any name server.
  client.connect(loop.get(), connection, "127.0.0.1", -1, [&](int status) {
    ++connects;
    connect_status = status;
  });
  EXPECT_EQ(connects, 0) << "reported from the loop, not from connect()";
  loop.run();
  EXPECT_EQ(connects, 1);
  EXPECT_NE(connect_status, 0);
  EXPECT_FALSE(connection.is_open()) << "nothing was opened";
}

TEST(TcpClientTest, ReconnectFromTheCallbackKeepsThatCallbackAlive) {
  RefusingPort refusing;
  ASSERT_GT(refusing.port(), 0);
  Loop loop;
  TcpClient client;
  Stream first, second;
  LoopCheck check(loop);
  int running = 0, destroyed_while_running = 0, first_calls = 0, second_status = 0;
  struct Context {
    Loop* loop;
    TcpClient* client;
    Stream* first;
    Stream* second;
    int port;
    int* first_calls;
    int* second_status;
  } context{&loop, &client, &first, &second, refusing.port(), &first_calls, &second_status};
  client.connect(loop.get(), first, "127.0.0.1", refusing.port(),
                 [probe = Probe{1, &running, &destroyed_while_running}, c = &context](int) {
                   // Read into locals first: should connect() destroy this closure, nothing after
                   // it touches the closure.
                   Context* ctx = c;
                   int* now_running = probe.running;
                   *now_running = 1;
                   ++*ctx->first_calls;
                   ctx->first->close();
                   ctx->client->connect(ctx->loop->get(), *ctx->second, "127.0.0.1", ctx->port, [ctx](int status) {
                     *ctx->second_status = status;
                     ctx->second->close();
                   });
                   *now_running = 0;
                 });
  loop.run();
  EXPECT_EQ(first_calls, 1);
  EXPECT_EQ(second_status, UV_ECONNREFUSED);
  EXPECT_EQ(destroyed_while_running, 0) << "the running callback was destroyed by its own reconnect";
}

TEST(TcpClientTest, ConnectAgainAfterAnEarlyFailureFromTheCallback) {
  Loop loop;
  TcpClient client;
  Stream first, second;
  LoopCheck check(loop);
  int first_calls = 0, second_calls = 0, second_status = 0;
  client.connect(loop.get(), first, "127.0.0.1", -1, [&](int) {
    ++first_calls;
    // Fails early again while the first failure's report is still being closed.
    client.connect(loop.get(), second, "127.0.0.1", -1, [&](int status) {
      ++second_calls;
      second_status = status;
    });
  });
  loop.run();
  EXPECT_EQ(first_calls, 1);
  EXPECT_EQ(second_calls, 1);
  EXPECT_NE(second_status, 0);
}

}  // namespace
}  // namespace s2j
