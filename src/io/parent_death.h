// Children that die with their parent. libuv runs no code between fork and exec, so a child is
// started through a launcher: it asks the kernel to SIGKILL it when its parent dies
// (PR_SET_PDEATHSIG, kept across exec) and then execs the real command, keeping its PID
// (io/tied_exec.h). A SIGKILLed parent thus leaves no child behind. The launcher is the small
// program spectrum2_json_launcher, installed with the bridge; where it is missing, this process's
// own executable in launcher mode does the same, only slower to start.
#pragma once

#include <string>
#include <vector>

namespace s2j {

// This executable as the launcher: it still names it when its file was replaced (a package upgrade).
constexpr const char kSelfLauncher[] = "/proc/self/exe";
constexpr const char kLauncherName[] = "spectrum2_json_launcher";

// This process's executable as a path ("" when /proc cannot tell).
std::string this_executable();

// The launcher program that belongs to the executable `self`: kLauncherName in the first of
// `relative_dirs` (relative to `self`'s directory) that holds it as an executable file, or "".
std::string find_launcher(const std::string& self, const std::vector<std::string>& relative_dirs);

// The argv that starts `argv` (argv[0] found at `path`) through `launcher`: a launcher program's
// path, or kSelfLauncher.
std::vector<std::string> launch_tied_to_this_process(const std::vector<std::string>& argv, const std::string& path,
                                                     const std::string& launcher = kSelfLauncher);

// Called first in main: when this process is a launcher, it execs the command and never returns
// (on failure it reports on stderr and exits 127); otherwise it returns at once.
void run_launcher_if_asked(int argc, char** argv);

}  // namespace s2j
