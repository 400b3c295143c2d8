#include "core/proto_json.h"

#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <limits>

#include "core/flat_json.h"
#include "core/utf8.h"

namespace s2j {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;

namespace {

pb::util::TypeResolver* type_resolver() {
  static pb::util::TypeResolver* resolver =
      pb::util::NewTypeResolverForDescriptorPool("type.googleapis.com", pb::DescriptorPool::generated_pool());
  return resolver;
}

std::string type_url(const pb::Descriptor& d) { return "type.googleapis.com/" + d.full_name(); }

// Code points protobuf's printer writes as \uXXXX beyond ASCII (format and invisible characters).
bool escaped_code_point(uint32_t c) {
  static constexpr uint32_t kRanges[][2] = {
      {0x80, 0x9f},     {0xad, 0xad},     {0x600, 0x603},     {0x6dd, 0x6dd},     {0x70f, 0x70f},
      {0x17b4, 0x17b5}, {0x200b, 0x200f}, {0x2028, 0x202e},   {0x2060, 0x2064},   {0x206a, 0x206f},
      {0xfeff, 0xfeff}, {0xfff9, 0xfffb}, {0x1d173, 0x1d17a}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f},
  };
  for (const auto& r : kRanges)
    if (c >= r[0] && c <= r[1]) return true;
  return false;
}

void append_u_escape(uint32_t unit, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char e[6] = {'\\',           'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
                     kHex[unit & 15]};
  out.append(e, 6);
}

bool has_unknown_fields(const pb::Message& m) {
  const pb::Reflection* r = m.GetReflection();
  if (!r->GetUnknownFields(m).empty()) return true;
  const pb::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->cpp_type() != FD::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, f); ++k)
        if (has_unknown_fields(r->GetRepeatedMessage(m, f, k))) return true;
    } else if (r->HasField(m, f) && has_unknown_fields(r->GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

bool append_value(const pb::Message& m, const FD* f, int index, std::string& out);

bool append_members(const pb::Message& m, std::string& out) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  // Declaration order, as protobuf's printer walks the type.
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->is_map()) return false;
    if (f->is_repeated() ? r->FieldSize(m, f) == 0 : !r->HasField(m, f)) continue;
    out.append(",\"").append(f->name()).append("\":");
    if (!f->is_repeated()) {
      if (!append_value(m, f, -1, out)) return false;
      continue;
    }
    out.push_back('[');
    for (int k = 0; k < r->FieldSize(m, f); ++k) {
      if (k > 0) out.push_back(',');
      if (!append_value(m, f, k, out)) return false;
    }
    out.push_back(']');
  }
  return true;
}

bool append_value(const pb::Message& m, const FD* f, int k, std::string& out) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = k >= 0;
  switch (f->cpp_type()) {
    case FD::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s =
          rep ? r->GetRepeatedStringReference(m, f, k, &scratch) : r->GetStringReference(m, f, &scratch);
      if (f->type() == FD::TYPE_BYTES) {
        std::string encoded;
        pb::Base64Escape(s, &encoded);
        out.push_back('"');
        out.append(encoded).push_back('"');
      } else {
        if (!is_valid_utf8(s)) return false;  // the caller repairs it first
        append_json_string(s, out);
      }
      return true;
    }
    case FD::CPPTYPE_INT32:
      out.append(std::to_string(rep ? r->GetRepeatedInt32(m, f, k) : r->GetInt32(m, f)));
      return true;
    case FD::CPPTYPE_BOOL:
      out.append((rep ? r->GetRepeatedBool(m, f, k) : r->GetBool(m, f)) ? "true" : "false");
      return true;
    case FD::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* v = rep ? r->GetRepeatedEnum(m, f, k) : r->GetEnum(m, f);
      out.push_back('"');
      out.append(v->name()).push_back('"');
      return true;
    }
    case FD::CPPTYPE_MESSAGE: {
      const pb::Message& sub = rep ? r->GetRepeatedMessage(m, f, k) : r->GetMessage(m, f);
      const size_t start = out.size();
      if (!append_members(sub, out)) return false;
      if (out.size() == start) {
        out.append("{}");
      } else {
        out[start] = '{';
        out.push_back('}');
      }
      return true;
    }
    default:  // 64-bit integers and floating point: none in the protocol; left to protobuf
      return false;
  }
}

