// Memory figures of a process from /proc/<pid>/statm, in KiB (resident and shared pages times the
// page size), the figures Spectrum's C++ backends report in STATS.
#pragma once

#include <cstdint>

namespace s2j {

struct ProcessMemory {
  int64_t res_kib = 0;
  int64_t shared_kib = 0;
};

// Zeros when it cannot be read. pid 0 = this process.
ProcessMemory read_process_memory(int pid);

}  // namespace s2j
