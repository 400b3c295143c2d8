// ChildProcess: spawning, the exit status or signal, stdin and stdout as pipes, the environment, and
// signals to the child or to the whole session of a detached one.
#include "io/child_process.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

struct Exit {
  int calls = 0;
  int64_t status = -1;
  int signal = -1;
};

// Records the exit. The child is closed only after the loop has run: closing it here could close
// its stdout before the loop has read what the child wrote last.
ChildProcess::ExitCallback recorder(ChildProcess& child, Exit& exit) {
  return [&child, &exit](int64_t status, int signal) {
    ++exit.calls;
    exit.status = status;
    exit.signal = signal;
    EXPECT_FALSE(child.running());
  };
}

TEST(ChildProcessTest, ReportsTheExitStatus) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  ASSERT_EQ(child.spawn(loop.get(), {"sh", "-c", "exit 7"}, {}, recorder(child, exit)), 0);
  EXPECT_TRUE(child.running());
  EXPECT_GT(child.pid(), 0);
  loop.run();
  child.close();
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 7);
  EXPECT_EQ(exit.signal, 0);
}

TEST(ChildProcessTest, ReportsTheSignalThatEndedIt) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  ASSERT_EQ(child.spawn(loop.get(), {"sleep", "300"}, {}, recorder(child, exit)), 0);
  EXPECT_EQ(child.kill(SIGTERM), 0);
  loop.run();
  child.close();
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 0);
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_EQ(child.kill(SIGTERM), UV_ESRCH) << "it is gone";
}

TEST(ChildProcessTest, ReportsASignalItSentItself) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  ASSERT_EQ(child.spawn(loop.get(), {"sh", "-c", "kill -KILL $$"}, {}, recorder(child, exit)), 0);
  loop.run();
  child.close();
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.signal, SIGKILL);
}

TEST(ChildProcessTest, ClosingStdinIsTheEndOfInputForTheChild) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  std::string output;
  int ends = 0, end_status = 0;
  ASSERT_EQ(child.spawn(loop.get(), {"cat"}, {}, recorder(child, exit)), 0);
  ASSERT_EQ(child.out().start_reading([&](std::string_view data) { output += data; },
                                      [&](int status) {
                                        ++ends;
                                        end_status = status;
                                        child.out().close();
                                      }),
            0);
  std::string line = "echoed\n";
  ASSERT_EQ(child.in().write(line), 0);
  child.in().close();  // cat ends only when it reads the end of its input
  loop.run();
  child.close();
  EXPECT_EQ(output, "echoed\n");
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(end_status, UV_EOF);
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 0);
  EXPECT_EQ(exit.signal, 0);
}

TEST(ChildProcessTest, ShuttingStdinDownIsTheEndOfInputForTheChild) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  std::string output;
  int shutdowns = 0;
  ASSERT_EQ(child.spawn(loop.get(), {"sh", "-c", "wc -c | tr -d ' '"}, {}, recorder(child, exit)), 0);
  ASSERT_EQ(
      child.out().start_reading([&](std::string_view data) { output += data; }, [&](int) { child.out().close(); }), 0);
  std::string bytes(100000, 'x');
  ASSERT_EQ(child.in().write(bytes), 0);
  child.in().shutdown([&](int status) {
    ++shutdowns;
    EXPECT_EQ(status, 0);
    child.in().close();
  });
  loop.run();
  child.close();
  EXPECT_EQ(shutdowns, 1);
  EXPECT_EQ(output, "100000\n");
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 0);
}

TEST(ChildProcessTest, EnvironmentIsAddedToAndReplaced) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  std::string output;
  ASSERT_EQ(child.spawn(loop.get(), {"sh", "-c", "printf '%s|%s|' \"$S2J_IO_TEST\" \"$HOME\"; env | grep -c '^HOME='"},
                        {"S2J_IO_TEST=added", "HOME=/replaced"}, recorder(child, exit)),
            0);
  ASSERT_EQ(
      child.out().start_reading([&](std::string_view data) { output += data; }, [&](int) { child.out().close(); }), 0);
  loop.run();
  child.close();
  EXPECT_EQ(output, "added|/replaced|1\n");  // HOME once: replaced, not added twice
  EXPECT_EQ(exit.status, 0);
}

TEST(ChildProcessTest, SpawnFailureIsReportedAndClosesClean) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  int exits = 0;
  EXPECT_EQ(child.spawn(loop.get(), {"/nonexistent/s2j-io-test"}, {}, [&](int64_t, int) { ++exits; }), UV_ENOENT);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.kill(SIGTERM), UV_ESRCH);
  child.close();  // the pipes and the process handle were opened all the same
  loop.run();
  EXPECT_EQ(exits, 0);
}

TEST(ChildProcessTest, UnspawnedChildHasNothingToSignal) {
  ChildProcess child;
  EXPECT_EQ(child.kill(SIGTERM), UV_ESRCH);
  EXPECT_EQ(child.kill_group(SIGTERM), UV_ESRCH);
  EXPECT_FALSE(child.running());
}

TEST(ChildProcessTest, ChildWithPipesHasNoGroupOfItsOwn) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  Exit exit;
  ASSERT_EQ(child.spawn(loop.get(), {"sleep", "300"}, {}, recorder(child, exit)), 0);
  EXPECT_EQ(child.kill_group(0), UV_ESRCH) << "it shares this process's group";
  EXPECT_EQ(child.kill(SIGKILL), 0);
  loop.run();
  child.close();
  EXPECT_EQ(exit.signal, SIGKILL);
}

TEST(ChildProcessTest, KillGroupReachesEveryProcessOfADetachedChild) {
  Loop loop;
  ChildProcess child;
  Stream report;
  LoopCheck check(loop);
  Exit exit;
  const int report_fd = io_test::open_report_pipe(loop, report);
  ASSERT_GE(report_fd, 0);
  // The shell starts a second process that would outlive it by far, then says so.
  const int spawned = child.spawn(loop.get(), {"bash", "-c", "sleep 300 & echo started >&$S2J_REPORT_FD; wait"},
                                  {"S2J_REPORT_FD=" + std::to_string(report_fd)}, recorder(child, exit),
                                  ChildProcess::Stdio::kDetached);
  ::close(report_fd);
  ASSERT_EQ(spawned, 0);
  std::string said;
  int killed = -1, ends = 0;
  ASSERT_EQ(report.start_reading(
                [&](std::string_view data) {
                  said += data;
                  if (said == "started\n") killed = child.kill_group(SIGTERM);
                },
                [&](int status) {
                  // Every process holding the write end is gone, the background sleep too.
                  ++ends;
                  EXPECT_EQ(status, UV_EOF);
                  report.close();
                }),
            0);
  loop.run();
  child.close();
  if (check.guard_fired()) child.kill_group(SIGKILL);
  EXPECT_EQ(said, "started\n");
  EXPECT_EQ(killed, 0);
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.signal, SIGTERM);
}

}  // namespace
}  // namespace s2j
