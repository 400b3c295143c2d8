// The JSON lines protocol's reference, per message type: what a line of that type carries (from the
// type table and the schema's descriptors) and what Spectrum does with it. `spectrum2_json_backend
// --describe` prints it; docs/message-reference.md is its output, kept equal by a test.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace s2j {

struct MessageType;

// One sentence or three: what Spectrum does with the type (docs/spectrum-protocol.md#message-types).
// Links are relative to docs/. Empty for a type this build does not describe.
std::string_view spectrum_does(const MessageType& type);

// Markdown without a final newline: the whole reference without `type`, one type's section with it
// (its JSON or enum name). nullopt when `type` names no type.
std::optional<std::string> describe_types(std::optional<std::string_view> type = std::nullopt);

// The JSON names of all types, in number order, comma-separated (for error texts).
std::string message_type_names();

}  // namespace s2j
