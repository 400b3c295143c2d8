#include "sim/canonical.h"

#include <google/protobuf/message.h>

#include <memory>

#include "core/json_text.h"
#include "core/json_translator.h"

namespace s2j {

namespace pb = google::protobuf;

namespace {

// Optional fields whose presence is the message, not their value.
bool presence_matters(const pb::FieldDescriptor& field) {
  const std::string& name = field.full_name();
  return name == "pbnetwork.VCard.photo" || name == "pbnetwork.Buddy.blocked";
}

bool holds_default(const pb::Message& message, const pb::FieldDescriptor& field) {
  const pb::Reflection& r = *message.GetReflection();
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return r.GetInt32(message, &field) == field.default_value_int32();
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return r.GetInt64(message, &field) == field.default_value_int64();
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return r.GetUInt32(message, &field) == field.default_value_uint32();
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return r.GetUInt64(message, &field) == field.default_value_uint64();
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return r.GetDouble(message, &field) == field.default_value_double();
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return r.GetFloat(message, &field) == field.default_value_float();
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return r.GetBool(message, &field) == field.default_value_bool();
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return r.GetEnumValue(message, &field) == field.default_value_enum()->number();
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return r.GetString(message, &field) == field.default_value_string();
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
  }
  return false;
}

// Clears optional fields that hold their default value, at any depth (map entries are left alone:
// an entry's key and value are data, not defaults).
void drop_defaults(pb::Message& message) {
  const pb::Reflection& r = *message.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_map()) continue;
      if (field->is_repeated()) {
        for (int i = 0; i < r.FieldSize(message, field); ++i)
          drop_defaults(*r.MutableRepeatedMessage(&message, field, i));
      } else {
        drop_defaults(*r.MutableMessage(&message, field));
      }
    } else if (field->is_optional() && !presence_matters(*field) && holds_default(message, *field)) {
      r.ClearField(&message, field);
    }
  }
}

}  // namespace

nlohmann::ordered_json canonical_message(const nlohmann::ordered_json& message, Defaults defaults) {
  if (!message.is_object()) return message;
  const FromChild frame = json_to_wrapper(json_text(message), Sender::kRecorded);
  if (frame.kind != FromChild::Kind::kFrame) return message;
  Wrapper wrapper;
  if (!parse_wrapper(frame.frame_body, wrapper).empty() || wrapper.type == nullptr) return message;
  if (wrapper.type->payload == PayloadKind::kMessage && defaults == Defaults::kDrop) {
    std::unique_ptr<pb::Message> payload(
        pb::MessageFactory::generated_factory()->GetPrototype(wrapper.type->descriptor)->New());
    if (!payload->ParsePartialFromString(wrapper.payload)) return message;
    drop_defaults(*payload);
    wrapper.payload = payload->SerializePartialAsString();
  }
  nlohmann::ordered_json out = parse_json<nlohmann::ordered_json>(wrapper_to_json(wrapper, Partial::kShow).json);
  return out.is_discarded() ? message : out;
}

}  // namespace s2j
