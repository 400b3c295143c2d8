// Prints the bridge's message-type table as JSON, in the terms of docs/spectrum-protocol.md#message-types,
// for tests/docs/test_protocol_doc.py.
#include <google/protobuf/descriptor.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/message_reference.h"
#include "core/message_types.h"

namespace {

std::string payload_name(const s2j::MessageType& type) {
  switch (type.payload) {
    case s2j::PayloadKind::kNone:
      return "none";
    case s2j::PayloadKind::kMessage:
      return type.descriptor->name();
    case s2j::PayloadKind::kRawXml:
      return "raw XML";
    case s2j::PayloadKind::kUnsupported:
      return "removed";
  }
  return "?";
}

std::string direction(const s2j::MessageType& type) {
  if (type.from_spectrum && type.to_spectrum) return "both";
  if (type.from_spectrum) return "S→B";
  if (type.to_spectrum) return "B→S";
  return "none";
}

}  // namespace

int main() {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (int number = 0; number < 256; ++number) {
    const s2j::MessageType* type = s2j::find_message_type(number);
    if (type == nullptr) continue;
    nlohmann::ordered_json required = nlohmann::ordered_json::array();
    if (type->descriptor != nullptr) {
      for (int i = 0; i < type->descriptor->field_count(); ++i)
        if (type->descriptor->field(i)->is_required()) required.push_back(type->descriptor->field(i)->name());
    }
    rows.push_back({{"number", type->number},
                    {"name", type->enum_name},
                    {"json_name", type->json_name},
                    {"payload", payload_name(*type)},
                    {"direction", direction(*type)},
                    {"required", required},
                    {"spectrum_does", std::string(s2j::spectrum_does(*type))}});
  }
  std::cout << rows.dump(2) << "\n";
  return 0;
}