// One scalar value as the fillers see it, whichever reader produced it.
struct Scalar {
  enum class Kind { kString, kInt32, kBool, kOther };  // kOther: nothing a field of the protocol takes
  Kind kind = Kind::kOther;
  std::string_view text;  // kString
  int32_t int32 = 0;
  bool boolean = false;
};

Scalar string_scalar(std::string_view text) { return {Scalar::Kind::kString, text, 0, false}; }
Scalar bool_scalar(bool v) { return {Scalar::Kind::kBool, {}, 0, v}; }
// An integer beyond int32 fits no field of the protocol (it has no 64-bit ones).
Scalar integer_scalar(int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return {};
  return {Scalar::Kind::kInt32, {}, static_cast<int32_t>(v), false};
}
Scalar unsigned_scalar(uint64_t v) {
  return v > uint64_t{std::numeric_limits<int32_t>::max()} ? Scalar{} : integer_scalar(static_cast<int64_t>(v));
}

Scalar scalar_of(const nlohmann::json& v) {
  if (v.is_string()) return string_scalar(v.get_ref<const std::string&>());
  if (v.is_boolean()) return bool_scalar(v.get<bool>());
  if (v.is_number_unsigned()) return unsigned_scalar(v.get<uint64_t>());
  if (v.is_number_integer()) return integer_scalar(v.get<int64_t>());
  return {};
}

Scalar scalar_of(const FlatValue& v) {
  switch (v.kind) {
    case FlatValue::Kind::kString:
      return string_scalar(v.text);
    case FlatValue::Kind::kBool:
      return bool_scalar(v.boolean);
    case FlatValue::Kind::kInteger:
      return integer_scalar(v.integer);
  }
  return {};
}

// The one rule for a scalar: the field's own JSON kind, nothing protobuf's parser would convert.
bool set_scalar(const Scalar& v, const FD* f, pb::Message& m) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FD::CPPTYPE_STRING:
      if (v.kind != Scalar::Kind::kString || f->type() == FD::TYPE_BYTES) return false;  // base64 rules: protobuf's
      rep ? r->AddString(&m, f, std::string(v.text)) : r->SetString(&m, f, std::string(v.text));
      return true;
    case FD::CPPTYPE_INT32:
      if (v.kind != Scalar::Kind::kInt32) return false;
      rep ? r->AddInt32(&m, f, v.int32) : r->SetInt32(&m, f, v.int32);
      return true;
    case FD::CPPTYPE_BOOL:
      if (v.kind != Scalar::Kind::kBool) return false;
      rep ? r->AddBool(&m, f, v.boolean) : r->SetBool(&m, f, v.boolean);
      return true;
    case FD::CPPTYPE_ENUM: {
      if (v.kind != Scalar::Kind::kString) return false;
      const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(std::string(v.text));
      if (e == nullptr) return false;
      rep ? r->AddEnum(&m, f, e) : r->SetEnum(&m, f, e);
      return true;
    }
    default:  // a message field takes an object; 64-bit and floating-point fields: none in the protocol
      return false;
  }
}

// The field a member's key names: its proto name or its JSON (lowerCamelCase) name.
const FD* field_for_key(const pb::Descriptor& d, std::string_view key) {
  for (int i = 0; i < d.field_count(); ++i)
    if (d.field(i)->name() == key) return d.field(i);
  for (int i = 0; i < d.field_count(); ++i)
    if (d.field(i)->json_name() == key) return d.field(i);
  return nullptr;
}

bool set_value(const nlohmann::json& v, const FD* f, pb::Message& m);

