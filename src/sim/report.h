// What the simulator tells its user, one entry per line, and how each entry is printed: for people
// ("> {…}" with colour on a terminal) or as JSON objects (--json). The engine decides what to say;
// this file only formats it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace s2j {

struct SimReport {
  enum class Kind {
    kSent,        // a message to the backend (`message`)
    kReceived,    // a message from the backend (`message`)
    kPing,        // PING to the backend, shown dimmed
    kPong,        // PONG or STATS from the backend, shown dimmed
    kFinding,     // what Spectrum would do (`text`; `message` it is about, if any)
    kFailure,     // `text`; for an expectation, `message` is its pattern and `line` its scenario line
    kExpectMet,   // `message` is the pattern, `line` its scenario line
    kInfo,        // `text`
    kAsRecorded,  // a replayed turn whose answers were the recorded ones: `text`
    kDifference,  // a replayed turn's answer missing, extra or different: `text`; `message` the details
    kResult,      // the summary: `text`, and `message` holds the figures and failures
  };
  Kind kind = Kind::kInfo;
  nlohmann::ordered_json message;
  std::string text;
  int line = 0;
};

struct ReportStyle {
  bool json = false;
  bool color = false;
};

// One line, with its newline.
std::string format_report(const SimReport& entry, const ReportStyle& style);

}  // namespace s2j
