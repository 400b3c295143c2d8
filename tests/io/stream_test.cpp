// Stream: reading, writing (direct and queued), the end of the stream, errors, pausing, closing.
// The two ends of a Unix socket pair stand in for a child's pipes.
#include "io/stream.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

class StreamTest : public ::testing::Test {
 protected:
  // A write to a closed peer must come back as EPIPE rather than end the test process.
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }

  static void open_pair(Loop& loop, Stream& a, Stream& b) {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    ASSERT_EQ(a.open_fd(loop.get(), fds[0]), 0);
    ASSERT_EQ(b.open_fd(loop.get(), fds[1]), 0);
    ASSERT_TRUE(a.is_open());
    ASSERT_TRUE(b.is_open());
  }

  // More than a socket buffer takes at once.
  static std::string big_payload() {
    std::string data(4 << 20, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 23);
    return data;
  }
};

TEST_F(StreamTest, DataArrivesInOrderThenEof) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  std::string received;
  int ends = 0, end_status = 0, shutdowns = 0, shutdown_status = -1;
  ASSERT_EQ(b.start_reading([&](std::string_view data) { received += data; },
                            [&](int status) {
                              ++ends;
                              end_status = status;
                              b.close();
                            }),
            0);
  EXPECT_EQ(a.write("hello "), 0);
  EXPECT_EQ(a.write("world"), 0);
  a.shutdown([&](int status) {
    ++shutdowns;
    shutdown_status = status;
    a.close();
  });
  loop.run();
  EXPECT_EQ(received, "hello world");
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(end_status, UV_EOF);
  EXPECT_EQ(shutdowns, 1);
  EXPECT_EQ(shutdown_status, 0);
}

// The caller's buffer is taken whether the kernel takes the bytes at once or they are queued: the
// caller refills it, and what it writes next follows what it wrote before.
TEST_F(StreamTest, WriteTakesTheCallersBytesWhetherSentOrQueued) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  std::string received;
  ASSERT_EQ(b.start_reading([&](std::string_view data) { received += data; }, [&](int) { b.close(); }), 0);
  std::string buffer = "small";
  EXPECT_EQ(a.write(buffer), 0);
  EXPECT_EQ(buffer, "");  // sent at once
  const std::string big = big_payload();
  buffer = big;
  EXPECT_EQ(a.write(buffer), 0);
  EXPECT_GT(a.queued(), 0u);
  EXPECT_EQ(buffer, "");  // queued
  buffer.append("tail");
  EXPECT_EQ(a.write(buffer), 0);
  EXPECT_EQ(buffer, "");
  a.shutdown([&](int) { a.close(); });
  loop.run();
  EXPECT_EQ(received, "small" + big + "tail");
}

TEST_F(StreamTest, EofIsReportedOnceWhenThePeerCloses) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  int data_calls = 0, ends = 0, end_status = 0;
  ASSERT_EQ(b.start_reading([&](std::string_view) { ++data_calls; },
                            [&](int status) {
                              ++ends;
                              end_status = status;
                            }),
            0);
  a.close();
  loop.run();  // b stops reading at its end, so the loop ends with or without the report
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(end_status, UV_EOF);
  EXPECT_EQ(data_calls, 0);
  b.close();
}

TEST_F(StreamTest, LargeWriteIsQueuedAndReportedWhenDone) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  const std::string payload = big_payload();
  std::string received;
  int written = 0, write_errors = 0, ends = 0;
  a.on_written([&] {
    ++written;
    EXPECT_EQ(a.queued(), 0u);
  });
  a.on_write_error([&](int) { ++write_errors; });
  ASSERT_EQ(b.start_reading([&](std::string_view data) { received += data; },
                            [&](int status) {
                              ++ends;
                              EXPECT_EQ(status, UV_EOF);
                              b.close();
                            }),
            0);
  ASSERT_EQ(a.write(std::string(payload)), 0);
  EXPECT_GT(a.queued(), 0u);
  a.shutdown([&](int status) {
    EXPECT_EQ(status, 0);
    a.close();
  });
  loop.run();
  EXPECT_EQ(written, 1);
  EXPECT_EQ(write_errors, 0);
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload) << "the bytes arrived out of order";
}

TEST_F(StreamTest, UnopenedStreamRefusesEverything) {
  Loop loop;
  Stream s;
  LoopCheck check(loop);
  EXPECT_FALSE(s.is_open());
  EXPECT_EQ(s.write("x"), UV_EPIPE);
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_EQ(s.start_reading([](std::string_view) {}, [](int) {}), UV_EBADF);
  int done = -1;
  s.shutdown([&](int status) { done = status; });
  EXPECT_EQ(done, 0);
  s.close();
  loop.run();
}

