#include "core/trace.h"

#include <nlohmann/json.hpp>

#include "core/json_translator.h"

namespace s2j {

std::string_view trace_dir_name(TraceDir dir) {
  switch (dir) {
    case TraceDir::kSpectrumToBridge:
      return "spectrum>bridge";
    case TraceDir::kBridgeToSpectrum:
      return "bridge>spectrum";
    case TraceDir::kBridgeToChild:
      return "bridge>child";
    case TraceDir::kChildToBridge:
      return "child>bridge";
  }
  return "?";
}

std::string format_trace_line(std::string_view timestamp, TraceDir dir, std::string_view msg_json) {
  std::string line;
  line.reserve(msg_json.size() + 64);
  line.append("{\"ts\":\"").append(timestamp).append("\",\"dir\":\"").append(trace_dir_name(dir));
  line.append("\",\"msg\":").append(msg_json).append("}\n");
  return line;
}

std::string redact_for_trace(std::string_view msg_json) {
  if (msg_json.find("password\\\"") == std::string_view::npos &&
      msg_json.find("\"password\"") == std::string_view::npos)
    return std::string(msg_json);
  nlohmann::json j = parse_json(msg_json);
  if (j.is_discarded()) return nlohmann::json("(unparsable line with a password field)").dump();
  redact_passwords(j);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace s2j