// `top`: the line's own object, whose "type" member is the envelope, not a field.
bool fill(const nlohmann::json& object, pb::Message& m, bool top) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (top && it.key() == "type") continue;
    const FD* f = field_for_key(*d, it.key());
    if (f == nullptr || f->is_map()) return false;
    // Two spellings of one field: leave the precedence to protobuf.
    if (f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f)) return false;
    const nlohmann::json& value = it.value();
    if (!f->is_repeated()) {
      if (!set_value(value, f, m)) return false;
      continue;
    }
    if (!value.is_array()) return false;
    for (const nlohmann::json& item : value)
      if (!set_value(item, f, m)) return false;
  }
  return true;
}

bool set_value(const nlohmann::json& v, const FD* f, pb::Message& m) {
  if (f->cpp_type() != FD::CPPTYPE_MESSAGE) return set_scalar(scalar_of(v), f, m);
  if (!v.is_object()) return false;
  const pb::Reflection* r = m.GetReflection();
  return fill(v, f->is_repeated() ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), false);
}

// The direct filler's rules for a line read by core/flat_json.h: one level, scalars only.
bool fill_from_flat(const FlatObject& object, std::string_view type_name, pb::Message& m) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  bool type_seen = false;
  for (size_t i = 0; i < object.size; ++i) {
    const FlatMember& member = object.members[i];
    if (member.key == "type") {
      if (type_seen || member.value.kind != FlatValue::Kind::kString || member.value.text != type_name) return false;
      type_seen = true;
      continue;
    }
    const FD* f = field_for_key(*d, member.key);
    // A repeated field takes its values in an array only; a member named twice is left to the others.
    if (f == nullptr || f->is_repeated() || r->HasField(m, f)) return false;
    if (!set_scalar(scalar_of(member.value), f, m)) return false;
  }
  return type_seen;
}

// The direct filler's rules (fill, set_value) applied while nlohmann's SAX parser reads the text, so
// that no document is built: each scalar is checked and set as set_value does, objects and arrays
// open and close the fields fill() would walk into. Declines (returns false) where fill() would.
class SaxFiller : public nlohmann::json_sax<nlohmann::json> {
 public:
  SaxFiller(pb::Message& top, std::string_view type_name) : top_(top), type_name_(type_name) {}
  bool complete() const { return done_ && type_seen_; }

