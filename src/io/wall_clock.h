// The time of day, for records that people read (trace lines).
#pragma once

#include <string>

namespace s2j {

// RFC 3339 in UTC with microseconds: "2026-11-25T04:00:00.123456Z".
std::string rfc3339_now();

}  // namespace s2j
