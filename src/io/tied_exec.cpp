#include "io/tied_exec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace s2j {

bool exec_tied_to_parent(int argc, char** argv) {
  if (argc < 5 || strcmp(argv[1], kLauncherFlag) != 0) return false;
  const pid_t parent = static_cast<pid_t>(atol(argv[2]));
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    fprintf(stderr, "cannot tie the child to its parent: %s\n", strerror(errno));
    _exit(127);
  }
  if (getppid() != parent) _exit(128 + SIGKILL);  // the parent died before the request took effect
  execvp(argv[3], argv + 4);
  fprintf(stderr, "cannot start child '%s': %s\n", argv[3], strerror(errno));
  _exit(127);
}

}  // namespace s2j
