// Spectrum → child: an arbitrary frame body. Invariants: the bridge always produces exactly one
// line of valid UTF-8 JSON, an object whose first member is "type"; a translated payload carries
// the same message (re-parsing the JSON gives the same fields back).
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json_translator.h"
#include "core/proto_json.h"
#include "core/utf8.h"

namespace {

// Unknown fields (and unknown enum numbers, which proto2 keeps as unknown fields) are printed as
// numbers or left out: such payloads are not expected to round-trip.
bool has_unknown_fields(const google::protobuf::Message& m) {
  const google::protobuf::Reflection* r = m.GetReflection();
  if (!r->GetUnknownFields(m).empty()) return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i)
        if (has_unknown_fields(r->GetRepeatedMessage(m, f, i))) return true;
    } else if (has_unknown_fields(r->GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  s2j::Wrapper w;
  if (!s2j::parse_wrapper(body, w).empty()) return 0;  // not a WrapperMessage: skipped with a log line
  const s2j::ToChild out = s2j::wrapper_to_json(w);
  if (out.json.find('\n') != std::string::npos || !s2j::is_valid_utf8(out.json)) std::abort();
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(out.json, nullptr, false);
  if (!j.is_object() || j.empty() || j.begin().key() != "type") std::abort();
  if (w.type == nullptr || w.type->payload != s2j::PayloadKind::kMessage || j.contains("payload")) return 0;
  // The direct printer, when it does not decline, prints what protobuf prints.
  {
    std::unique_ptr<google::protobuf::Message> m(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(w.type->descriptor)->New());
    // Strings the translator had to repair are not compared here (protobuf would drop their bytes).
    if (m->ParsePartialFromString(w.payload) && out.note.find("invalid UTF-8") == std::string::npos) {
      std::string direct, library;
      if (s2j::append_json_members_direct(*m, direct) && s2j::append_json_members_protobuf(*m, library).empty() &&
          direct != library)
        std::abort();
    }
  }
  // Clean payloads (valid UTF-8, all required fields) survive the JSON round trip as messages.
  std::unique_ptr<google::protobuf::Message> original(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(w.type->descriptor)->New());
  if (!original->ParseFromString(w.payload) || !out.note.empty() || has_unknown_fields(*original)) return 0;
  nlohmann::json fields = nlohmann::json::parse(out.json);
  fields.erase("type");
  std::unique_ptr<google::protobuf::Message> back(original->New());
  if (!google::protobuf::util::JsonStringToMessage(fields.dump(), back.get()).ok()) std::abort();
  if (!google::protobuf::util::MessageDifferencer::Equals(*original, *back)) std::abort();
  return 0;
}
