// Reference readings for the fuzz targets' oracles, written from the protocol's description (README,
// proto/protocol.proto) and protobuf's own descriptors, never with the bridge's helpers.
#pragma once

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include "protocol.pb.h"

namespace reference {

using pbnetwork::WrapperMessage;

// "conv_message" for TYPE_CONV_MESSAGE; "" for a number outside the enum.
inline std::string json_name(int number) {
  if (!WrapperMessage::Type_IsValid(number)) return {};
  std::string name = WrapperMessage::Type_Name(static_cast<WrapperMessage::Type>(number)).substr(5);
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return name;
}

// The type a line's "type" member names: the lower-case name, the enum name or the number.
inline std::optional<int> named_type(const nlohmann::json& type) {
  if (type.is_number_integer()) {  // enum numbers are small: compare in 64 bits, no narrowing
    const bool small = type.is_number_unsigned() ? type.get<uint64_t>() <= 1000
                                                 : type.get<int64_t>() >= 0 && type.get<int64_t>() <= 1000;
    if (small && WrapperMessage::Type_IsValid(type.get<int>())) return type.get<int>();
    return std::nullopt;
  }
  if (!type.is_string()) return std::nullopt;
  const std::string& s = type.get_ref<const std::string&>();
  const google::protobuf::EnumDescriptor* e = WrapperMessage::Type_descriptor();
  for (int i = 0; i < e->value_count(); ++i)
    if (s == e->value(i)->name() || s == json_name(e->value(i)->number())) return e->value(i)->number();
  return std::nullopt;
}

// The types Spectrum handles from a backend (README, "What the child may send"), and PONG and STATS.
inline bool handled_from_backend(int number) {
  switch (number) {
    case WrapperMessage::TYPE_CONNECTED:
    case WrapperMessage::TYPE_DISCONNECTED:
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_PONG:
    case WrapperMessage::TYPE_PARTICIPANT_CHANGED:
    case WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_VCARD:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_AUTH_REQUEST:
    case WrapperMessage::TYPE_ATTENTION:
    case WrapperMessage::TYPE_STATS:
    case WrapperMessage::TYPE_BACKEND_CONFIG:
    case WrapperMessage::TYPE_QUERY:
    case WrapperMessage::TYPE_ROOM_LIST:
    case WrapperMessage::TYPE_CONV_MESSAGE_ACK:
    case WrapperMessage::TYPE_RAW_XML:
      return true;
    default:
      return false;
  }
}

// The message a type's payload is (protocol.proto's comments, Spectrum's handlers); nullptr for the
// types without one (PING, PONG, EXIT, RAW_XML, the FT_* whose messages left the schema).
inline const google::protobuf::Descriptor* payload_message(int number) {
  switch (number) {
    case WrapperMessage::TYPE_CONNECTED:
      return pbnetwork::Connected::descriptor();
    case WrapperMessage::TYPE_DISCONNECTED:
      return pbnetwork::Disconnected::descriptor();
    case WrapperMessage::TYPE_LOGIN:
      return pbnetwork::Login::descriptor();
    case WrapperMessage::TYPE_LOGOUT:
      return pbnetwork::Logout::descriptor();
    case WrapperMessage::TYPE_BUDDY_CHANGED:
    case WrapperMessage::TYPE_BUDDY_REMOVED:
    case WrapperMessage::TYPE_BUDDY_TYPING:
    case WrapperMessage::TYPE_BUDDY_STOPPED_TYPING:
    case WrapperMessage::TYPE_BUDDY_TYPED:
    case WrapperMessage::TYPE_AUTH_REQUEST:
      return pbnetwork::Buddy::descriptor();
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED:
    case WrapperMessage::TYPE_ATTENTION:
    case WrapperMessage::TYPE_CONV_MESSAGE_ACK:
      return pbnetwork::ConversationMessage::descriptor();
    case WrapperMessage::TYPE_JOIN_ROOM:
    case WrapperMessage::TYPE_LEAVE_ROOM:
    case WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED:
      return pbnetwork::Room::descriptor();
    case WrapperMessage::TYPE_PARTICIPANT_CHANGED:
      return pbnetwork::Participant::descriptor();
    case WrapperMessage::TYPE_VCARD:
      return pbnetwork::VCard::descriptor();
    case WrapperMessage::TYPE_STATUS_CHANGED:
      return pbnetwork::Status::descriptor();
    case WrapperMessage::TYPE_STATS:
      return pbnetwork::Stats::descriptor();
    case WrapperMessage::TYPE_BACKEND_CONFIG:
    case WrapperMessage::TYPE_QUERY:
      return pbnetwork::BackendConfig::descriptor();
    case WrapperMessage::TYPE_ROOM_LIST:
      return pbnetwork::RoomList::descriptor();
    case WrapperMessage::TYPE_BUDDIES:
      return pbnetwork::Buddies::descriptor();
    case WrapperMessage::TYPE_API_VERSION:
      return pbnetwork::APIVersion::descriptor();
    default:
      return nullptr;
  }
}

inline std::unique_ptr<google::protobuf::Message> new_message(const google::protobuf::Descriptor* d) {
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d)->New());
}

