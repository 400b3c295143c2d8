// WrapperMessage ⇄ JSON line translation. protobuf's reflection and JSON utilities do the field work;
// this file adds the envelope ("type" beside the payload's fields), RAW_XML, opaque frames, and the
// checks that keep Spectrum from dropping or choking on what a child sends.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/message_types.h"

namespace s2j {

// A frame body cut into its parts. `type` is nullptr when this build does not know `number`.
struct Wrapper {
  int number = 0;
  const MessageType* type = nullptr;
  std::string payload;
  bool has_payload = false;
};

// Parses a frame body. Returns an error text (empty on success) when it is not a WrapperMessage.
std::string parse_wrapper(std::string_view body, Wrapper& out);

struct ToChild {
  std::string json;  // one JSON object, without newline
  std::string note;  // non-empty when something had to be repaired or passed on opaque (log it)
};

// What to do with a payload that parses but lacks required fields.
enum class Partial {
  kOpaque,  // pass it on as {"type":…,"payload":"<base64>"}, as with any payload that does not parse
  kShow,    // translate what is there (for display)
};

// The JSON object for a frame from Spectrum. Never fails: what cannot be translated is passed on
// as {"type":<name or number>,"payload":"<base64>"}.
ToChild wrapper_to_json(const Wrapper& wrapper, Partial partial = Partial::kOpaque);
// The same, appended to `out` (no newline); returns the note.
std::string append_wrapper_json(const Wrapper& wrapper, std::string& out, Partial partial = Partial::kOpaque);

struct FromChild {
  enum class Kind {
    kFrame,     // `frame_body` is a serialized WrapperMessage for Spectrum
    kBridge,    // a "bridge.*" line: see `bridge_type`
    kRejected,  // `error` says why
  };
  Kind kind = Kind::kRejected;
  const MessageType* type = nullptr;  // for kFrame
  std::string bridge_type;            // for kBridge
  std::string frame_body;
  std::string error;
  std::string warning;    // for kFrame: Spectrum accepts it but will probably misread it (log it)
  nlohmann::json object;  // the parsed line (for kBridge and kRejected; for kFrame only when it was needed)
};

// Who writes the line: a backend (the child; only types Spectrum handles, checked strictly),
// Spectrum (the simulator's scenarios; only types Spectrum sends), or either, as recorded in a trace
// (any known type; nothing is judged, so that what was said can be compared, right or wrong).
enum class Sender { kBackend, kSpectrum, kRecorded };

// Translates one non-blank JSON line. The caller decides what to do with PONG/STATS.
FromChild json_to_wrapper(std::string_view line, Sender sender = Sender::kBackend);

// The WrapperMessage body for a payload-less type or a message payload.
std::string make_wrapper(int type, const std::string* payload = nullptr);
// The same body for a payload message, byte for byte, encoded in one go.
std::string make_wrapper(int type, const google::protobuf::Message& payload);

}  // namespace s2j
