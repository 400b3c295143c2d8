// The tap's message layer, free of I/O. The tap stands between Spectrum and a native backend (one
// that speaks protobuf itself): what one side sends goes to the other unchanged, byte for byte, and
// is read on the way. Every frame is written to the trace as JSON (secrets masked), optionally
// logged in one line, and optionally judged by the simulator's checks (findings are logged). Reading
// never alters, drops or holds back a byte: a frame that is not a message is relayed and noted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/conversation_checks.h"
#include "core/frame_codec.h"
#include "core/log.h"
#include "core/trace.h"

namespace s2j {

struct TapSettings {
  size_t max_message_size = 64u << 20;  // larger frames are relayed, not decoded
  bool log_frames = false;              // one info line per frame (--tap-log)
};

class TapRelay {
 public:
  // What a chunk of Spectrum's bytes held that the lifecycle needs to know.
  struct SpectrumEvents {
    bool exit = false;
  };

  // `tracer` and `checks` may be null.
  TapRelay(TapSettings settings, const Logger& log, Tracer* tracer, ConversationChecks* checks);

  SpectrumEvents on_spectrum_data(std::string_view data);
  void on_backend_data(std::string_view data);
  // The side closed its connection (a frame cut short is worth a word).
  void on_spectrum_eof();
  void on_backend_eof();
  void on_backend_started(int pid);

  // Bytes to write; the shell takes them (e.g. by swap) after each call above.
  std::string& spectrum_output() { return to_spectrum_; }
  std::string& backend_output() { return to_backend_; }

  // Shortest lines in the log: a frame's JSON longer than this is cut (the trace has it whole).
  static constexpr size_t kLogLineBytes = 400;
  // An unreadable frame's first bytes shown in the trace.
  static constexpr size_t kHexBytes = 64;

 private:
  // Whether anything reads the frames (trace, log, checks); otherwise only Spectrum's EXIT matters.
  bool read_along() const { return tracer_ != nullptr || checks_ != nullptr || settings_.log_frames; }
  void observe(TraceDir dir, FrameDecoder& decoder, std::string_view data, SpectrumEvents* events);
  void read_frame(TraceDir dir, std::string_view body, SpectrumEvents* events);
  void show(TraceDir dir, const std::string& json);
  void note(TraceDir dir, const std::string& error, std::string_view bytes);

  TapSettings settings_;
  const Logger& log_;
  Tracer* tracer_;
  ConversationChecks* checks_;
  TraceRedactor redactor_;
  FrameDecoder from_spectrum_;
  FrameDecoder from_backend_;
  std::string to_spectrum_;
  std::string to_backend_;
  bool pinged_ = false;  // a PING passed: the next one is a ping tick for the checks
};

}  // namespace s2j
