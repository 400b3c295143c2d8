// Reads a trace written by the bridge (--trace) or by a tap in front of a native backend, and cuts
// it into turns for a replay: each message Spectrum sent, with the answers recorded after it and
// before Spectrum's next one. What the live session does by itself is left out: PING, PONG, STATS,
// BACKEND_CONFIG and every bridge.* line. No I/O: the text comes in whole.
//
//   spectrum>bridge, spectrum>backend   Spectrum's messages: sent again
//   child>bridge                        the child's lines that the bridge forwarded: answers
//   backend>spectrum                    the backend's frames: answers
//   bridge>spectrum, bridge>child       the bridge's own: left out
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s2j {

// A message from Spectrum's side, to send again.
struct RecordedSend {
  nlohmann::ordered_json message;  // as recorded (fill_in_passwords may change it)
  std::string frame_body;          // the WrapperMessage to send
  double at = 0;                   // its time, seconds (from "ts")
  int line = 0;                    // its line in the trace
};

struct RecordedAnswer {
  nlohmann::ordered_json message;   // canonical form (sim/canonical.h)
  nlohmann::ordered_json recorded;  // as the trace has it
  int line = 0;
};

struct Turn {
  std::optional<RecordedSend> sent;  // none for the first turn: what the backend said unasked
  std::vector<RecordedAnswer> answers;
};

struct Recording {
  std::vector<Turn> turns;  // at least one; turns[0] has no message from Spectrum
  double start = 0;         // the time of the trace's first line
  int exit_line = 0;        // Spectrum's EXIT ended the recording on this line (0: no EXIT)
  int answers_after_exit = 0;
  std::vector<std::string> notes;  // what was left out that a reader may not expect, and why
};

struct TraceError {
  int line = 0;  // 0: about the whole trace
  std::string text;
};

// Parses a whole trace. False, with `error`, for input that cannot be replayed: a line that is not
// a trace line, a message from Spectrum that cannot be sent again, two sessions in one file.
bool read_trace(std::string_view text, Recording& out, TraceError& error);

struct MaskedPasswords {
  std::vector<std::string> users;  // whose LOGIN is sent with the password "***"
  std::vector<std::string> notes;  // one per user (and per room password), with the trace line
};

// Puts passwords (by the LOGIN's `user` JID) into the frames of the LOGINs whose password the trace
// masked; `message` keeps "***", so that what is shown does not give the password away. Says which
// masked passwords stay as they are.
MaskedPasswords fill_in_passwords(Recording& recording, const std::map<std::string, std::string>& passwords);

// "2026-11-25T04:25:24.929745Z" (or with an offset such as +01:00) as seconds since the epoch.
std::optional<double> parse_trace_time(std::string_view text);

}  // namespace s2j
