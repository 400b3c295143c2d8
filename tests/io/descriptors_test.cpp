// close_inherited_descriptors_on_exec: what this process leaves open never reaches a child.
#include "io/descriptors.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "io/child_process.h"
#include "io/loop.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

// Open on /dev/null without close-on-exec: what a careless parent leaves behind.
int leaked_descriptor(int at_least = 0) {
  const int fd = open("/dev/null", O_RDONLY);
  if (fd < 0 || at_least == 0) return fd;
  const int high = fcntl(fd, F_DUPFD, at_least);  // F_DUPFD leaves close-on-exec off
  ::close(fd);
  return high;
}

std::set<int> descriptors_of(int pid) {
  std::set<int> fds;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec))
    fds.insert(std::stoi(entry.path().filename().string()));
  return fds;
}

TEST(DescriptorsTest, MarksEveryDescriptorAboveTheStandardOnes) {
  const int low = leaked_descriptor(), high = leaked_descriptor(200);
  ASSERT_GE(low, 3);
  ASSERT_GE(high, 200);
  int standard[3];
  for (int fd = 0; fd < 3; ++fd) standard[fd] = fcntl(fd, F_GETFD);
  EXPECT_EQ(fcntl(low, F_GETFD) & FD_CLOEXEC, 0);

  EXPECT_EQ(close_inherited_descriptors_on_exec(), 0);
  EXPECT_NE(fcntl(low, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_NE(fcntl(high, F_GETFD) & FD_CLOEXEC, 0);
  for (int fd = 0; fd < 3; ++fd) EXPECT_EQ(fcntl(fd, F_GETFD), standard[fd]) << "descriptor " << fd << " changed";
  ::close(low);
  ::close(high);
}

TEST(DescriptorsTest, ChildSeesOnlyItsStandardDescriptors) {
  const int leaked = leaked_descriptor();
  ASSERT_GE(leaked, 3);
  ASSERT_EQ(close_inherited_descriptors_on_exec(), 0);

  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  // The child answers once it runs its own code: the dynamic loader's descriptors are closed by then.
  ASSERT_EQ(child.spawn(loop.get(), {"sh", "-c", "read line; echo ready; read line; exit 0"}, {}, [](int64_t, int) {}),
            0);
  std::string said;
  std::set<int> seen;
  ASSERT_EQ(child.out().start_reading(
                [&](std::string_view data) {
                  said += data;
                  if (said != "ready\n") return;
                  seen = descriptors_of(child.pid());
                  child.in().close();  // the second read ends, and so does the child
                },
                [&](int) { child.out().close(); }),
            0);
  ASSERT_EQ(child.in().write("go\n"), 0);
  loop.run();
  child.close();
  ::close(leaked);
  EXPECT_EQ(said, "ready\n");
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2}));
}

}  // namespace
}  // namespace s2j
