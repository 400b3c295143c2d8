#include "core/message_reference.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/message_types.h"
#include "protocol.pb.h"

namespace s2j {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;
using pbnetwork::WrapperMessage;

namespace {

struct Does {
  WrapperMessage::Type type;
  const char* text;
};

// docs/spectrum-protocol.md#message-types says the same, row by row (tests/docs/test_protocol_doc.py).
const Does kDoes[] = {
    {WrapperMessage::TYPE_CONNECTED,
     "The user is now logged in to the legacy network: its reconnect count is reset, presences are re-sent, room joins "
     "held back are sent, and in server mode the XMPP login completes. An unknown `user` is logged and ignored."},
    {WrapperMessage::TYPE_DISCONNECTED,
     "A pending server-mode XMPP login is refused with `message`. Then, with `error` 0 or 16 and fewer than three "
     "retries since the last CONNECTED, Spectrum sends LOGOUT and a new LOGIN (maybe to another backend); with any "
     "other code the user sees `message` as an error and is logged out."},
    {WrapperMessage::TYPE_LOGIN,
     "Sent when a user assigned to this backend is ready to connect ([Users](spectrum-protocol.md#users)). `settings` "
     "is always there; `extraFields` is never filled."},
    {WrapperMessage::TYPE_LOGOUT,
     "The user is gone: went offline, was refused, is being reconnected, or Spectrum shuts down. No answer is "
     "expected."},
    {WrapperMessage::TYPE_BUDDY_CHANGED,
     "S→B: the user added, renamed or subscribed to a contact (`status` is NONE, no `blocked`). B→S: the contact is "
     "added to the user's roster or updated; an empty `alias` or no `group` keeps the old ones, an absent `status` "
     "means online."},
    {WrapperMessage::TYPE_BUDDY_REMOVED, "S→B: the user removed a contact. B→S: the contact leaves the user's roster."},
    {WrapperMessage::TYPE_CONV_MESSAGE,
     "S→B: the user wrote to a contact or room; `xhtml` is always set, `id` only when the sender asked for a receipt. "
     "B→S: delivered to the user; a `nickname` marks a message from a room participant (the room must be joined), `pm` "
     "a private one, `timestamp` adds a delay stamp ([Timestamps](spectrum-protocol.md#timestamps)), `headline` and "
     "`carbon` change how it is shown."},
    {WrapperMessage::TYPE_PING,
     "First frame on every connection, then every 20 seconds ([PING, PONG and "
     "STATS](spectrum-protocol.md#ping-pong-and-stats))."},
    {WrapperMessage::TYPE_PONG, "Counts as the answer to the last PING; the first one makes the backend usable."},
    {WrapperMessage::TYPE_JOIN_ROOM,
     "The user joins a room under `nickname`; `password` is \"\" when there is none. Held back until the user is "
     "CONNECTED ([Rooms](spectrum-protocol.md#rooms))."},
    {WrapperMessage::TYPE_LEAVE_ROOM,
     "The user left the room (also after a failed join); `nickname` and `password` are \"\"."},
    {WrapperMessage::TYPE_PARTICIPANT_CHANGED,
     "A participant of a joined room appeared, changed or left. For the user's own nickname it confirms the join, or "
     "fails it ([Rooms](spectrum-protocol.md#rooms))."},
    {WrapperMessage::TYPE_ROOM_NICKNAME_CHANGED,
     "Sets the user's own nickname in the room, e.g. when the network gave another one than asked for."},
    {WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED,
     "The room's subject is in `message`. S→B: the user set it. B→S: shown to the user, `nickname` names who set it."},
    {WrapperMessage::TYPE_VCARD,
     "S→B: a request for `buddyName`'s vCard (no `photo`), or the user's own new vCard (`photo` present, `buddyName` "
     "\"\"). B→S: the answer to a request, with the request's `id`."},
    {WrapperMessage::TYPE_STATUS_CHANGED,
     "The user's XMPP presence changed; `statusMessage` is always set. Going offline is LOGOUT, never this."},
    {WrapperMessage::TYPE_BUDDY_TYPING,
     "The other side is composing. B→S only has an effect in an existing conversation."},
    {WrapperMessage::TYPE_BUDDY_STOPPED_TYPING,
     "The other side is active again, not typing. Spectrum sends it before a message that carries the active state."},
    {WrapperMessage::TYPE_BUDDY_TYPED, "The other side paused typing."},
    {WrapperMessage::TYPE_AUTH_REQUEST, "The contact asks to be added: the user gets a subscription request from it."},
    {WrapperMessage::TYPE_ATTENTION, "An attention request (\"buzz\"), in either direction."},
    {WrapperMessage::TYPE_STATS,
     "Stored: memory figures and the backend's PID ([PING, PONG and "
     "STATS](spectrum-protocol.md#ping-pong-and-stats))."},
    {WrapperMessage::TYPE_FT_START, "File transfer, which never worked; only the enum value is left."},
    {WrapperMessage::TYPE_FT_FINISH, "As FT_START."},
    {WrapperMessage::TYPE_FT_DATA, "As FT_START."},
    {WrapperMessage::TYPE_FT_PAUSE, "As FT_START."},
    {WrapperMessage::TYPE_FT_CONTINUE, "As FT_START."},
    {WrapperMessage::TYPE_EXIT,
     "Spectrum is done with the backend and closes the connection right after ([EXIT and "
     "shutdown](spectrum-protocol.md#exit-and-shutdown))."},
    {WrapperMessage::TYPE_BACKEND_CONFIG,
     "The backend's features and registration settings as INI text ([Backend "
     "config](spectrum-protocol.md#backend-config))."},
    {WrapperMessage::TYPE_QUERY,
     "B→S: an admin command line in `config`, even before the first PONG; Spectrum answers on the same connection with "
     "a QUERY whose `config` is the result. Spectrum sends it only as such an answer."},
    {WrapperMessage::TYPE_ROOM_LIST,
     "Rooms offered in service discovery: `room[i]` named `name[i]`, for the user in `user`, or for everyone when "
     "`user` is empty."},
    {WrapperMessage::TYPE_CONV_MESSAGE_ACK,
     "A delivery receipt for the message `id` goes to the user in the conversation `buddyName`; `message` may be \"\". "
     "Without `id` it is logged and dropped."},
    {WrapperMessage::TYPE_RAW_XML,
     "A whole XMPP stanza as text, in raw-XML mode only ([Raw XML](spectrum-protocol.md#raw-xml))."},
    {WrapperMessage::TYPE_BUDDIES, "The stored roster, right after LOGIN, only with `features.send_buddies_on_login`."},
    {WrapperMessage::TYPE_API_VERSION,
     "Defined, but Spectrum never sends it and ignores it from a backend. Do not wait for it."},
};

// int32 fields whose numbers come from an enum the schema does not attach to them.
struct NumberEnum {
  const char* field;  // full name
  const char* enum_name;
  const char* how;
};
const NumberEnum kNumberEnums[] = {
    {"pbnetwork.Disconnected.error", "pbnetwork.ConnectionError", "one of the numbers of"},
    {"pbnetwork.Participant.flag", "pbnetwork.ParticipantFlag", "an OR of the bits of"},
};

const NumberEnum* number_enum(const FD& field) {
  for (const NumberEnum& e : kNumberEnums)
    if (field.full_name() == e.field) return &e;
  return nullptr;
}

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string value_type(const FD& f) {
  if (f.is_map())
    return "object (" + value_type(*f.message_type()->map_key()) + " keys, " +
           value_type(*f.message_type()->map_value()) + " values)";
  switch (f.type()) {
    case FD::TYPE_STRING:
      return "string";
    case FD::TYPE_BYTES:
      return "bytes as base64 string";
    case FD::TYPE_BOOL:
      return "bool";
    case FD::TYPE_INT32:
      return "int32";
    case FD::TYPE_ENUM:
      return code(f.enum_type()->name()) + " (enum name as string)";
    case FD::TYPE_MESSAGE:
      return code(f.message_type()->name()) + " (object)";
    default:
      return f.type_name();
  }
}

std::string field_type(const FD& f) {
  const std::string t = value_type(f);
  return f.is_repeated() && !f.is_map() ? "array of " + t : t;
}

std::string presence(const FD& f) {
  if (f.is_required()) return "required";
  return f.is_repeated() ? "optional (may be empty)" : "optional";
}

std::string enum_values(const pb::EnumDescriptor& e) {
  std::string text;
  for (int i = 0; i < e.value_count(); ++i) {
    if (i > 0) text += ", ";
    text += code(e.value(i)->name()) + " (" + std::to_string(e.value(i)->number()) + ")";
  }
  return text;
}

// A placeholder JSON value for a required field.
std::string placeholder(const FD& f) {
  switch (f.cpp_type()) {
    case FD::CPPTYPE_STRING:
      return "\"…\"";
    case FD::CPPTYPE_BOOL:
      return "false";
    case FD::CPPTYPE_ENUM:
      return "\"" + f.enum_type()->value(0)->name() + "\"";
    case FD::CPPTYPE_MESSAGE:
      return "{}";
    default:
      return "0";
  }
}

// The field table of `d`, then the tables of the messages its fields hold, once each.
void append_fields(const pb::Descriptor& d, const std::string& title, std::set<const pb::Descriptor*>& seen,
                   std::vector<const pb::EnumDescriptor*>& enums, std::string& out) {
  seen.insert(&d);
  out += title + "\n\n| field | type | presence |\n|---|---|---|\n";
  std::vector<const FD*> nested;
  std::string notes;
  for (int i = 0; i < d.field_count(); ++i) {
    const FD& f = *d.field(i);
    out += "| " + code(f.name()) + " | " + field_type(f) + " | " + presence(f) + " |\n";
    if (f.type() == FD::TYPE_ENUM && std::find(enums.begin(), enums.end(), f.enum_type()) == enums.end())
      enums.push_back(f.enum_type());
    if (f.type() == FD::TYPE_MESSAGE && !f.is_map() && seen.count(f.message_type()) == 0) nested.push_back(&f);
    if (const NumberEnum* e = number_enum(f)) {
      const pb::EnumDescriptor* values = pb::DescriptorPool::generated_pool()->FindEnumTypeByName(e->enum_name);
      notes +=
          "\n" + code(f.name()) + " is " + e->how + " " + code(values->name()) + ": " + enum_values(*values) + ".\n";
    }
  }
  out += notes;
  for (const FD* f : nested) {
    if (seen.count(f->message_type())) continue;
    out += "\n";
    append_fields(*f->message_type(),
                  std::string(f->is_repeated() ? "Each item of " : "The object in ") + code(f->name()) + " (" +
                      code(f->message_type()->name()) + "):",
                  seen, enums, out);
  }
}

std::string direction(const MessageType& t) {
  if (t.json_name == "ping") return "S→B: the bridge answers it itself; the child never sees it.";
  if (t.json_name == "pong" || t.json_name == "stats")
    return "B→S: the bridge sends it itself; the child's are dropped.";
  if (t.from_spectrum && t.to_spectrum) return "both: the child receives it, and may send it.";
  if (t.from_spectrum)
    return "S→B: the child receives it; Spectrum ignores it from a backend, so the bridge rejects it.";
  if (t.to_spectrum) return "B→S: the child may send it; Spectrum never sends it.";
  return "none: Spectrum neither sends it nor handles it; the bridge rejects it from the child.";
}

void append_type(const MessageType& t, std::string& out) {
  out += "## " + t.json_name + "\n\n";
  out += code(t.enum_name) + " = " + std::to_string(t.number) + ". Direction: " + direction(t) + "\n\n";
  out += std::string(spectrum_does(t)) + "\n\n";
  std::string example = "{\"type\":\"" + t.json_name + "\"";
  switch (t.payload) {
    case PayloadKind::kNone:
      out += "Carries no fields.\n\n";
      break;
    case PayloadKind::kUnsupported:
      out +=
          "Its payload message is no longer in the schema: from Spectrum it would reach the child as "
          "`{\"type\":\"" +
          t.json_name + "\",\"payload\":\"<base64>\"}`.\n\n";
      return;
    case PayloadKind::kRawXml:
      out += "| field | type | presence |\n|---|---|---|\n| `xml` | string (one XMPP stanza) | required |\n\n";
      example += ",\"xml\":\"…\"";
      break;
    case PayloadKind::kMessage: {
      std::set<const pb::Descriptor*> seen;
      std::vector<const pb::EnumDescriptor*> enums;
      append_fields(*t.descriptor, "Payload " + code(t.descriptor->name()) + ", its fields beside `type`:", seen, enums,
                    out);
      for (const pb::EnumDescriptor* e : enums) out += "\n" + code(e->name()) + ": " + enum_values(*e) + ".\n";
      out += "\n";
      for (int i = 0; i < t.descriptor->field_count(); ++i) {
        const FD& f = *t.descriptor->field(i);
        if (f.is_required()) example += ",\"" + f.name() + "\":" + placeholder(f);
      }
      break;
    }
  }
  out += "With the required fields only:\n\n```json\n" + example + "}\n```\n\n";
}

std::vector<const MessageType*> all_types() {
  std::vector<const MessageType*> types;
  for (int number = 0; number <= WrapperMessage::Type_MAX; ++number)
    if (const MessageType* t = find_message_type(number)) types.push_back(t);
  return types;
}

std::string short_direction(const MessageType& t) {
  if (t.from_spectrum && t.to_spectrum) return "both";
  if (t.from_spectrum) return "S→B";
  return t.to_spectrum ? "B→S" : "none";
}

std::string payload_name(const MessageType& t) {
  switch (t.payload) {
    case PayloadKind::kNone:
      return "none";
    case PayloadKind::kMessage:
      return code(t.descriptor->name());
    case PayloadKind::kRawXml:
      return "raw XML";
    case PayloadKind::kUnsupported:
      return "removed";
  }
  return {};
}

}  // namespace

std::string_view spectrum_does(const MessageType& type) {
  for (const Does& d : kDoes)
    if (d.type == type.number) return d.text;
  return {};
}

std::string message_type_names() {
  std::string names;
  for (const MessageType* t : all_types()) names += (names.empty() ? "" : ", ") + t->json_name;
  return names;
}

std::optional<std::string> describe_types(std::optional<std::string_view> type) {
  std::string out;
  if (type) {
    const MessageType* t = find_message_type(*type);
    if (t == nullptr) return std::nullopt;
    append_type(*t, out);
    while (out.back() == '\n') out.pop_back();  // the caller ends the text
    return out;
  }
  out +=
      "# Message reference\n\n"
      "<!-- Generated by `spectrum2_json_backend --describe`: do not edit by hand. Regenerate with\n"
      "     build/spectrum2_json_backend --describe > docs/message-reference.md -->\n\n"
      "What each JSON line carries, type by type. This file is generated by `spectrum2_json_backend --describe`\n"
      "from the bridge's type table and the schema, [`proto/protocol.proto`](../proto/protocol.proto); do not edit\n"
      "it by hand. `spectrum2_json_backend --describe TYPE` prints one section.\n\n"
      "A line is one JSON object: `type` is the type's name below (its enum name and number are accepted on\n"
      "input too), and the payload's fields sit beside it, named exactly as listed\n"
      "([The JSON lines protocol](../README.md#the-json-lines-protocol)). A line without a required field is\n"
      "rejected, and so is a field the message does not have. Direction: S→B Spectrum sends it (the child\n"
      "receives it), B→S Spectrum handles it when a backend sends it (the child may send it).\n"
      "[The protocol notes](spectrum-protocol.md#message-types) say more about each type.\n\n"
      "| type | # | direction | payload |\n|---|---|---|---|\n";
  for (const MessageType* t : all_types())
    out += "| [" + code(t->json_name) + "](#" + t->json_name + ") | " + std::to_string(t->number) + " | " +
           short_direction(*t) + " | " + payload_name(*t) + " |\n";
  out += "\n";
  for (const MessageType* t : all_types()) append_type(*t, out);
  while (out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace s2j
