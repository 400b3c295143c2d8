// TcpServer: listening, accepting into the caller's Stream, refusing, and failing to listen.
#include "io/tcp_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "io/loop.h"
#include "io/tcp_client.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

TEST(TcpServerTest, AcceptsAConnectionIntoTheGivenStream) {
  Loop loop;
  TcpServer server;
  TcpClient client;
  Stream accepted, connection;
  LoopCheck check(loop);
  int asked = 0, accepts = 0, accept_status = -1, connects = 0, connect_status = -1, nodelay = 0;
  Stream* accepted_into = nullptr;
  std::string server_got, client_got;
  ASSERT_EQ(server.listen(
                loop.get(), "127.0.0.1", 0,
                [&]() -> Stream* {
                  ++asked;
                  return &accepted;
                },
                [&](Stream& stream, int status) {
                  ++accepts;
                  accept_status = status;
                  accepted_into = &stream;
                  int on = 0;
                  socklen_t len = sizeof on;
                  uv_os_fd_t fd;
                  if (uv_fileno(reinterpret_cast<uv_handle_t*>(stream.handle()), &fd) == 0 &&
                      getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0)
                    nodelay = on;
                  server.close();  // one connection is all this test wants
                  EXPECT_EQ(stream.start_reading(
                                [&](std::string_view data) {
                                  server_got += data;
                                  if (server_got == "ping") {
                                    EXPECT_EQ(stream.write("pong"), 0);
                                  }
                                },
                                [&](int) { stream.close(); }),
                            0);
                }),
            0);
  EXPECT_GT(server.port(), 0);
  client.connect(loop.get(), connection, "127.0.0.1", server.port(), [&](int status) {
    ++connects;
    connect_status = status;
    EXPECT_EQ(connection.start_reading(
                  [&](std::string_view data) {
                    client_got += data;
                    if (client_got == "pong") connection.close();
                  },
                  [&](int) { connection.close(); }),
              0);
    EXPECT_EQ(connection.write("ping"), 0);
  });
  loop.run();
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(accepts, 1);
  EXPECT_EQ(accept_status, 0);
  EXPECT_EQ(accepted_into, &accepted);
  EXPECT_NE(nodelay, 0) << "accepted connections send small messages at once";
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(connect_status, 0);
  EXPECT_EQ(server_got, "ping");
  EXPECT_EQ(client_got, "pong");
}

TEST(TcpServerTest, RefusedConnectionIsDroppedAtOnce) {
  Loop loop;
  TcpServer server;
  TcpClient client;
  Stream connection;
  LoopCheck check(loop);
  int asked = 0, accepts = 0, ends = 0, end_status = 0;
  ASSERT_EQ(server.listen(
                loop.get(), "127.0.0.1", 0,
                [&]() -> Stream* {
                  ++asked;
                  return nullptr;
                },
                [&](Stream&, int) { ++accepts; }),
            0);
  client.connect(loop.get(), connection, "127.0.0.1", server.port(), [&](int status) {
    // The kernel completes the handshake before the server sees the connection.
    EXPECT_EQ(status, 0);
    EXPECT_EQ(connection.start_reading([](std::string_view) {},
                                       [&](int end) {
                                         ++ends;
                                         end_status = end;
                                         connection.close();
                                         server.close();
                                       }),
              0);
  });
  loop.run();
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(accepts, 0);
  EXPECT_EQ(ends, 1);
  EXPECT_TRUE(end_status == UV_EOF || end_status == UV_ECONNRESET) << uv_err_name(end_status);
}

TEST(TcpServerTest, PortInUseIsReported) {
  Loop loop;
  TcpServer first, second;
  LoopCheck check(loop);
  ASSERT_EQ(first.listen(
                loop.get(), "127.0.0.1", 0, [] { return nullptr; }, [](Stream&, int) {}),
            0);
  EXPECT_EQ(second.listen(
                loop.get(), "127.0.0.1", first.port(), [] { return nullptr; }, [](Stream&, int) {}),
            UV_EADDRINUSE);
  first.close();
  second.close();  // its handle was opened before binding failed
  loop.run();
}

TEST(TcpServerTest, BadAddressIsReported) {
  Loop loop;
  TcpServer server;
  LoopCheck check(loop);
  EXPECT_EQ(server.listen(
                loop.get(), "not an address", 0, [] { return nullptr; }, [](Stream&, int) {}),
            UV_EINVAL);
  server.close();  // nothing was opened
  loop.run();
}

}  // namespace
}  // namespace s2j
