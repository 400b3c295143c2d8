#include "apps/bridge/trace_writer.h"

#include <cstring>

#include "io/wall_clock.h"

namespace s2j {

void TraceWriter::record(TraceDir dir, std::string_view msg_json) {
  append(format_trace_line(rfc3339_now(), dir, msg_json));
}

void TraceWriter::note_unreadable(TraceDir dir, std::string_view error, std::string_view frame_hex) {
  append(format_trace_note(rfc3339_now(), dir, error, frame_hex));
}

void TraceWriter::append(const std::string& line) {
  const int error = file_.append(line);
  if (error != 0 && !failed_) {
    failed_ = true;
    log_.error("cannot write the trace file '" + path_ + "': " + std::strerror(error) +
               "; trace lines are lost until it works again (the bridge goes on)");
  } else if (error == 0 && failed_) {
    failed_ = false;
    log_.warn("the trace file '" + path_ + "' is written again; lines were lost meanwhile");
  }
}

}  // namespace s2j
