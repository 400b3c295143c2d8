#include "io/trace_file.h"

#include <cerrno>
#include <ctime>

namespace s2j {

TraceFile::~TraceFile() {
  if (file_ != nullptr) std::fclose(file_);
}

int TraceFile::open(const std::string& path) {
  // "e": close-on-exec, so that the child inherits stdin, stdout and stderr only.
  file_ = std::fopen(path.c_str(), "ae");
  return file_ == nullptr ? errno : 0;
}

void TraceFile::record(TraceDir dir, std::string_view msg_json) {
  const std::string line = format_trace_line(rfc3339_now(), dir, msg_json);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

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
