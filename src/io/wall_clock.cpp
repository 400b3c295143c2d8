#include "io/wall_clock.h"

#include <cstdio>
#include <ctime>

namespace s2j {

std::string rfc3339_now() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", now.tv_nsec / 1000);
  return buf;
}

}  // namespace s2j
