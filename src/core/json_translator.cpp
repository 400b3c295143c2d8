#include "core/json_translator.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <map>
#include <memory>
#include <optional>

#include "core/json_text.h"
#include "core/proto_json.h"
#include "core/spectrum_rules.h"
#include "core/utf8.h"
#include "protocol.pb.h"

namespace s2j {

namespace pb = google::protobuf;
using pbnetwork::WrapperMessage;

namespace {

// One reusable instance per message type: translating allocates no message.
pb::Message& scratch_message(const pb::Descriptor* descriptor) {
  static std::map<const pb::Descriptor*, std::unique_ptr<pb::Message>> instances;
  std::unique_ptr<pb::Message>& m = instances[descriptor];
  if (!m) m.reset(pb::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  m->Clear();
  return *m;
}

// Replaces invalid UTF-8 in every string field, at any depth. Returns the number of fields repaired.
int repair_strings(pb::Message& message) {
  int repaired = 0;
  const pb::Reflection* reflection = message.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i)
          repaired += repair_strings(*reflection->MutableRepeatedMessage(&message, field, i));
      } else {
        repaired += repair_strings(*reflection->MutableMessage(&message, field));
      }
    } else if (field->type() == pb::FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          const std::string& value = reflection->GetRepeatedStringReference(message, field, i, nullptr);
          if (!is_valid_utf8(value)) {
            reflection->SetRepeatedString(&message, field, i, repair_utf8(value));
            ++repaired;
          }
        }
      } else {
        const std::string& value = reflection->GetStringReference(message, field, nullptr);
        if (!is_valid_utf8(value)) {
          reflection->SetString(&message, field, repair_utf8(value));
          ++repaired;
        }
      }
    }
  }
  return repaired;
}

// Appends {"type":<name or number>,"payload":"<base64>"}; returns `note`.
std::string append_opaque(const Wrapper& w, std::string note, std::string& out) {
  nlohmann::ordered_json j;
  if (w.type != nullptr)
    j["type"] = w.type->json_name;
  else
    j["type"] = w.number;
  if (!w.payload.empty()) {
    std::string encoded;
    pb::Base64Escape(w.payload, &encoded);
    j["payload"] = std::move(encoded);
  }
  out.append(j.dump());
  return note;
}

const MessageType* lookup_type(const nlohmann::json& type, std::string& error) {
  const MessageType* found = nullptr;
  if (type.is_string()) {
    found = find_message_type(type.get_ref<const std::string&>());
    if (found == nullptr) error = "unknown type \"" + type.get<std::string>() + "\"";
  } else if (type.is_number_integer()) {
    // Compared in 64 bits: a number beyond int must not wrap around to a known type.
    const bool fits = type.is_number_unsigned() ? type.get<uint64_t>() <= uint64_t{INT_MAX}
                                                : type.get<int64_t>() >= INT_MIN && type.get<int64_t>() <= INT_MAX;
    found = fits ? find_message_type(static_cast<int>(type.get<int64_t>())) : nullptr;
    if (found == nullptr) error = "unknown type " + type.dump();
  } else {
    error = "\"type\" must be a string such as \"conv_message\"";
  }
  return found;
}

// protobuf's error for a field, without quoting a password (it quotes offending values), and
// without its type URLs and empty path (": missing field").
std::string field_error(const MessageType& type, std::string message) {
  if (message.find("password") != std::string::npos) return type.json_name + ": invalid \"password\" (not shown)";
  for (const std::string prefix : {"type.googleapis.com/pbnetwork.", "type.googleapis.com/"})
    for (size_t at = message.find(prefix); at != std::string::npos; at = message.find(prefix, at))
      message.erase(at, prefix.size());
  while (!message.empty() && (message.front() == ':' || message.front() == ' ')) message.erase(0, 1);
  return type.json_name + ": " + message;
}

// The line's type name when it starts the way the bindings write lines, {"type":"<name>", ...};
// empty otherwise (the name may then be anywhere, or escaped).
std::string_view leading_type_name(std::string_view line) {
  constexpr std::string_view kStart = "{\"type\":\"";
  const size_t begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos || line.substr(begin, kStart.size()) != kStart) return {};
  const size_t name = begin + kStart.size();
  const size_t end = line.find_first_of("\"\\", name);
  if (end == std::string_view::npos || line[end] != '"') return {};
  return line.substr(name, end - name);
}

