#include "io_test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace s2j::io_test {

LoopCheck::LoopCheck(Loop& loop) : loop_(loop) {
  EXPECT_EQ(loop_.init_status(), 0);
  if (uv_timer_init(loop_.get(), &guard_) != 0) {
    ADD_FAILURE() << "cannot start the guard timer";
    return;
  }
  guarding_ = true;
  guard_.data = this;
  const int status = uv_timer_start(
      &guard_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<LoopCheck*>(timer->data);
        self->guard_fired_ = true;
        ADD_FAILURE() << "the loop still ran after " << kGuardMs / 1000 << " s";
        uv_stop(timer->loop);
      },
      kGuardMs, 0);
  EXPECT_EQ(status, 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&guard_));
}

LoopCheck::~LoopCheck() {
  if (guarding_) uv_close(reinterpret_cast<uv_handle_t*>(&guard_), nullptr);
  // One more turn finishes the closes the test asked for after its last run.
  uv_run(loop_.get(), UV_RUN_NOWAIT);
  std::vector<std::string> open;
  uv_walk(
      loop_.get(),
      [](uv_handle_t* handle, void* names) {
        static_cast<std::vector<std::string>*>(names)->emplace_back(uv_handle_type_name(handle->type));
      },
      &open);
  std::string listed;
  for (const std::string& name : open) listed += " " + name;
  EXPECT_TRUE(open.empty()) << "handles left open:" << listed;
  // Closes what was left open (while its owners still exist) and the loop itself.
  EXPECT_EQ(loop_.close(), static_cast<int>(open.size())) << "libuv would not close the loop";
}

TempDir::TempDir() {
  char pattern[] = "/tmp/s2j-io-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "kept %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int open_report_pipe(Loop& loop, Stream& reader) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  if (!set_cloexec(fds[1], false) || reader.open_fd(loop.get(), fds[0]) != 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return -1;
  }
  return fds[1];
}

bool set_cloexec(int fd, bool on) {
  const int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return false;
  return fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) == 0;
}

}  // namespace s2j::io_test
