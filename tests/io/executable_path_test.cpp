// find_executable: a name with a '/' taken as it is, others searched on PATH as execvp does, and the
// reason (ENOENT or EACCES) when nothing can be run.
#include "io/executable_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::TempDir;

constexpr const char* kUntouched = "untouched";

// A file at `path` with permissions `mode`; a directory when `mode` is 0.
bool make(const std::string& path, mode_t mode) {
  if (mode == 0) return std::filesystem::create_directories(path);
  std::ofstream(path) << "#!/bin/sh\n";
  return chmod(path.c_str(), mode) == 0;
}

// PATH for one test, and back to what it was (or unset) afterwards.
class ScopedPath {
 public:
  explicit ScopedPath(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("PATH")) saved_ = old;
    if (value) {
      setenv("PATH", value->c_str(), 1);
    } else {
      unsetenv("PATH");
    }
  }
  ~ScopedPath() {
    if (saved_) {
      setenv("PATH", saved_->c_str(), 1);
    } else {
      unsetenv("PATH");
    }
  }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;

 private:
  std::optional<std::string> saved_;
};

// The working directory for one test, and back afterwards.
class ScopedWorkingDirectory {
 public:
  explicit ScopedWorkingDirectory(const std::string& dir) : saved_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedWorkingDirectory() { std::filesystem::current_path(saved_); }
  ScopedWorkingDirectory(const ScopedWorkingDirectory&) = delete;
  ScopedWorkingDirectory& operator=(const ScopedWorkingDirectory&) = delete;

 private:
  std::filesystem::path saved_;
};

int find(const std::string& name, std::string& path) {
  path = kUntouched;
  return find_executable(name, path);
}

TEST(ExecutablePathTest, PathWithASlashIsTakenAsItIs) {
  TempDir dir;
  const std::string tool = dir.path() + "/tool";
  ASSERT_TRUE(make(tool, 0755));
  ScopedPath path_variable(std::string("/nonexistent"));  // not searched: the name has a '/'
  std::string path;
  EXPECT_EQ(find(tool, path), 0);
  EXPECT_EQ(path, tool);
}

TEST(ExecutablePathTest, MissingFileIsENOENT) {
  TempDir dir;
  const std::string file = dir.path() + "/file";
  ASSERT_TRUE(make(file, 0755));
  std::string path;
  EXPECT_EQ(find(dir.path() + "/missing", path), ENOENT);
  EXPECT_EQ(path, kUntouched);
  EXPECT_EQ(find(file + "/below-a-file", path), ENOENT) << "a file taken for a directory is no directory";
  EXPECT_EQ(path, kUntouched);
  EXPECT_EQ(find("", path), ENOENT);
  EXPECT_EQ(path, kUntouched);
}

TEST(ExecutablePathTest, FileWithoutExecutePermissionIsEACCES) {
  TempDir dir;
  const std::string file = dir.path() + "/file";
  ASSERT_TRUE(make(file, 0644));  // no execute bit: refused even to root
  std::string path;
  EXPECT_EQ(find(file, path), EACCES);
  EXPECT_EQ(path, kUntouched);
}

TEST(ExecutablePathTest, DirectoryIsEACCES) {
  TempDir dir;
  std::string path;
  EXPECT_EQ(find(dir.path(), path), EACCES) << "searchable, but no file to run";
  EXPECT_EQ(path, kUntouched);
}

TEST(ExecutablePathTest, SearchTakesTheFirstDirectoryThatHasIt) {
  TempDir dir;
  const std::string a = dir.path() + "/a", b = dir.path() + "/b", c = dir.path() + "/c";
  ASSERT_TRUE(make(a, 0) && make(b, 0) && make(c, 0));
  ASSERT_TRUE(make(b + "/tool", 0755) && make(c + "/tool", 0755));
  ScopedPath path_variable(a + ":" + b + ":" + c);
  std::string path;
  EXPECT_EQ(find("tool", path), 0);
  EXPECT_EQ(path, b + "/tool");
}

TEST(ExecutablePathTest, SearchSkipsWhatCannotBeRun) {
  TempDir dir;
  const std::string a = dir.path() + "/a", b = dir.path() + "/b", c = dir.path() + "/c";
  ASSERT_TRUE(make(a, 0) && make(b, 0) && make(c, 0));
  ASSERT_TRUE(make(a + "/tool", 0644) && make(b + "/tool", 0) && make(c + "/tool", 0755));
  const std::string not_a_directory = dir.path() + "/file";
  ASSERT_TRUE(make(not_a_directory, 0644));
  ScopedPath path_variable(not_a_directory + ":" + a + ":" + b + ":" + c);
  std::string path;
  EXPECT_EQ(find("tool", path), 0);
  EXPECT_EQ(path, c + "/tool");
}

TEST(ExecutablePathTest, OnlyCandidatesThatCannotBeRunIsEACCES) {
  TempDir dir;
  const std::string a = dir.path() + "/a", b = dir.path() + "/b", c = dir.path() + "/c";
  ASSERT_TRUE(make(a, 0) && make(b, 0) && make(c, 0));
  ASSERT_TRUE(make(a + "/tool", 0644) && make(b + "/tool", 0));
  ScopedPath path_variable(a + ":" + b + ":" + c);
  std::string path;
  EXPECT_EQ(find("tool", path), EACCES) << "found, but not runnable: not the same as missing";
  EXPECT_EQ(path, kUntouched);
  ScopedPath after_it(a + ":" + c + ":/nonexistent");
  EXPECT_EQ(find("tool", path), EACCES) << "directories after it that lack it change nothing";
}

TEST(ExecutablePathTest, NowhereOnPathIsENOENT) {
  TempDir dir;
  ScopedPath path_variable(dir.path() + ":/nonexistent");
  std::string path;
  EXPECT_EQ(find("s2j-io-test-no-such-command", path), ENOENT);
  EXPECT_EQ(path, kUntouched);
}

TEST(ExecutablePathTest, EmptyPathEntryIsTheWorkingDirectory) {
  TempDir dir;
  const std::string here = dir.path() + "/here", elsewhere = dir.path() + "/elsewhere";
  ASSERT_TRUE(make(here, 0) && make(elsewhere, 0));
  ASSERT_TRUE(make(here + "/tool", 0755));
  ScopedWorkingDirectory cwd(here);
  std::string path;
  for (const std::string& entries : {elsewhere + "::/nonexistent", ":" + elsewhere, elsewhere + ":", std::string()}) {
    ScopedPath path_variable(entries);
    EXPECT_EQ(find("tool", path), 0) << "PATH=" << entries;
    EXPECT_EQ(path, "./tool") << "PATH=" << entries;
  }
  ScopedPath without_empty_entry(elsewhere + ":/nonexistent");
  EXPECT_EQ(find("tool", path), ENOENT) << "the working directory only through an empty entry";
}

TEST(ExecutablePathTest, UnsetPathSearchesTheUsualDirectories) {
  ScopedPath path_variable(std::nullopt);
  std::string path;
  ASSERT_EQ(find("sh", path), 0);
  EXPECT_EQ(path.substr(path.size() - 3), "/sh");
  EXPECT_EQ(access(path.c_str(), X_OK), 0);
}

}  // namespace
}  // namespace s2j