// Lines of a payload type as the bindings write them, translated without building a document
// (proto_json.h: fill_from_json_text). Anything it is not sure about is left to the full path,
// which also gives the errors: nullopt then.
std::optional<FromChild> json_to_wrapper_fast(std::string_view line, Sender sender) {
  const std::string_view name = leading_type_name(line);
  const MessageType* type = name.empty() ? nullptr : find_message_type(name);
  if (type == nullptr || type->payload != PayloadKind::kMessage) return std::nullopt;
  const bool backend = sender == Sender::kBackend;
  if (!backend && !type->from_spectrum) return std::nullopt;
  pb::Message& message = scratch_message(type->descriptor);
  if (!fill_from_json_text(line, name, message)) return std::nullopt;
  FromChild result;
  if (backend) {
    const SpectrumVerdict verdict = judge_backend_message(BackendMessage{type, type->number, &message});
    if (verdict.effect != SpectrumVerdict::Effect::kHandles) return std::nullopt;
    if (!verdict.warnings.empty()) result.warning = verdict.warnings.front();
  }
  result.frame_body = make_wrapper(type->number, message);
  result.type = type;
  result.kind = FromChild::Kind::kFrame;
  return result;
}

}  // namespace

std::string parse_wrapper(std::string_view body, Wrapper& out) {
  WrapperMessage message;
  if (!message.ParsePartialFromArray(body.data(), static_cast<int>(body.size())))
    return "frame of " + std::to_string(body.size()) + " bytes is not a WrapperMessage";
  out.has_payload = message.has_payload();
  out.payload = std::move(*message.mutable_payload());
  if (message.has_type()) {
    out.number = message.type();
  } else {
    // proto2 keeps an enum number it does not know as an unknown varint field.
    const pb::UnknownFieldSet& unknown = message.GetReflection()->GetUnknownFields(message);
    bool found = false;
    for (int i = 0; i < unknown.field_count(); ++i) {
      const pb::UnknownField& field = unknown.field(i);
      if (field.number() == 1 && field.type() == pb::UnknownField::TYPE_VARINT) {
        out.number = static_cast<int>(field.varint());
        found = true;
      }
    }
    if (!found) return "frame of " + std::to_string(body.size()) + " bytes has no message type";
  }
  out.type = find_message_type(out.number);
  return {};
}

std::string append_wrapper_json(const Wrapper& w, std::string& out, Partial partial) {
  if (w.type == nullptr) return append_opaque(w, "type " + std::to_string(w.number) + " is unknown to this build", out);
  const MessageType& type = *w.type;
  switch (type.payload) {
    case PayloadKind::kNone:
      out.append("{\"type\":\"").append(type.json_name).append("\"}");
      return {};
    case PayloadKind::kUnsupported:
      return append_opaque(w, type.json_name + " has no payload message in this schema", out);
    case PayloadKind::kRawXml: {
      nlohmann::ordered_json j{{"type", type.json_name}, {"xml", nullptr}};
      const bool valid = is_valid_utf8(w.payload);
      j["xml"] = valid ? w.payload : repair_utf8(w.payload);
      out.append(j.dump());
      return valid ? "" : "raw_xml: invalid UTF-8 replaced by U+FFFD";
    }
    case PayloadKind::kMessage:
      break;
  }
  pb::Message& payload = scratch_message(type.descriptor);
  if (!payload.ParsePartialFromString(w.payload))
    return append_opaque(
        w, type.json_name + ": payload does not parse as " + type.descriptor->name() + "; passed on opaque", out);
  // proto2: a payload without its required fields does not parse for a strict reader, so a child
  // never sees a message without them (the simulator shows what there is, for diagnosis).
  if (partial == Partial::kOpaque && !payload.IsInitialized())
    return append_opaque(w,
                         type.json_name + ": payload lacks required field(s) " + payload.InitializationErrorString() +
                             "; passed on opaque",
                         out);
  const size_t start = out.size();
  out.append("{\"type\":\"").append(type.json_name).push_back('"');
  std::string note;
  // The direct printer declines a string that is not UTF-8: repaired, then printed again.
  if (!append_json_members_direct(payload, out)) {
    if (const int repaired = repair_strings(payload))
      note = type.json_name + ": invalid UTF-8 in " + std::to_string(repaired) + " field(s) replaced by U+FFFD";
    if (!append_json_members_direct(payload, out)) {
      const std::string error = append_json_members_protobuf(payload, out);
      if (!error.empty()) {
        out.resize(start);
        return append_opaque(w, type.json_name + ": " + error, out);
      }
    }
  }
  out.push_back('}');
  return note;
}

ToChild wrapper_to_json(const Wrapper& w, Partial partial) {
  ToChild line;
  line.json.reserve(w.payload.size() * 2 + 32);
  line.note = append_wrapper_json(w, line.json, partial);
  return line;
}