  bool null() override { return value(Scalar{}); }
  bool boolean(bool v) override { return value(bool_scalar(v)); }
  bool number_integer(number_integer_t v) override { return value(integer_scalar(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(unsigned_scalar(v)); }
  bool number_float(number_float_t, const string_t&) override { return false; }  // no such field
  bool binary(binary_t&) override { return false; }
  bool string(string_t& v) override {
    if (in_type_) {
      in_type_ = false;
      return v == type_name_;
    }
    return value(string_scalar(v));
  }

  bool start_object(std::size_t) override {
    if (stack_.empty()) {
      if (done_) return false;
      stack_.push_back({&top_, nullptr, true, false});
      return true;
    }
    Frame& f = stack_.back();
    if (!takes_value(f) || f.field->cpp_type() != FD::CPPTYPE_MESSAGE) return false;
    const pb::Reflection* r = f.message->GetReflection();
    pb::Message* sub = f.in_array ? r->AddMessage(f.message, f.field) : r->MutableMessage(f.message, f.field);
    if (!f.in_array) f.field = nullptr;
    stack_.push_back({sub, nullptr, false, false});
    return true;
  }
  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (f.top && k == "type") {
      if (type_seen_) return false;
      type_seen_ = in_type_ = true;
      return true;
    }
    const FD* field = field_for_key(*f.message->GetDescriptor(), k);
    if (field == nullptr || field->is_map()) return false;
    // Two spellings of one field (or one member twice): left to the other paths.
    const pb::Reflection* r = f.message->GetReflection();
    if (field->is_repeated() ? r->FieldSize(*f.message, field) > 0 : r->HasField(*f.message, field)) return false;
    f.field = field;
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    done_ = stack_.empty();
    return true;
  }
  bool start_array(std::size_t) override {
    if (stack_.empty()) return false;
    Frame& f = stack_.back();
    if (f.field == nullptr || !f.field->is_repeated() || f.in_array) return false;
    f.in_array = true;
    return true;
  }
  bool end_array() override {
    Frame& f = stack_.back();
    f.in_array = false;
    f.field = nullptr;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    pb::Message* message;
    const FD* field;  // the member whose value comes next
    bool top;         // the line's own object
    bool in_array;    // inside that member's array
  };
  // A repeated field takes its values in an array only; a singular one never in an array.
  static bool takes_value(const Frame& f) { return f.field != nullptr && f.field->is_repeated() == f.in_array; }
  bool value(const Scalar& v) {
    if (stack_.empty()) return false;
    Frame& f = stack_.back();
    if (!takes_value(f) || !set_scalar(v, f.field, *f.message)) return false;
    if (!f.in_array) f.field = nullptr;
    return true;
  }

  pb::Message& top_;
  std::string_view type_name_;
  std::vector<Frame> stack_;
  bool type_seen_ = false;
  bool in_type_ = false;  // the top object's "type" member's value comes next
  bool done_ = false;
};

// "a, b, c" of the names of `count` items.
template <typename NameOf>
std::string join_names(int count, NameOf name_of) {
  std::string names;
  for (int i = 0; i < count; ++i) names.append(i ? ", " : "").append(name_of(i));
  return names;
}

std::string join_names(const pb::Descriptor& d) {
  return join_names(d.field_count(), [&](int i) { return d.field(i)->name(); });
}

std::string join_values(const pb::EnumDescriptor& e) {
  return join_names(e.value_count(), [&](int i) { return e.value(i)->name(); });
}

// What is wrong with one value of `f`, or "". Only what protobuf's parser refuses too: it reads
// numbers and booleans from strings, and enums from numbers, so those are left to it.
std::string value_problem(const nlohmann::json& v, const FD& f, const std::string& label, const std::string& type_name);

// `prefix`: where `object` sits in the line ("" for the line itself, "attachment[0]." below it).
std::string object_problem(const nlohmann::json& object, const pb::Descriptor& d, const std::string& prefix,
                           const std::string& type_name) {
  const std::string where = prefix.empty() ? type_name : type_name + ": " + prefix.substr(0, prefix.size() - 1);
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (prefix.empty() && it.key() == "type") continue;
    const FD* f = field_for_key(d, it.key());
    if (f == nullptr) return where + " has no field \"" + it.key() + "\"; its fields: " + join_names(d);
    const nlohmann::json& value = it.value();
    if (value.is_null() || f->is_map()) continue;
    const std::string label = prefix + f->name();
    if (!f->is_repeated() || !value.is_array()) {  // protobuf takes a lone value as a one-item array
      std::string problem = value_problem(value, *f, label, type_name);
      if (!problem.empty()) return problem;
      continue;
    }
    for (size_t k = 0; k < value.size(); ++k) {
      std::string problem = value_problem(value[k], *f, label + "[" + std::to_string(k) + "]", type_name);
      if (!problem.empty()) return problem;
    }
  }
  std::string missing;
  for (int i = 0; i < d.field_count(); ++i) {
    const FD* f = d.field(i);
    if (!f->is_required()) continue;
    const auto a = object.find(f->name()), b = object.find(f->json_name());
    if ((a == object.end() || a->is_null()) && (b == object.end() || b->is_null()))
      missing.append(missing.empty() ? "" : ", ").append(prefix + f->name());
  }
  return missing.empty() ? std::string() : type_name + ": missing required field(s) " + missing;
}

