// spectrum2_json_launcher: how spectrum2_json_backend starts its child (and tap mode's backend) so
// that it dies with the bridge, even a SIGKILLed one (io/parent_death.h). A program of its own, on
// libc alone, because the bridge's executable in launcher mode would first load protobuf, libuv and
// the C++ runtime: several milliseconds before every child's start.
//
//   spectrum2_json_launcher --launch-tied-to-parent PARENT_PID PATH ARGV0 [ARG...]
#include <stdio.h>

#include "io/tied_exec.h"

int main(int argc, char** argv) {
  s2j::exec_tied_to_parent(argc, argv);  // returns only when argv is not a launcher's
  fprintf(stderr, "usage: spectrum2_json_launcher %s PARENT_PID PATH ARGV0 [ARG...] (spectrum2_json_backend runs it)\n",
          s2j::kLauncherFlag);
  return 127;
}
