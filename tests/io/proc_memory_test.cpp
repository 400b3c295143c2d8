// read_process_memory: this process's resident and shared memory, and zeros when there is none.
#include "io/proc_memory.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <memory>

namespace s2j {
namespace {

TEST(ProcMemoryTest, OwnResidentMemoryIsPlausible) {
  const ProcessMemory own = read_process_memory(0);
  EXPECT_GT(own.res_kib, 1024) << "a test program takes more than a MiB";
  EXPECT_LT(own.res_kib, 16LL << 20) << "and less than 16 GiB";
  EXPECT_GT(own.shared_kib, 0);
  EXPECT_LE(own.shared_kib, own.res_kib);
}

TEST(ProcMemoryTest, OwnPidReadsTheSameProcess) {
  const ProcessMemory by_pid = read_process_memory(getpid());
  const ProcessMemory own = read_process_memory(0);
  EXPECT_GT(by_pid.res_kib, 0);
  // Between the two reads only this test's own allocations happen.
  EXPECT_NEAR(static_cast<double>(by_pid.res_kib), static_cast<double>(own.res_kib), 4096);
}

TEST(ProcMemoryTest, ResidentMemoryGrowsWithTouchedPages) {
  const ProcessMemory before = read_process_memory(0);
  constexpr size_t kBytes = 64 << 20;
  std::unique_ptr<char[]> block(new char[kBytes]);
  std::memset(block.get(), 1, kBytes);  // touched: resident now
  const ProcessMemory after = read_process_memory(0);
  EXPECT_GE(after.res_kib - before.res_kib, static_cast<int64_t>(kBytes / 1024 / 2));
  EXPECT_EQ(block[kBytes - 1], 1);  // keeps the writes from being optimised away
}

TEST(ProcMemoryTest, MissingProcessReadsAsZeros) {
  const ProcessMemory none = read_process_memory(INT_MAX);  // above any pid_max
  EXPECT_EQ(none.res_kib, 0);
  EXPECT_EQ(none.shared_kib, 0);
}

}  // namespace
}  // namespace s2j
