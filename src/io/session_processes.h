// The processes of a session (setsid): what a detached child and everything it started became.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace s2j {

struct ProcessInfo {
  pid_t pid = 0;
  std::string name;  // the command name from /proc/<pid>/stat
};

// The live processes (zombies excluded) whose session id is `sid`, from /proc.
std::vector<ProcessInfo> processes_in_session(pid_t sid);

}  // namespace s2j