// A frame body's type number as protobuf reads it: the known enum value, else the last varint of
// field 1 kept as an unknown field. nullopt when the body does not parse or has no type.
inline std::optional<int> frame_type(std::string_view body, WrapperMessage& w) {
  if (!w.ParsePartialFromArray(body.data(), static_cast<int>(body.size()))) return std::nullopt;
  if (w.has_type()) return static_cast<int>(w.type());
  std::optional<int> found;
  const google::protobuf::UnknownFieldSet& unknown = w.GetReflection()->GetUnknownFields(w);
  for (int i = 0; i < unknown.field_count(); ++i)
    if (unknown.field(i).number() == 1 && unknown.field(i).type() == google::protobuf::UnknownField::TYPE_VARINT)
      found = static_cast<int>(unknown.field(i).varint());
  return found;
}

// Splits well-framed bytes into bodies; false if they are not exactly whole frames.
inline bool split_frames(std::string_view bytes, std::vector<std::string>& bodies) {
  while (!bytes.empty()) {
    if (bytes.size() < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t length = size_t{p[0]} << 24 | size_t{p[1]} << 16 | size_t{p[2]} << 8 | p[3];
    if (bytes.size() - 4 < length) return false;
    bodies.emplace_back(bytes.substr(4, length));
    bytes.remove_prefix(4 + length);
  }
  return true;
}

// Splits text into lines that each end in "\n"; false if the last one does not.
inline bool split_lines(std::string_view text, std::vector<std::string>& lines) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    lines.emplace_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return true;
}

// JSON text that never throws (nlohmann may throw out_of_range even when told not to).
inline nlohmann::json parse(std::string_view text) {
  try {
    return nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

// Whether some object in the text names a member twice, as the same key or as two spellings of one
// field ("init_res", "initRes"): JSON leaves the meaning open, and parsers differ on it.
inline bool names_a_member_twice(std::string_view text) {
  std::vector<std::set<std::string>> objects;
  bool twice = false;
  const auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::object_start) objects.emplace_back();
    if (event == nlohmann::json::parse_event_t::object_end && !objects.empty()) objects.pop_back();
    if (event == nlohmann::json::parse_event_t::key && !objects.empty()) {
      std::string camel;  // protobuf's lowerCamelCase of the name
      bool upper = false;
      for (const char c : parsed.get_ref<const std::string&>()) {
        if (c != '_') camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = c == '_';
      }
      twice |= !objects.back().insert(camel).second;
    }
    return true;
  };
  try {
    const nlohmann::json ignored = nlohmann::json::parse(text, callback, false);
  } catch (const nlohmann::json::exception&) {
  }
  return twice;
}

// Whether nlohmann's strict printer takes the text (it checks UTF-8 as it prints).
inline bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace reference
