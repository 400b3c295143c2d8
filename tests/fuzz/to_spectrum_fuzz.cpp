// Child → Spectrum: an arbitrary line (huge, nested, non-UTF-8, NUL bytes...). The oracles use none
// of the translator's helpers:
//  * protobuf's own JSON parser reads the line as a google.protobuf.Struct, then the payload message
//    from its members but "type". When the line is an object for it that names no member twice (JSON
//    leaves that open), a line the bridge accepts is one protobuf reads completely too, and the frame
//    carries the type the line names and, byte for byte, the payload protobuf made (raw_xml: the
//    "xml" text; pong: none);
//  * an accepted frame is one Spectrum parses strictly, of a type it handles from a backend (README),
//    with a timestamp and a backend_config that Boost reads as Spectrum reads them;
//  * a line protobuf reads completely, naming its type in words, that passes those checks is accepted;
//  * the frame translated back to a line and that line again to a frame gives the same bytes;
//  * a line the flat reader (core/flat_json.h) takes is one nlohmann's parser reads as the same members.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "core/flat_json.h"
#include "core/json_translator.h"
#include "protocol.pb.h"
#include "reference.h"
#include "spectrum_reference.h"

namespace {

namespace pb = google::protobuf;
using pbnetwork::WrapperMessage;

void require(bool condition) {
  if (!condition) std::abort();
}

// protobuf's reading of a line.
struct Reading {
  bool object = false;         // protobuf's parser reads the line as a JSON object, naming no member twice
  std::optional<int> type;     // the type its "type" member names
  bool type_in_words = false;  // as a string
  bool complete = false;       // the other members make the whole payload (all required fields)
  std::string payload;         // serialized
};

Reading read(const std::string& line) {
  Reading r;
  pb::Struct object;
  if (!pb::util::JsonStringToMessage(line, &object).ok() || reference::names_a_member_twice(line)) return r;
  r.object = true;
  const auto type = object.fields().find("type");
  if (type == object.fields().end()) return r;
  if (type->second.kind_case() == pb::Value::kStringValue) {
    r.type = reference::named_type(nlohmann::json(type->second.string_value()));
    r.type_in_words = true;
  } else if (type->second.kind_case() == pb::Value::kNumberValue) {
    const double n = type->second.number_value();
    if (n >= 0 && n <= 1000 && n == std::floor(n) && WrapperMessage::Type_IsValid(static_cast<int>(n)))
      r.type = static_cast<int>(n);
  }
  if (!r.type) return r;
  object.mutable_fields()->erase("type");
  if (*r.type == WrapperMessage::TYPE_RAW_XML) {
    const auto xml = object.fields().find("xml");
    r.complete =
        object.fields_size() == 1 && xml != object.fields().end() && xml->second.kind_case() == pb::Value::kStringValue;
    if (r.complete) r.payload = xml->second.string_value();
    return r;
  }
  const pb::Descriptor* descriptor = reference::payload_message(*r.type);
  if (descriptor == nullptr) {
    r.complete =
        object.fields().empty() && (*r.type == WrapperMessage::TYPE_PING || *r.type == WrapperMessage::TYPE_PONG ||
                                    *r.type == WrapperMessage::TYPE_EXIT);
    return r;
  }
  std::string members;
  const std::unique_ptr<pb::Message> payload = reference::new_message(descriptor);
  if (!pb::util::MessageToJsonString(object, &members).ok() ||
      !pb::util::JsonStringToMessage(members, payload.get()).ok() || !payload->IsInitialized())
    return r;
  r.complete = true;
  r.payload = payload->SerializeAsString();
  return r;
}

// What Spectrum throws on in a payload it parsed.
bool spectrum_takes(int type, const pb::Message& payload) {
  if (type == WrapperMessage::TYPE_CONV_MESSAGE || type == WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED)
    return reference::spectrum_takes_timestamp(static_cast<const pbnetwork::ConversationMessage&>(payload).timestamp());
  if (type == WrapperMessage::TYPE_BACKEND_CONFIG) {
    const std::string& config = static_cast<const pbnetwork::BackendConfig&>(payload).config();
    return reference::spectrum_takes_backend_config(config) && !reference::has_refused_section(config);
  }
  return true;
}

}  // namespace

// The flat reader never takes what JSON refuses, and reads what it takes as a full parser does.
void check_flat_reading(const std::string& line) {
  s2j::FlatObject flat;
  if (!s2j::read_flat_json_object(line, flat)) return;
  const nlohmann::ordered_json full = nlohmann::ordered_json::parse(line, nullptr, false);
  require(full.is_object() && full.size() <= flat.size);
  for (size_t i = 0; i < flat.size; ++i) {
    const s2j::FlatValue& v = flat.members[i].value;
    nlohmann::ordered_json expected;
    if (v.kind == s2j::FlatValue::Kind::kString) expected = std::string(v.text);
    if (v.kind == s2j::FlatValue::Kind::kInteger) expected = v.integer;
    if (v.kind == s2j::FlatValue::Kind::kBool) expected = v.boolean;
    // nlohmann keeps the last of a key named twice; the flat reading keeps each.
    bool later = false;
    for (size_t k = i + 1; k < flat.size; ++k) later = later || flat.members[k].key == flat.members[i].key;
    if (!later) require(full.at(std::string(flat.members[i].key)) == expected);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  check_flat_reading(line);
  const s2j::FromChild in = s2j::json_to_wrapper(line);
  const Reading protobuf = read(line);
  if (in.kind == s2j::FromChild::Kind::kRejected) {
    require(!in.error.empty());  // say why
    // Complete for protobuf, handled, nothing Spectrum throws on: only nlohmann's stricter parser
    // (invalid UTF-8, duplicate keys...) may still refuse it.
    if (!protobuf.complete || !protobuf.type_in_words || !reference::handled_from_backend(*protobuf.type)) return 0;
    if (!reference::parse(line).is_object()) return 0;
    const pb::Descriptor* descriptor = reference::payload_message(*protobuf.type);
    if (descriptor != nullptr) {
      const std::unique_ptr<pb::Message> payload = reference::new_message(descriptor);
      require(payload->ParseFromString(protobuf.payload));
      if (!spectrum_takes(*protobuf.type, *payload)) return 0;
    }
    std::abort();
  }
  if (in.kind != s2j::FromChild::Kind::kFrame) return 0;

  WrapperMessage wrapper;
  require(wrapper.ParseFromString(in.frame_body));  // Spectrum's strict parse
  const int type = wrapper.type();
  require(reference::handled_from_backend(type));
  if (protobuf.object) {
    require(protobuf.type == type && protobuf.complete);
    require(wrapper.payload() == protobuf.payload);
  }
  const pb::Descriptor* descriptor = reference::payload_message(type);
  if (type == WrapperMessage::TYPE_RAW_XML) {
    require(wrapper.has_payload());
  } else if (descriptor == nullptr) {
    require(!wrapper.has_payload());
  } else {
    const std::unique_ptr<pb::Message> payload = reference::new_message(descriptor);
    require(payload->ParseFromString(wrapper.payload()) && spectrum_takes(type, *payload));
  }

  // Back to a line and again to a frame: the same bytes.
  s2j::Wrapper back;
  require(s2j::parse_wrapper(in.frame_body, back).empty());
  const s2j::ToChild text = s2j::wrapper_to_json(back);
  require(text.note.empty());
  const s2j::FromChild again = s2j::json_to_wrapper(text.json);
  require(again.kind == s2j::FromChild::Kind::kFrame && again.frame_body == in.frame_body);
  return 0;
}
