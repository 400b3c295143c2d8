// The form in which a recorded message and a backend's answer are compared. Both go through the
// translator's JSON → protobuf → JSON, so that key order and the writer's spelling (enum numbers,
// lowerCamelCase, "TYPE_CONV_MESSAGE") do not matter, and an optional field holding its default
// value is left out: a receiver reads an absent field as that default. Where presence itself says
// something (VCard.photo, Buddy.blocked: docs/spectrum-protocol.md#field-presence) it is kept.
#pragma once

#include <nlohmann/json.hpp>

namespace s2j {

enum class Defaults { kDrop, kKeep };

// `message` in canonical form; with Defaults::kKeep only translated (what a backend's frame shows:
// for scenario lines). A message that does not translate (an opaque frame, a payload that lacks a
// required field) is returned as written: it is compared as it is.
nlohmann::ordered_json canonical_message(const nlohmann::ordered_json& message, Defaults defaults = Defaults::kDrop);

}  // namespace s2j
