#include "io/session_processes.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace s2j {

std::vector<ProcessInfo> processes_in_session(pid_t sid) {
  std::vector<ProcessInfo> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  for (dirent* entry = readdir(proc); entry != nullptr; entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || end == entry->d_name) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) continue;
    // "pid (comm) state ppid pgrp session …"; comm may hold spaces and parentheses.
    const size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::istringstream rest(text.substr(close + 1));
    char state = 0;
    long ppid = 0, pgrp = 0, session = 0;
    if (!(rest >> state >> ppid >> pgrp >> session)) continue;
    if (session == sid && state != 'Z')
      found.push_back(ProcessInfo{static_cast<pid_t>(pid), text.substr(open + 1, close - open - 1)});
  }
  closedir(proc);
  return found;
}

}  // namespace s2j
