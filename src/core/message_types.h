// The one table of WrapperMessage types: what each carries and which way Spectrum uses it
// (docs/spectrum-protocol.md#message-types).
#pragma once

#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
}

namespace s2j {

enum class PayloadKind {
  kNone,         // PING, PONG, EXIT: the type is the whole message
  kMessage,      // a protobuf message, see `descriptor`
  kRawXml,       // RAW_XML: the payload bytes are XML text
  kUnsupported,  // FT_*: the payload message no longer exists in the schema
};

struct MessageType {
  int number;
  std::string json_name;  // "conv_message": the enum name lower-cased without "TYPE_"
  std::string enum_name;  // "TYPE_CONV_MESSAGE"
  PayloadKind payload;
  const google::protobuf::Descriptor* descriptor;  // set for kMessage
  bool from_spectrum;                              // Spectrum sends it (S→B)
  bool to_spectrum;                                // Spectrum handles it when a backend sends it (B→S)
};

// nullptr when this build does not know the type.
const MessageType* find_message_type(int number);
// Accepts the JSON name ("conv_message") or the enum name ("TYPE_CONV_MESSAGE").
const MessageType* find_message_type(std::string_view name);

}  // namespace s2j
