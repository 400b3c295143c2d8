// The bridge's trace file: the core's trace records, stamped with the time and appended one line each.
// A failing disk loses trace lines, never the bridge: the first failure is logged, once.
#pragma once

#include <string>

#include "core/log.h"
#include "core/trace.h"
#include "io/append_file.h"

namespace s2j {

class TraceWriter : public Tracer {
 public:
  explicit TraceWriter(const Logger& log) : log_(log) {}
  // Returns 0 or an errno value.
  int open(const std::string& path) {
    path_ = path;
    return file_.open(path);
  }
  void record(TraceDir dir, std::string_view msg_json) override;
  void note_unreadable(TraceDir dir, std::string_view error, std::string_view frame_hex) override;

 private:
  void append(const std::string& line);

  const Logger& log_;
  AppendFile file_;
  std::string path_;
  bool failed_ = false;
};

}  // namespace s2j