std::string value_problem(const nlohmann::json& v, const FD& f, const std::string& label,
                          const std::string& type_name) {
  const std::string at = type_name + ": " + label;
  switch (f.cpp_type()) {
    case FD::CPPTYPE_STRING:
      if (f.type() == FD::TYPE_STRING && !v.is_string()) return at + " must be a string";
      return {};  // bytes: base64 as protobuf reads it
    case FD::CPPTYPE_INT32: {
      if (v.is_string()) return {};
      const bool integral =
          v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<int64_t>(v.get<double>()));
      const bool fits = v.is_number_unsigned()
                            ? v.get<uint64_t>() <= uint64_t{std::numeric_limits<int32_t>::max()}
                            : v.is_number() && v.get<double>() >= std::numeric_limits<int32_t>::min() &&
                                  v.get<double>() <= std::numeric_limits<int32_t>::max();
      if (!v.is_number() || !integral || !fits) return at + " must be an integer from -2147483648 to 2147483647";
      return {};
    }
    case FD::CPPTYPE_BOOL:
      return v.is_boolean() || v.is_string() ? std::string() : at + " must be true or false";
    case FD::CPPTYPE_ENUM: {
      const pb::EnumDescriptor& e = *f.enum_type();
      if (v.is_string() && e.FindValueByName(v.get_ref<const std::string&>()) == nullptr)
        return at + ": " + v.dump() + " is not a " + e.name() + "; valid: " + join_values(e);
      if (!v.is_string() && !v.is_number_integer()) return at + " must be a " + e.name() + "; valid: " + join_values(e);
      return {};
    }
    case FD::CPPTYPE_MESSAGE:
      if (!v.is_object()) return at + " must be an object";
      return object_problem(v, *f.message_type(), label + ".", type_name);
    default:
      return {};
  }
}

}  // namespace

std::string explain_json_error(const nlohmann::json& object, const pb::Descriptor& descriptor,
                               const std::string& type_name) {
  return object.is_object() ? object_problem(object, descriptor, "", type_name) : std::string();
}

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run that needs no escaping in one go.
    const size_t run = i;
    size_t length = 1;
    uint32_t cp = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != 0x7f) {
          ++i;
          continue;
        }
        cp = c;
        length = 1;
        break;
      }
      // Valid UTF-8 (strings are repaired before printing): decode one code point.
      length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      cp = c & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
      for (size_t k = 1; k < length && i + k < s.size(); ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      if (escaped_code_point(cp)) break;
      i += length;
    }
    out.append(s.data() + run, i - run);
    if (i >= s.size()) break;
    switch (cp) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (cp < 0x10000) {
          append_u_escape(cp, out);
        } else {
          append_u_escape(0xD800 + ((cp - 0x10000) >> 10), out);
          append_u_escape(0xDC00 + ((cp - 0x10000) & 0x3FF), out);
        }
    }
    i += length;
  }
  out.push_back('"');
}

std::string append_json_members_protobuf(const pb::Message& message, std::string& out) {
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string object;
  // Through the binary form: MessageToJsonString aborts on a message missing required fields.
  const pb::util::Status status = pb::util::BinaryToJsonString(type_resolver(), type_url(*message.GetDescriptor()),
                                                               message.SerializePartialAsString(), &object, options);
  if (!status.ok()) return std::string(status.message());
  if (object.size() > 2) out.append(",").append(object, 1, object.size() - 2);
  return {};
}

bool append_json_members_direct(const pb::Message& message, std::string& out) {
  if (has_unknown_fields(message)) return false;  // protobuf prints them as numbers
  const size_t start = out.size();
  if (append_members(message, out)) return true;
  out.resize(start);
  return false;
}

std::string fill_from_json_protobuf(const nlohmann::json& object, pb::Message& message) {
  nlohmann::json fields = object;
  fields.erase("type");
  const pb::util::Status status = pb::util::JsonStringToMessage(fields.dump(), &message);
  return status.ok() ? std::string() : std::string(status.message());
}

bool fill_from_json_text(std::string_view text, std::string_view type_name, pb::Message& message) {
  FlatObject flat;
  if (read_flat_json_object(text, flat)) {
    if (fill_from_flat(flat, type_name, message) && message.IsInitialized()) return true;
    message.Clear();  // and the parser below says the same, or takes what the flat rules leave to it
  }
  SaxFiller filler(message, type_name);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &filler);
  } catch (const nlohmann::json::exception&) {
    parsed = false;
  }
  if (parsed && filler.complete() && message.IsInitialized()) return true;
  message.Clear();
  return false;
}

bool fill_from_json_direct(const nlohmann::json& object, pb::Message& message) {
  if (fill(object, message, true) && message.IsInitialized()) return true;
  message.Clear();
  return false;
}

}  // namespace s2j
