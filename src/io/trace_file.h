// The --trace file: appends one line per record with an RFC 3339 UTC timestamp, flushed per line.
#pragma once

#include <cstdio>
#include <string>

#include "core/trace.h"

namespace s2j {

class TraceFile : public Tracer {
 public:
  ~TraceFile() override;
  // Returns 0 or an errno value.
  int open(const std::string& path);
  void record(TraceDir dir, std::string_view msg_json) override;

 private:
  std::FILE* file_ = nullptr;
};

// "2026-11-25T04:00:00.123456Z"
std::string rfc3339_now();

}  // namespace s2j
