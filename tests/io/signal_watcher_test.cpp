// SignalWatcher: a signal raised in this process reaches the watcher of that signal, and only it.
#include "io/signal_watcher.h"

#include <gtest/gtest.h>

#include <csignal>

#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

TEST(SignalWatcherTest, RaisedSignalReachesItsWatcher) {
  Loop loop;
  SignalWatcher usr1, usr2;
  LoopCheck check(loop);
  int usr1_calls = 0, usr2_calls = 0, received = 0;
  ASSERT_EQ(usr1.start(loop.get(), SIGUSR1, [&](int) { ++usr1_calls; }), 0);
  ASSERT_EQ(usr2.start(loop.get(), SIGUSR2,
                       [&](int signal) {
                         ++usr2_calls;
                         received = signal;
                         usr1.close();
                         usr2.close();
                       }),
            0);
  ASSERT_EQ(std::raise(SIGUSR2), 0);  // handled by libuv, delivered on the loop
  loop.run();
  EXPECT_EQ(usr2_calls, 1);
  EXPECT_EQ(received, SIGUSR2);
  EXPECT_EQ(usr1_calls, 0);
}

TEST(SignalWatcherTest, EachRaiseIsDelivered) {
  Loop loop;
  SignalWatcher watcher;
  LoopCheck check(loop);
  int calls = 0;
  ASSERT_EQ(watcher.start(loop.get(), SIGUSR1,
                          [&](int) {
                            // Raised again from the callback: the loop delivers it on a later turn.
                            if (++calls < 3) {
                              EXPECT_EQ(std::raise(SIGUSR1), 0);
                            } else {
                              watcher.close();
                            }
                          }),
            0);
  ASSERT_EQ(std::raise(SIGUSR1), 0);
  loop.run();
  EXPECT_EQ(calls, 3);
}

TEST(SignalWatcherTest, InvalidSignalIsReportedAndClosesClean) {
  Loop loop;
  SignalWatcher watcher;
  LoopCheck check(loop);
  EXPECT_EQ(watcher.start(loop.get(), 0, [](int) {}), UV_EINVAL);
  watcher.close();
  loop.run();
}

}  // namespace
}  // namespace s2j
