#include "io/proc_memory.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace s2j {

ProcessMemory read_process_memory(int pid) {
  const std::string path = pid == 0 ? "/proc/self/statm" : "/proc/" + std::to_string(pid) + "/statm";
  ProcessMemory stats;
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return stats;
  long long size = 0, resident = 0, shared = 0;
  if (std::fscanf(f, "%lld %lld %lld", &size, &resident, &shared) == 3) {
    const long long page_kib = sysconf(_SC_PAGESIZE) / 1024;
    stats.res_kib = resident * page_kib;
    stats.shared_kib = shared * page_kib;
  }
  std::fclose(f);
  return stats;
}

}  // namespace s2j
