// What Spectrum does with what a backend sends, in one place: the bridge refuses what Spectrum would
// ignore, drop or throw on (core/json_translator.cpp), and the simulator reports the same verdicts as
// findings (src/sim/spectrum_checks.cpp). docs/spectrum-protocol.md#message-types explains each rule.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Message;
}

namespace s2j {

struct MessageType;

// One message from a backend, as far as it could be read.
struct BackendMessage {
  const MessageType* type = nullptr;  // nullptr: `number` is not in Spectrum's enum
  int number = 0;
  // The payload message (for a type that carries one), read partially; nullptr when the bytes do
  // not parse at all.
  const google::protobuf::Message* payload = nullptr;
};

struct SpectrumVerdict {
  enum class Effect {
    kHandles,  // Spectrum handles it
    kIgnores,  // a type Spectrum does not handle from a backend: ignored, and the frames behind it stall
    kDrops,    // the frame or its payload does not parse (strictly): dropped, mostly without a log line
    kThrows,   // a value Spectrum's parser throws on, inside its event loop
  };
  Effect effect = Effect::kHandles;
  std::string reason;                 // for every effect but kHandles: what is wrong, in words
  std::vector<std::string> warnings;  // handled, but not as the backend probably meant
  std::vector<std::string> advice;    // handled as meant, with a consequence worth knowing
};

SpectrumVerdict judge_backend_message(const BackendMessage& message);

// BACKEND_CONFIG text as Spectrum parses it against its registered keys. Returns an error text,
// empty when valid.
std::string check_backend_config(std::string_view config);

// The feature names a backend may declare in [features].
bool is_known_feature(std::string_view name);

// What Spectrum keeps of the BACKEND_CONFIG messages it gets (all backends share one store): each
// message stores every registered key, the ones it names explicitly as final. A key's first explicit
// value wins for the life of the Spectrum process; a key never given explicitly reads its default.
class BackendConfigStore {
 public:
  // Takes one well-formed BACKEND_CONFIG text (see check_backend_config). Returns what Spectrum
  // will do differently from what the text seems to ask for, in words.
  std::vector<std::string> on_backend_config(std::string_view config);

 private:
  std::map<std::string, std::string> final_;  // "section.key" -> the value that stays
  bool registration_reported_ = false;
};

}  // namespace s2j
