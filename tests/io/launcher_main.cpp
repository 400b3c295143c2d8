// io_launcher_helper: a parent for the parent-death tests. The launcher is the running program's own
// executable, which io_tests (main from GoogleTest) cannot be; this program can.
//
//   io_launcher_helper tie COMMAND [ARG...]
//     starts COMMAND tied to this process, writes its pid and a newline on stdout once COMMAND runs
//     (the launcher has exec'd it), then waits for it. Exits 1 when it cannot start it.
// Started with the launcher's arguments (launch_tied_to_this_process), it is the launcher.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "io/child_process.h"
#include "io/executable_path.h"
#include "io/loop.h"
#include "io/parent_death.h"
#include "io/stream.h"

namespace {

// The launcher keeps this descriptor open across its own start and closes it with the exec of the
// command: the parent reading the other end sees its end once the command runs. The kernel lets go
// of descriptors closed on exec only as the exec returns, so by then the command has its new name.
constexpr const char* kExecReportVariable = "S2J_EXEC_REPORT_FD";

int tie(const std::vector<std::string>& command) {
  std::string path;
  const int missing = s2j::find_executable(command[0], path);
  if (missing != 0) {
    std::fprintf(stderr, "io_launcher_helper: %s: %s\n", command[0].c_str(), std::strerror(missing));
    return 1;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, 0) != 0) return 1;

  s2j::Loop loop;
  s2j::ChildProcess child;
  s2j::Stream report;
  int status = report.open_fd(loop.get(), fds[0]);
  if (status == 0)
    status = child.spawn(loop.get(), s2j::launch_tied_to_this_process(command, path),
                         {std::string(kExecReportVariable) + "=" + std::to_string(fds[1])},
                         [&](int64_t, int) { child.close(); });
  ::close(fds[1]);
  if (status != 0) {
    std::fprintf(stderr, "io_launcher_helper: cannot spawn: %s\n", uv_strerror(status));
    return 1;
  }
  // The child's stdin stays open: a command reading it must not see its end while this process lives.
  status = report.start_reading([](std::string_view) {},
                                [&](int) {
                                  report.close();
                                  std::printf("%d\n", child.pid());
                                  std::fflush(stdout);
                                });
  if (status != 0) return 1;
  loop.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* fd = std::getenv(kExecReportVariable)) fcntl(std::atoi(fd), F_SETFD, FD_CLOEXEC);
  s2j::run_launcher_if_asked(argc, argv);
  if (argc >= 3 && std::strcmp(argv[1], "tie") == 0) return tie(std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(stderr, "usage: %s tie COMMAND [ARG...]\n", argv[0]);
  return 2;
}
