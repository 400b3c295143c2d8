// protobuf message ⇄ JSON object for the translator. Each direction has two paths that must agree
// to the byte: protobuf's own JSON utilities (complete, slow: they go through a type resolver and
// the binary form), and a direct path over reflection for what the protocol's messages hold in
// practice. The direct path declines (returns false) whenever it is not sure to agree, and the
// caller then uses protobuf's. Tests and fuzzing check the agreement.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>

namespace s2j {

// protobuf's printer (preserve_proto_field_names): appends the object's members, "k":v,... without
// braces, each preceded by a comma. Returns an error text, empty on success.
std::string append_json_members_protobuf(const google::protobuf::Message& message, std::string& out);
// The direct printer: same output, or false (and `out` unchanged) when it declines, e.g. for a
// string that is not UTF-8 (protobuf's printer refuses it; the translator repairs it first).
bool append_json_members_direct(const google::protobuf::Message& message, std::string& out);

// protobuf's parser: fills `message` from `object` without its "type" member. Error text, or empty.
std::string fill_from_json_protobuf(const nlohmann::json& object, google::protobuf::Message& message);
// The direct filler: same message, or false when it declines (the message is then cleared).
bool fill_from_json_direct(const nlohmann::json& object, google::protobuf::Message& message);

// The same as the direct filler, from the line's text (its top object must have a "type" member equal
// to `type_name`, which is skipped), without building a document: nlohmann's SAX parser drives the
// direct filler's rules. Declines (false, the message cleared) wherever the direct filler would, and
// for a member named twice.
bool fill_from_json_text(std::string_view text, std::string_view type_name, google::protobuf::Message& message);

// Why `object` (a line for a `descriptor` payload, "type" member included) does not make a complete
// message, in the protocol's words, naming valid values and fields: an unknown field, a value of the
// wrong kind, an enum name the enum does not have, missing required fields. `type_name` starts the
// text ("conv_message"). Empty when it finds nothing it can name (protobuf's own text is then all there is).
std::string explain_json_error(const nlohmann::json& object, const google::protobuf::Descriptor& descriptor,
                               const std::string& type_name);

// A string as protobuf's printer escapes it (valid UTF-8 in), with the quotes.
void append_json_string(std::string_view text, std::string& out);

}  // namespace s2j
