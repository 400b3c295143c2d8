#include "core/message_types.h"

#include <array>
#include <unordered_map>

#include "protocol.pb.h"

namespace s2j {

namespace {

using pbnetwork::WrapperMessage;
using Getter = const google::protobuf::Descriptor* (*)();

struct Row {
  WrapperMessage::Type type;
  PayloadKind payload;
  Getter descriptor;
  bool from_spectrum;
  bool to_spectrum;
};

constexpr PayloadKind kMsg = PayloadKind::kMessage;
constexpr PayloadKind kNone = PayloadKind::kNone;
constexpr PayloadKind kXml = PayloadKind::kRawXml;
constexpr PayloadKind kFt = PayloadKind::kUnsupported;

// Directions (docs/spectrum-protocol.md#message-types): S→B "Spectrum sends it", B→S "Spectrum handles it".
const Row kRows[] = {
    {WrapperMessage::TYPE_CONNECTED, kMsg, pbnetwork::Connected::descriptor, false, true},
    {WrapperMessage::TYPE_DISCONNECTED, kMsg, pbnetwork::Disconnected::descriptor, false, true},
    {WrapperMessage::TYPE_LOGIN, kMsg, pbnetwork::Login::descriptor, true, false},
    {WrapperMessage::TYPE_LOGOUT, kMsg, pbnetwork::Logout::descriptor, true, false},
    {WrapperMessage::TYPE_BUDDY_CHANGED, kMsg, pbnetwork::Buddy::descriptor, true, true},
    {WrapperMessage::TYPE_BUDDY_REMOVED, kMsg, pbnetwork::Buddy::descriptor, true, true},
    {WrapperMessage::TYPE_CONV_MESSAGE, kMsg, pbnetwork::ConversationMessage::descriptor, true, true},
    {WrapperMessage::TYPE_PING, kNone, nullptr, true, false},
    {WrapperMessage::TYPE_PONG, kNone, nullptr, false, true},
    {WrapperMessage::TYPE_JOIN_ROOM, kMsg, pbnetwork::Room::descriptor, true, false},
    {WrapperMessage::TYPE_LEAVE_ROOM, kMsg, pbnetwork::Room::descriptor, true, false},
    {WrapperMessage::TYPE_PARTICIPANT_CHANGED, kMsg, pbnetwork::Participant::descriptor, false, true},
    {WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED, kMsg, pbnetwork::Room::descriptor, false, true},
    {WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED, kMsg, pbnetwork::ConversationMessage::descriptor, true, true},
    {WrapperMessage::TYPE_VCARD, kMsg, pbnetwork::VCard::descriptor, true, true},
    {WrapperMessage::TYPE_STATUS_CHANGED, kMsg, pbnetwork::Status::descriptor, true, false},
    {WrapperMessage::TYPE_BUDDY_TYPING, kMsg, pbnetwork::Buddy::descriptor, true, true},
    {WrapperMessage::TYPE_BUDDY_STOPPED_TYPING, kMsg, pbnetwork::Buddy::descriptor, true, true},
    {WrapperMessage::TYPE_BUDDY_TYPED, kMsg, pbnetwork::Buddy::descriptor, true, true},
    {WrapperMessage::TYPE_AUTH_REQUEST, kMsg, pbnetwork::Buddy::descriptor, false, true},
    {WrapperMessage::TYPE_ATTENTION, kMsg, pbnetwork::ConversationMessage::descriptor, true, true},
    {WrapperMessage::TYPE_STATS, kMsg, pbnetwork::Stats::descriptor, false, true},
    {WrapperMessage::TYPE_FT_START, kFt, nullptr, false, false},
    {WrapperMessage::TYPE_FT_FINISH, kFt, nullptr, false, false},
    {WrapperMessage::TYPE_FT_DATA, kFt, nullptr, false, false},
    {WrapperMessage::TYPE_FT_PAUSE, kFt, nullptr, false, false},
    {WrapperMessage::TYPE_FT_CONTINUE, kFt, nullptr, false, false},
    {WrapperMessage::TYPE_EXIT, kNone, nullptr, true, false},
    {WrapperMessage::TYPE_BACKEND_CONFIG, kMsg, pbnetwork::BackendConfig::descriptor, false, true},
    {WrapperMessage::TYPE_QUERY, kMsg, pbnetwork::BackendConfig::descriptor, true, true},
    {WrapperMessage::TYPE_ROOM_LIST, kMsg, pbnetwork::RoomList::descriptor, false, true},
    {WrapperMessage::TYPE_CONV_MESSAGE_ACK, kMsg, pbnetwork::ConversationMessage::descriptor, false, true},
    {WrapperMessage::TYPE_RAW_XML, kXml, nullptr, true, true},
    {WrapperMessage::TYPE_BUDDIES, kMsg, pbnetwork::Buddies::descriptor, true, false},
    {WrapperMessage::TYPE_API_VERSION, kMsg, pbnetwork::APIVersion::descriptor, false, false},
};

constexpr int kMaxType = WrapperMessage::Type_MAX;

struct Table {
  std::array<MessageType, kMaxType + 1> by_number{};
  std::array<bool, kMaxType + 1> present{};
  std::unordered_map<std::string_view, const MessageType*> by_name;  // both spellings

  Table() {
    for (const Row& row : kRows) {
      const std::string& enum_name = WrapperMessage::Type_Name(row.type);
      std::string json_name = enum_name.substr(5);  // drop "TYPE_"
      for (char& c : json_name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      by_number[row.type] = MessageType{
          row.type,          json_name,      enum_name, row.payload, row.descriptor ? row.descriptor() : nullptr,
          row.from_spectrum, row.to_spectrum};
      present[row.type] = true;
    }
    for (const MessageType& t : by_number) {
      if (t.json_name.empty()) continue;
      by_name.emplace(t.json_name, &t);
      by_name.emplace(t.enum_name, &t);
    }
  }
};

const Table& table() {
  static const Table instance;
  return instance;
}

}  // namespace

const MessageType* find_message_type(int number) {
  const Table& t = table();
  if (number < 0 || number > kMaxType || !t.present[number]) return nullptr;
  return &t.by_number[number];
}

const MessageType* find_message_type(std::string_view name) {
  const Table& t = table();
  const auto it = t.by_name.find(name);
  return it == t.by_name.end() ? nullptr : it->second;
}

}  // namespace s2j
