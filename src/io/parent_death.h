// Children that die with their parent. libuv runs no code between fork and exec, so a child is
// started through this program's own executable in launcher mode: the launcher asks the kernel to
// SIGKILL it when its parent dies (PR_SET_PDEATHSIG, kept across exec) and then execs the real
// command, keeping its PID. A SIGKILLed parent thus leaves no child behind.
#pragma once

#include <string>
#include <vector>

namespace s2j {

// The argv that starts `argv` (argv[0] found at `path`) through the launcher.
std::vector<std::string> launch_tied_to_this_process(const std::vector<std::string>& argv, const std::string& path);

// Called first in main: when this process is a launcher, it execs the command and never returns
// (on failure it reports on stderr and exits 127); otherwise it returns at once.
void run_launcher_if_asked(int argc, char** argv);

}  // namespace s2j
