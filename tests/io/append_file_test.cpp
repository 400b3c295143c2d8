// AppendFile: whole lines appended, the file's earlier content kept, errors as errno values, and a
// descriptor no child inherits.
#include "io/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io_test_support.h"

namespace s2j {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The descriptor this process holds on `path`, or -1.
int descriptor_of(const std::string& path) {
  const std::filesystem::path target = std::filesystem::canonical(path);
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ignored;
    if (std::filesystem::read_symlink(entry.path(), ignored) == target)
      return std::stoi(entry.path().filename().string());
  }
  return -1;
}

TEST(AppendFileTest, CreatesTheFileAndAppendsLines) {
  io_test::TempDir dir;
  const std::string path = dir.path() + "/trace.log";
  AppendFile file;
  EXPECT_FALSE(file.is_open());
  ASSERT_EQ(file.open(path), 0);
  EXPECT_TRUE(file.is_open());
  EXPECT_EQ(file.append("first\n"), 0);
  EXPECT_EQ(file.append("second\n"), 0);
  EXPECT_EQ(file.append(""), 0);
  EXPECT_EQ(read_file(path), "first\nsecond\n");  // there at once, nothing buffered
}

TEST(AppendFileTest, KeepsWhatTheFileHeld) {
  io_test::TempDir dir;
  const std::string path = dir.path() + "/trace.log";
  std::ofstream(path) << "earlier\n";
  {
    AppendFile file;
    ASSERT_EQ(file.open(path), 0);
    EXPECT_EQ(file.append("later\n"), 0);
  }
  AppendFile again;
  ASSERT_EQ(again.open(path), 0);
  EXPECT_EQ(again.append("last\n"), 0);
  EXPECT_EQ(read_file(path), "earlier\nlater\nlast\n");
}

TEST(AppendFileTest, OpenFailureIsAnErrnoValue) {
  io_test::TempDir dir;
  AppendFile file;
  EXPECT_EQ(file.open(dir.path() + "/missing/trace.log"), ENOENT);
  EXPECT_FALSE(file.is_open());
  EXPECT_EQ(file.append("lost\n"), EBADF);
}

TEST(AppendFileTest, FullDeviceReportsNoSpace) {
  AppendFile file;
  const int opened = file.open("/dev/full");
  if (opened == EACCES) GTEST_SKIP() << "/dev/full is not writable here";
  ASSERT_EQ(opened, 0);
  EXPECT_EQ(file.append("does not fit\n"), ENOSPC);
}

TEST(AppendFileTest, DescriptorIsCloseOnExec) {
  io_test::TempDir dir;
  const std::string path = dir.path() + "/trace.log";
  AppendFile file;
  ASSERT_EQ(file.open(path), 0);
  const int fd = descriptor_of(path);
  ASSERT_GE(fd, 0);
  const int flags = fcntl(fd, F_GETFD);
  ASSERT_GE(flags, 0);
  EXPECT_TRUE(flags & FD_CLOEXEC);
}

}  // namespace
}  // namespace s2j
