#include "sim/report.h"

#include "core/json_text.h"

namespace s2j {

namespace {

struct Look {
  const char* prefix;
  const char* color;
};

Look look(SimReport::Kind kind) {
  switch (kind) {
    case SimReport::Kind::kSent:
      return {"> ", "\033[32m"};
    case SimReport::Kind::kReceived:
      return {"< ", "\033[36m"};
    case SimReport::Kind::kPing:
      return {"> ", "\033[2m"};
    case SimReport::Kind::kPong:
      return {"< ", "\033[2m"};
    case SimReport::Kind::kFinding:
      return {"! ", "\033[33m"};
    case SimReport::Kind::kFailure:
      return {"x ", "\033[1;31m"};
    case SimReport::Kind::kExpectMet:
      return {"= ", "\033[32m"};
    case SimReport::Kind::kInfo:
      return {"# ", "\033[2m"};
    case SimReport::Kind::kAsRecorded:
      return {"= ", "\033[32m"};
    case SimReport::Kind::kDifference:
      return {"x ", "\033[1;31m"};
    case SimReport::Kind::kResult:
      return {"# ", "\033[1m"};
  }
  return {"", ""};
}

nlohmann::ordered_json as_object(const SimReport& e) {
  using J = nlohmann::ordered_json;
  switch (e.kind) {
    case SimReport::Kind::kSent:
    case SimReport::Kind::kPing:
      return J{{"sent", e.message}};
    case SimReport::Kind::kReceived:
    case SimReport::Kind::kPong:
      return J{{"received", e.message}};
    case SimReport::Kind::kFinding: {
      J j{{"finding", e.text}};
      if (!e.message.is_null()) j["msg"] = e.message;
      return j;
    }
    case SimReport::Kind::kFailure: {
      J j{{"failure", e.text}};
      if (!e.message.is_null()) j["expect"] = e.message;
      if (e.line > 0) j["line"] = e.line;
      return j;
    }
    case SimReport::Kind::kExpectMet:
      return J{{"expect", e.message}, {"met", true}, {"line", e.line}};
    case SimReport::Kind::kInfo:
      return J{{"info", e.text}};
    case SimReport::Kind::kAsRecorded:
    case SimReport::Kind::kDifference: {
      J j{{e.kind == SimReport::Kind::kAsRecorded ? "as_recorded" : "difference", e.text}};
      if (e.message.is_object())
        for (auto it = e.message.begin(); it != e.message.end(); ++it) j[it.key()] = it.value();
      return j;
    }
    case SimReport::Kind::kResult: {
      J j = e.message.is_object() ? e.message : J::object();
      return j;
    }
  }
  return J::object();
}

std::string human_text(const SimReport& e) {
  switch (e.kind) {
    case SimReport::Kind::kSent:
    case SimReport::Kind::kReceived:
    case SimReport::Kind::kPing:
    case SimReport::Kind::kPong:
      return json_text(e.message);
    case SimReport::Kind::kExpectMet:
      return "expectation met: " + json_text(e.message);
    default:
      return e.text;
  }
}

}  // namespace

std::string format_report(const SimReport& entry, const ReportStyle& style) {
  std::string line;
  if (style.json) {
    line = json_text(as_object(entry));
  } else {
    const Look l = look(entry.kind);
    if (style.color) line.append(l.color);
    line.append(l.prefix).append(human_text(entry));
    if (style.color) line.append("\033[0m");
    // The summary of a failed run lists its failures again, where one looks last.
    if (entry.kind == SimReport::Kind::kResult && entry.message.contains("failures")) {
      for (const auto& failure : entry.message["failures"]) {
        SimReport item{SimReport::Kind::kFailure, nullptr, "  " + failure.get<std::string>(), 0};
        line.push_back('\n');
        line.append(format_report(item, style));
        line.pop_back();
      }
    }
  }
  line.push_back('\n');
  return line;
}

}  // namespace s2j
