// Spectrum → child: an arbitrary frame body, checked against protobuf's own reading and printing:
//  * the body is skipped exactly when protobuf reads no WrapperMessage with a type from it;
//  * otherwise it is one line of valid UTF-8 JSON, an object whose first member "type" is the type's
//    name (its number when the enum does not know it); ping, pong and exit carry nothing else;
//    raw_xml carries "xml", the payload itself when that is valid UTF-8;
//  * a payload protobuf parses strictly, with valid UTF-8 strings and no unknown fields, is printed
//    byte for byte as protobuf's MessageToJsonString prints it (proto field names), and reads back to
//    the same message; one with unknown fields or repaired strings is still translated;
//  * any other payload (not parsing, missing required fields, FT_*, unknown types) arrives as
//    "payload", base64 of exactly its bytes;
//  * shown partially (the simulator's display), a payload missing required fields prints as
//    protobuf's BinaryToJsonString prints it.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json_translator.h"
#include "protocol.pb.h"
#include "reference.h"

namespace {

namespace pb = google::protobuf;
using pbnetwork::WrapperMessage;

void require(bool condition) {
  if (!condition) std::abort();
}

// No unknown fields (proto2 keeps unknown enum numbers there too) and only valid UTF-8 strings.
bool clean(const pb::Message& m) {
  const pb::Reflection* r = m.GetReflection();
  if (!r->GetUnknownFields(m).empty()) return false;
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        if (!clean(f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f))) return false;
      } else if (f->type() == pb::FieldDescriptor::TYPE_STRING) {
        if (!reference::valid_utf8(f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f))) return false;
      }
    }
  }
  return true;
}

std::string base64_decode(const std::string& text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    const size_t v = kAlphabet.find(c);
    require(v != std::string::npos);
    bits = bits << 6 | static_cast<uint32_t>(v);
    if ((count += 6) >= 8) out += static_cast<char>(bits >> (count -= 8));
  }
  return out;
}

// "{"type":"name"" + protobuf's members + "}".
std::string expected_line(const std::string& name, const std::string& printed) {
  return "{\"type\":\"" + name + "\"" + (printed.size() > 2 ? "," + printed.substr(1) : "}");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  WrapperMessage wrapper;
  const std::optional<int> type = reference::frame_type(body, wrapper);
  s2j::Wrapper w;
  const bool parsed = s2j::parse_wrapper(body, w).empty();
  require(parsed == type.has_value());
  if (!parsed) return 0;  // skipped with a log line
  require(w.number == *type && w.payload == wrapper.payload() && w.has_payload == wrapper.has_payload());

  const s2j::ToChild out = s2j::wrapper_to_json(w);
  require(out.json.find('\n') == std::string::npos);
  const nlohmann::ordered_json line = nlohmann::ordered_json::parse(out.json, nullptr, false);  // checks UTF-8
  require(line.is_object() && !line.empty() && line.begin().key() == "type");
  const std::string name = reference::json_name(*type);
  require(name.empty() ? line["type"] == *type : line["type"] == name);

  const auto require_opaque = [&] {
    require(line.size() == (wrapper.payload().empty() ? 1u : 2u));
    if (!wrapper.payload().empty())
      require(line["payload"].is_string() && base64_decode(line["payload"].get<std::string>()) == wrapper.payload());
  };
  if (*type == WrapperMessage::TYPE_PING || *type == WrapperMessage::TYPE_PONG || *type == WrapperMessage::TYPE_EXIT) {
    require(line.size() == 1);
    return 0;
  }
  if (*type == WrapperMessage::TYPE_RAW_XML) {
    require(line.size() == 2 && line["xml"].is_string());
    if (reference::valid_utf8(wrapper.payload())) require(line["xml"] == wrapper.payload());
    return 0;
  }
  const pb::Descriptor* descriptor = reference::payload_message(*type);
  if (descriptor == nullptr) {  // FT_*, numbers the enum does not know
    require_opaque();
    return 0;
  }

  const std::unique_ptr<pb::Message> payload = reference::new_message(descriptor);
  if (!payload->ParseFromString(wrapper.payload())) {  // Spectrum's strict parse fails
    require_opaque();
    // The simulator shows what there is: as protobuf's printer shows it.
    if (!payload->ParsePartialFromString(wrapper.payload()) || !clean(*payload)) return 0;
    static pb::util::TypeResolver* resolver =
        pb::util::NewTypeResolverForDescriptorPool("type.googleapis.com", pb::DescriptorPool::generated_pool());
    pb::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string printed;
    require(pb::util::BinaryToJsonString(resolver, "type.googleapis.com/" + descriptor->full_name(),
                                         payload->SerializePartialAsString(), &printed, options)
                .ok());
    require(s2j::wrapper_to_json(w, s2j::Partial::kShow).json == expected_line(name, printed));
    return 0;
  }
  require(!line.contains("payload"));  // translated, not passed on opaque
  if (!clean(*payload)) return 0;
  require(out.note.empty());
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string printed;
  require(pb::util::MessageToJsonString(*payload, &printed, options).ok());
  require(out.json == expected_line(name, printed));
  const std::unique_ptr<pb::Message> back = reference::new_message(descriptor);
  require(pb::util::JsonStringToMessage(printed, back.get()).ok());
  require(pb::util::MessageDifferencer::Equals(*payload, *back));
  return 0;
}