TEST_F(StreamTest, WriteAfterCloseFails) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  a.close();
  EXPECT_FALSE(a.is_open());
  EXPECT_EQ(a.write("late"), UV_EPIPE);
  EXPECT_EQ(a.start_reading([](std::string_view) {}, [](int) {}), UV_EBADF);
  int shutdowns = 0, shutdown_status = -1;
  a.shutdown([&](int status) {
    ++shutdowns;
    shutdown_status = status;
  });
  EXPECT_EQ(shutdowns, 1) << "a closed stream answers a shutdown at once";
  EXPECT_EQ(shutdown_status, 0);
  a.close();  // twice is harmless
  b.close();
  loop.run();
}

TEST_F(StreamTest, WriteAfterShutdownFails) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  int shutdowns = 0, again = 0;
  a.shutdown([&](int) { ++shutdowns; });
  EXPECT_EQ(a.write("late"), UV_EPIPE);
  a.shutdown([&](int status) {
    ++again;
    EXPECT_EQ(status, 0);
  });
  EXPECT_EQ(again, 1);
  loop.run();
  EXPECT_EQ(shutdowns, 1);
  a.close();
  b.close();
}

TEST_F(StreamTest, DirectWriteToAClosedPeerFails) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  b.close();
  loop.run();  // b is gone
  EXPECT_EQ(a.write("nobody listens"), UV_EPIPE);
  a.close();
}

TEST_F(StreamTest, QueuedWriteFailureIsReported) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  int written = 0, write_errors = 0, error_status = 0;
  a.on_written([&] { ++written; });
  a.on_write_error([&](int status) {
    ++write_errors;
    error_status = status;
  });
  ASSERT_EQ(a.write(big_payload()), 0);
  ASSERT_GT(a.queued(), 0u);
  b.close();
  loop.run();  // a's writer fails and stops
  EXPECT_EQ(write_errors, 1);
  EXPECT_TRUE(error_status == UV_EPIPE || error_status == UV_ECONNRESET) << uv_err_name(error_status);
  EXPECT_EQ(written, 1) << "a failed write still lifts the backpressure";
  a.close();
}

TEST_F(StreamTest, ReadErrorIsReportedAsTheEnd) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  int ends = 0, end_status = 0;
  ASSERT_EQ(a.start_reading([](std::string_view) {},
                            [&](int status) {
                              ++ends;
                              end_status = status;
                              a.close();
                            }),
            0);
  // A Unix socket closed with unread data resets its peer.
  ASSERT_EQ(a.write("unread"), 0);
  b.close();
  loop.run();
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(end_status, UV_ECONNRESET) << uv_err_name(end_status);
}

TEST_F(StreamTest, PauseHoldsDataBackUntilResume) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  EXPECT_EQ(b.pause(), 0);  // not reading yet: nothing to pause
  EXPECT_FALSE(b.paused());
  std::string received;
  int ends = 0;
  ASSERT_EQ(b.start_reading([&](std::string_view data) { received += data; },
                            [&](int) {
                              ++ends;
                              b.close();
                            }),
            0);
  EXPECT_EQ(b.pause(), 0);
  EXPECT_TRUE(b.paused());
  ASSERT_EQ(a.write("held"), 0);  // in b's socket buffer at once
  for (int i = 0; i < 3; ++i) uv_run(loop.get(), UV_RUN_NOWAIT);
  EXPECT_EQ(received, "");
  EXPECT_EQ(b.resume(), 0);
  EXPECT_FALSE(b.paused());
  a.close();
  loop.run();
  EXPECT_EQ(received, "held");
  EXPECT_EQ(ends, 1);
}

TEST_F(StreamTest, CloseFromTheDataCallbackEndsDelivery) {
  Loop loop;
  Stream a, b;
  LoopCheck check(loop);
  ASSERT_NO_FATAL_FAILURE(open_pair(loop, a, b));
  int data_calls = 0, ends = 0;
  ASSERT_EQ(b.start_reading(
                [&](std::string_view) {
                  ++data_calls;
                  b.close();
                },
                [&](int) { ++ends; }),
            0);
  ASSERT_EQ(a.write("one"), 0);
  a.close();  // the end of the stream is pending behind the data
  loop.run();
  EXPECT_EQ(data_calls, 1);
  EXPECT_EQ(ends, 0);
  EXPECT_FALSE(b.is_open());
}

}  // namespace
}  // namespace s2j
