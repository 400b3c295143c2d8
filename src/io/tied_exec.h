// The launcher's half of tying a child to its parent (io/parent_death.h): the kernel is asked to
// SIGKILL this process when its parent dies (PR_SET_PDEATHSIG, kept across exec), then the command is
// exec'd under this PID. Plain libc, no C++ runtime: spectrum2_json_launcher is this and a main.
#pragma once

namespace s2j {

constexpr const char kLauncherFlag[] = "--launch-tied-to-parent";

// argv: program, kLauncherFlag, parent pid, path, the command's argv. Returns false at once when argv
// is not a launcher's; otherwise never returns: it execs the command, or reports on stderr and exits
// 127, or exits 128+SIGKILL when the parent died before the tie took effect.
bool exec_tied_to_parent(int argc, char** argv);

}  // namespace s2j
