// Leveled logging for the core: the core decides what to say, the shell decides where it goes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace s2j {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

std::string_view log_level_name(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view name);

class Logger {
 public:
  using Sink = std::function<void(LogLevel, std::string_view)>;

  Logger(LogLevel level, Sink sink) : level_(level), sink_(std::move(sink)) {}

  bool enabled(LogLevel level) const { return level <= level_; }
  void log(LogLevel level, std::string_view message) const {
    if (enabled(level) && sink_) sink_(level, message);
  }
  void error(std::string_view m) const { log(LogLevel::kError, m); }
  void warn(std::string_view m) const { log(LogLevel::kWarn, m); }
  void info(std::string_view m) const { log(LogLevel::kInfo, m); }
  void debug(std::string_view m) const { log(LogLevel::kDebug, m); }

 private:
  LogLevel level_;
  Sink sink_;
};

}  // namespace s2j