std::string make_wrapper(int type, const pb::Message& payload) {
  using Wire = pb::internal::WireFormatLite;
  // Field by field as WrapperMessage serializes itself (type, then payload), without first making
  // the payload's own string.
  const size_t size = payload.ByteSizeLong();
  std::string body;
  body.reserve(size + 16);
  {
    pb::io::StringOutputStream raw(&body);
    pb::io::CodedOutputStream out(&raw);
    Wire::WriteEnum(WrapperMessage::kTypeFieldNumber, type, &out);
    Wire::WriteTag(WrapperMessage::kPayloadFieldNumber, Wire::WIRETYPE_LENGTH_DELIMITED, &out);
    out.WriteVarint32(static_cast<uint32_t>(size));
    payload.SerializeWithCachedSizes(&out);
  }
  return body;
}

std::string make_wrapper(int type, const std::string* payload) {
  WrapperMessage message;
  message.set_type(static_cast<WrapperMessage::Type>(type));
  if (payload != nullptr) message.set_payload(*payload);
  return message.SerializeAsString();
}

FromChild json_to_wrapper(std::string_view line, Sender sender) {
  if (std::optional<FromChild> fast = json_to_wrapper_fast(line, sender)) return std::move(*fast);
  FromChild result;
  // Rejections keep the parsed object, so that the trace shows the line as JSON.
  const auto reject = [&result](std::string error) {
    result.kind = FromChild::Kind::kRejected;
    result.error = std::move(error);
    return std::move(result);
  };
  std::string parse_error;
  result.object = parse_json(line, &parse_error);
  if (result.object.is_discarded()) return reject("not valid JSON: " + parse_error);
  nlohmann::json& object = result.object;
  if (!object.is_object()) return reject("a line must be a JSON object with a \"type\"");
  const auto type_it = object.find("type");
  if (type_it == object.end()) return reject("missing \"type\"");
  if (type_it->is_string()) {
    const std::string& name = type_it->get_ref<const std::string&>();
    if (name.rfind("bridge.", 0) == 0) {
      result.kind = FromChild::Kind::kBridge;
      result.bridge_type = name;
      return result;
    }
  }
  std::string error;
  const MessageType* type = lookup_type(*type_it, error);
  if (type == nullptr) return reject(error);
  result.type = type;
  const bool backend = sender == Sender::kBackend;
  if (backend) {
    const SpectrumVerdict verdict = judge_backend_message(BackendMessage{type, type->number, nullptr});
    if (verdict.effect == SpectrumVerdict::Effect::kIgnores)
      return reject("type \"" + type->json_name + "\" is not accepted from a backend: " + verdict.reason);
  }
  if (sender == Sender::kSpectrum && !type->from_spectrum)
    return reject("Spectrum never sends type \"" + type->json_name + "\"");

  std::string payload;
  switch (type->payload) {
    case PayloadKind::kNone:
      if (object.size() > 1) return reject(type->json_name + " carries no fields");
      result.frame_body = make_wrapper(type->number);
      result.kind = FromChild::Kind::kFrame;
      return result;
    case PayloadKind::kRawXml: {
      const auto xml = object.find("xml");
      if (xml == object.end() || !xml->is_string()) return reject("raw_xml needs a string field \"xml\"");
      if (object.size() > 2) return reject("raw_xml carries only \"xml\"");
      payload = xml->get<std::string>();
      break;
    }
    case PayloadKind::kUnsupported:
      return reject("type \"" + type->json_name + "\" is not supported");
    case PayloadKind::kMessage: {
      pb::Message& message = scratch_message(type->descriptor);
      if (!fill_from_json_direct(object, message)) {
        const std::string error = fill_from_json_protobuf(object, message);
        if (!error.empty() || !message.IsInitialized()) {
          std::string explained = explain_json_error(object, *type->descriptor, type->json_name);
          if (!explained.empty()) return reject(std::move(explained));
          if (!error.empty()) return reject(field_error(*type, error));
          return reject(type->json_name + ": missing required field(s) " + message.InitializationErrorString());
        }
      }
      if (backend) {
        const SpectrumVerdict verdict = judge_backend_message(BackendMessage{type, type->number, &message});
        if (verdict.effect != SpectrumVerdict::Effect::kHandles) {
          const bool throws = verdict.effect == SpectrumVerdict::Effect::kThrows;
          return reject(verdict.reason + (throws ? " (Spectrum would throw on it)" : " (Spectrum would drop it)"));
        }
        if (!verdict.warnings.empty()) result.warning = verdict.warnings.front();
      }
      payload = message.SerializeAsString();
      break;
    }
  }
  result.frame_body = make_wrapper(type->number, &payload);
  result.kind = FromChild::Kind::kFrame;
  return result;
}

}  // namespace s2j
