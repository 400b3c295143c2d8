#include "core/log.h"

namespace s2j {

namespace {
constexpr std::string_view kNames[] = {"error", "warn", "info", "debug"};
}

std::string_view log_level_name(LogLevel level) { return kNames[static_cast<int>(level)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (kNames[i] == name) return static_cast<LogLevel>(i);
  if (name == "warning") return LogLevel::kWarn;
  return std::nullopt;
}

}  // namespace s2j
