// read_socket_queues: what a connected TCP stream still holds in the kernel, bytes received but not
// read and bytes sent but not yet taken by the peer, and an error (not figures) for anything else.
#include "io/socket_queues.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "io/loop.h"
#include "io/stream.h"
#include "io/tcp_client.h"
#include "io/tcp_server.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

constexpr size_t kUntouched = 12345;  // what `out` holds before a call that must leave it alone

// A loopback connection: `accepted` is the server's end, `connection` the client's. `on_ready` runs
// once both ends are connected; a failure on either closes everything.
class Loopback {
 public:
  int open(Loop& loop, std::function<void()> on_ready) {
    on_ready_ = std::move(on_ready);
    const int status = server_.listen(
        loop.get(), "127.0.0.1", 0, [this] { return &accepted; },
        [this](Stream&, int status) {
          server_.close();  // one connection is all a test needs
          done(status);
        });
    if (status != 0) return status;
    client_.connect(loop.get(), connection, "127.0.0.1", server_.port(), [this](int status) { done(status); });
    return 0;
  }

  void close() {
    server_.close();
    accepted.close();
    connection.close();
  }

  Stream accepted;
  Stream connection;

 private:
  void done(int status) {
    EXPECT_EQ(status, 0);
    if (status != 0) return close();
    if (++ends_connected_ == 2) on_ready_();
  }

  TcpServer server_;
  TcpClient client_;
  std::function<void()> on_ready_;
  int ends_connected_ = 0;
};

TEST(SocketQueuesTest, IdleConnectionHasEmptyQueues) {
  Loop loop;
  Loopback link;
  LoopCheck check(loop);
  int readies = 0;
  ASSERT_EQ(link.open(loop,
                      [&] {
                        ++readies;
                        for (Stream* end : {&link.accepted, &link.connection}) {
                          SocketQueues queues{kUntouched, kUntouched};
                          EXPECT_EQ(read_socket_queues(end->handle(), queues), 0);
                          EXPECT_EQ(queues.unsent, 0u);
                          EXPECT_EQ(queues.unread, 0u);
                        }
                        link.close();
                      }),
            0);
  loop.run();
  link.close();
  EXPECT_EQ(readies, 1);
}

TEST(SocketQueuesTest, BytesNotYetReadAreUnreadUntilTheyAreRead) {
  Loop loop;
  Loopback link;
  uv_poll_t arrival{};
  LoopCheck check(loop);
  const std::string parts[] = {"first part,", std::string(3000, 'x'), "last part"};
  size_t total = 0;
  for (const std::string& part : parts) total += part.size();
  int arrivals = 0, ends = 0;
  size_t unread_after_reading = kUntouched;
  std::string received;
  int watched = -1;

  ASSERT_EQ(link.open(loop,
                      [&] {
                        uv_os_fd_t fd;
                        ASSERT_EQ(uv_fileno(reinterpret_cast<uv_handle_t*>(link.accepted.handle()), &fd), 0);
                        // Readable only once every byte is there, however the kernel splits them;
                        // watched through a duplicate, as libuv watches a descriptor for one handle.
                        const int all = static_cast<int>(total);
                        ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &all, sizeof all), 0);
                        watched = fcntl(fd, F_DUPFD_CLOEXEC, 0);
                        ASSERT_GE(watched, 0);
                        ASSERT_EQ(uv_poll_init(loop.get(), &arrival, watched), 0);
                        arrival.data = &arrivals;
                        ASSERT_EQ(uv_poll_start(&arrival, UV_READABLE,
                                                [](uv_poll_t* poll, int status, int events) {
                                                  EXPECT_EQ(status, 0);
                                                  EXPECT_NE(events & UV_READABLE, 0);
                                                  ++*static_cast<int*>(poll->data);
                                                  uv_close(reinterpret_cast<uv_handle_t*>(poll), nullptr);
                                                }),
                                  0);
                        for (const std::string& part : parts) EXPECT_EQ(link.connection.write(std::string(part)), 0);
                      }),
            0);
  // The arrival is seen on its own turn, then the bytes are read.
  loop.run();
  ASSERT_EQ(arrivals, 1);
  SocketQueues on_arrival{kUntouched, kUntouched};
  EXPECT_EQ(read_socket_queues(link.accepted.handle(), on_arrival), 0);
  EXPECT_EQ(on_arrival.unread, total) << "exactly the bytes sent, none read yet";
  EXPECT_EQ(on_arrival.unsent, 0u) << "this end sent nothing";

  ASSERT_EQ(link.accepted.start_reading(
                [&](std::string_view data) {
                  received += data;
                  if (received.size() < total) return;
                  SocketQueues after{kUntouched, kUntouched};
                  EXPECT_EQ(read_socket_queues(link.accepted.handle(), after), 0);
                  unread_after_reading = after.unread;
                  link.close();
                },
                [&](int) { ++ends; }),
            0);
  loop.run();
  link.close();
  if (watched >= 0) ::close(watched);

  EXPECT_EQ(received, parts[0] + parts[1] + parts[2]);
  EXPECT_EQ(unread_after_reading, 0u);
  EXPECT_EQ(ends, 0) << "closed by this end, not ended by the peer";
}

TEST(SocketQueuesTest, BytesThePeerCannotTakeAreUnsent) {
  Loop loop;
  Loopback link;
  LoopCheck check(loop);
  // More than the largest send and receive buffers together (tcp_wmem, tcp_rmem) can hold.
  const size_t total = 64 * 1024 * 1024;
  size_t queued = 0;
  SocketQueues queues{kUntouched, kUntouched};
  int status = -1;
  ASSERT_EQ(link.open(loop,
                      [&] {
                        EXPECT_EQ(link.connection.write(std::string(total, 'x')), 0);
                        queued = link.connection.queued();
                        status = read_socket_queues(link.connection.handle(), queues);
                        link.close();  // cancels what is still queued
                      }),
            0);
  loop.run();
  link.close();
  ASSERT_GT(queued, 0u) << "the kernel took everything: nothing to observe";
  EXPECT_EQ(status, 0);
  EXPECT_GT(queues.unsent, 0u) << "the kernel's send buffer is full";
  EXPECT_LE(queues.unsent, total - queued) << "what is still queued here never reached the kernel";
  EXPECT_EQ(queues.unread, 0u);
}

TEST(SocketQueuesTest, PipeIsAnErrorNotFigures) {
  Loop loop;
  Stream reader, writer;
  LoopCheck check(loop);
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  ASSERT_EQ(reader.open_fd(loop.get(), fds[0]), 0);
  ASSERT_EQ(writer.open_fd(loop.get(), fds[1]), 0);
  ASSERT_EQ(writer.write("unread"), 0);  // bytes a pipe holds are no socket's queue
  for (Stream* end : {&reader, &writer}) {
    SocketQueues queues{kUntouched, kUntouched};
    EXPECT_LT(read_socket_queues(end->handle(), queues), 0);
    EXPECT_EQ(queues.unsent, kUntouched);
    EXPECT_EQ(queues.unread, kUntouched);
  }
  reader.close();
  writer.close();
  loop.run();
}

TEST(SocketQueuesTest, UnconnectedStreamIsAnError) {
  Loop loop;
  Stream stream;
  LoopCheck check(loop);
  ASSERT_EQ(stream.init_tcp(loop.get()), 0);  // no socket until it binds or connects
  SocketQueues queues{kUntouched, kUntouched};
  EXPECT_EQ(read_socket_queues(stream.handle(), queues), UV_EBADF);
  EXPECT_EQ(queues.unread, kUntouched);
  stream.close();
  loop.run();
}

}  // namespace
}  // namespace s2j
