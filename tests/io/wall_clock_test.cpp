// rfc3339_now: the format, and a time between the two readings of the system clock around it.
#include "io/wall_clock.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

namespace s2j {
namespace {

// Whether `text` has the shape of `pattern`, where '9' stands for any digit.
bool shaped_like(const std::string& text, const std::string& pattern) {
  if (text.size() != pattern.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (pattern[i] == '9' ? !digit : text[i] != pattern[i]) return false;
  }
  return true;
}

TEST(WallClockTest, Rfc3339InUtcWithMicroseconds) {
  const std::string now = rfc3339_now();
  EXPECT_TRUE(shaped_like(now, "9999-99-99T99:99:99.999999Z")) << now;
}

// The same clock rfc3339_now reads: time() reads a coarser one that may lag a tick behind.
time_t realtime_seconds() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec;
}

TEST(WallClockTest, IsTheCurrentTime) {
  const time_t before = realtime_seconds();
  const std::string now = rfc3339_now();
  const time_t after = realtime_seconds();
  tm parsed{};
  ASSERT_NE(strptime(now.c_str(), "%Y-%m-%dT%H:%M:%S", &parsed), nullptr) << now;
  const time_t seconds = timegm(&parsed);
  EXPECT_GE(seconds, before);
  EXPECT_LE(seconds, after);
}

}  // namespace
}  // namespace s2j
