// processes_in_session: the live processes of a session, found in /proc.
#include "io/session_processes.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <csignal>
#include <fstream>

#include "io/child_process.h"
#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

const ProcessInfo* find(const std::vector<ProcessInfo>& processes, pid_t pid) {
  for (const ProcessInfo& p : processes)
    if (p.pid == pid) return &p;
  return nullptr;
}

TEST(SessionProcessesTest, OwnSessionHoldsThisProcess) {
  std::string comm;
  std::getline(std::ifstream("/proc/self/comm"), comm);
  const std::vector<ProcessInfo> found = processes_in_session(getsid(0));
  const ProcessInfo* self = find(found, getpid());
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->name, comm);
}

TEST(SessionProcessesTest, UnknownSessionIsEmpty) { EXPECT_TRUE(processes_in_session(INT_MAX).empty()); }

// A forked child that names itself, says so on a pipe, and waits to be killed.
class NamedChild {
 public:
  explicit NamedChild(const char* name) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_NAME, name);
      const char ready = 1;
      if (write(fds[1], &ready, 1) == 1) pause();
      _exit(0);
    }
    ::close(fds[1]);
    pollfd readable{fds[0], POLLIN, 0};
    char ready = 0;
    ready_ = pid_ > 0 && poll(&readable, 1, static_cast<int>(io_test::kGuardMs)) == 1 && read(fds[0], &ready, 1) == 1;
    ::close(fds[0]);
  }
  ~NamedChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }
  // Kills it and waits until it is a zombie, leaving it unreaped.
  bool make_zombie() {
    siginfo_t info{};
    return kill(pid_, SIGKILL) == 0 && waitid(P_PID, pid_, &info, WEXITED | WNOWAIT) == 0;
  }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
};

TEST(SessionProcessesTest, NameWithSpacesAndParenthesesIsReadWhole) {
  NamedChild child("a) (b c");
  ASSERT_TRUE(child.ready());
  const std::vector<ProcessInfo> found = processes_in_session(getsid(0));
  const ProcessInfo* named = find(found, child.pid());
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(named->name, "a) (b c");
}

TEST(SessionProcessesTest, ZombiesAreLeftOut) {
  NamedChild child("s2j-zombie");
  ASSERT_TRUE(child.ready());
  const std::vector<ProcessInfo> alive = processes_in_session(getsid(0));
  EXPECT_NE(find(alive, child.pid()), nullptr);
  ASSERT_TRUE(child.make_zombie());
  const std::vector<ProcessInfo> dead = processes_in_session(getsid(0));
  EXPECT_EQ(find(dead, child.pid()), nullptr);
}

TEST(SessionProcessesTest, DetachedChildAndWhatItStarted) {
  Loop loop;
  ChildProcess child;
  Stream report;
  LoopCheck check(loop);
  const int report_fd = io_test::open_report_pipe(loop, report);
  ASSERT_GE(report_fd, 0);
  const int spawned = child.spawn(
      loop.get(), {"bash", "-c", "sleep 300 & echo started >&$S2J_REPORT_FD; wait"},
      {"S2J_REPORT_FD=" + std::to_string(report_fd)}, [](int64_t, int) {}, ChildProcess::Stdio::kDetached);
  ::close(report_fd);
  ASSERT_EQ(spawned, 0);
  std::string said;
  std::vector<ProcessInfo> found;
  ASSERT_EQ(report.start_reading(
                [&](std::string_view data) {
                  said += data;
                  if (said != "started\n") return;
                  found = processes_in_session(child.pid());
                  EXPECT_EQ(child.kill_group(SIGKILL), 0);
                },
                [&](int) { report.close(); }),
            0);
  loop.run();
  child.close();
  EXPECT_EQ(said, "started\n");
  ASSERT_EQ(found.size(), 2u) << "the shell and its background job";
  const ProcessInfo* leader = find(found, child.pid());
  ASSERT_NE(leader, nullptr);
  EXPECT_EQ(leader->name, "bash");
  EXPECT_EQ(find(found, getpid()), nullptr);
}

}  // namespace
}  // namespace s2j
