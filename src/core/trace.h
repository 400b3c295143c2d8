// The traffic trace: one JSON line per message, {"ts":…,"dir":…,"msg":{…}}, passwords redacted.
#pragma once

#include <string>
#include <string_view>

namespace s2j {

enum class TraceDir { kSpectrumToBridge, kBridgeToSpectrum, kBridgeToChild, kChildToBridge };

std::string_view trace_dir_name(TraceDir dir);

// `msg_json` must be one JSON value; the returned line ends with "\n".
std::string format_trace_line(std::string_view timestamp, TraceDir dir, std::string_view msg_json);

// `msg_json` with every "password" value replaced by "***" (returned unchanged when it has none).
std::string redact_for_trace(std::string_view msg_json);

// Where the bridge core sends trace records; the shell adds the timestamp and writes them.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void record(TraceDir dir, std::string_view msg_json) = 0;
};

}  // namespace s2j
