// Memory figures from /proc/<pid>/statm, in KiB, as the C++ reference backend reports them (§3.3).
#pragma once

#include "core/bridge.h"

namespace s2j {

// Resident and shared KiB of one process; zeros when it cannot be read.
MemoryStats read_process_memory(int pid);  // pid 0 = this process

}  // namespace s2j
