#include "core/message_types.h"

#include <gtest/gtest.h>

#include "protocol.pb.h"

namespace s2j {
namespace {

using pbnetwork::WrapperMessage;

TEST(MessageTypes, EveryEnumValueHasARow) {
  const auto* e = WrapperMessage::Type_descriptor();
  for (int i = 0; i < e->value_count(); ++i) {
    const MessageType* t = find_message_type(e->value(i)->number());
    ASSERT_NE(t, nullptr) << e->value(i)->name();
    EXPECT_EQ(t->enum_name, e->value(i)->name());
  }
  EXPECT_EQ(find_message_type(5), nullptr);
  EXPECT_EQ(find_message_type(37), nullptr);
  EXPECT_EQ(find_message_type(-1), nullptr);
}

TEST(MessageTypes, NamesAreLowerCaseWithoutPrefix) {
  EXPECT_EQ(find_message_type(8)->json_name, "conv_message");
  EXPECT_EQ(find_message_type("conv_message")->number, 8);
  EXPECT_EQ(find_message_type("TYPE_CONV_MESSAGE")->number, 8);
  EXPECT_EQ(find_message_type("buddy_changed")->number, 6);
  EXPECT_EQ(find_message_type("Conv_Message"), nullptr);
}

TEST(MessageTypes, DirectionsFollowTheReference) {
  // S→B only
  for (const char* n : {"login", "logout", "ping", "join_room", "leave_room", "status_changed", "exit", "buddies"}) {
    EXPECT_TRUE(find_message_type(n)->from_spectrum) << n;
    EXPECT_FALSE(find_message_type(n)->to_spectrum) << n;
  }
  // B→S only
  for (const char* n : {"connected", "disconnected", "pong", "participant_changed", "room_nickname_changed",
                        "auth_request", "stats", "backend_config", "room_list", "conv_message_ack"}) {
    EXPECT_FALSE(find_message_type(n)->from_spectrum) << n;
    EXPECT_TRUE(find_message_type(n)->to_spectrum) << n;
  }
  // both ways
  for (const char* n : {"buddy_changed", "buddy_removed", "conv_message", "room_subject_changed", "vcard",
                        "buddy_typing", "buddy_stopped_typing", "buddy_typed", "attention", "query", "raw_xml"}) {
    EXPECT_TRUE(find_message_type(n)->from_spectrum) << n;
    EXPECT_TRUE(find_message_type(n)->to_spectrum) << n;
  }
  for (const char* n : {"api_version", "ft_start", "ft_continue"}) {
    EXPECT_FALSE(find_message_type(n)->from_spectrum) << n;
    EXPECT_FALSE(find_message_type(n)->to_spectrum) << n;
  }
}

TEST(MessageTypes, PayloadsFollowTheReference) {
  EXPECT_EQ(find_message_type("ping")->payload, PayloadKind::kNone);
  EXPECT_EQ(find_message_type("raw_xml")->payload, PayloadKind::kRawXml);
  EXPECT_EQ(find_message_type("ft_data")->payload, PayloadKind::kUnsupported);
  EXPECT_EQ(find_message_type("attention")->descriptor, pbnetwork::ConversationMessage::descriptor());
  EXPECT_EQ(find_message_type("conv_message_ack")->descriptor, pbnetwork::ConversationMessage::descriptor());
  EXPECT_EQ(find_message_type("auth_request")->descriptor, pbnetwork::Buddy::descriptor());
  EXPECT_EQ(find_message_type("leave_room")->descriptor, pbnetwork::Room::descriptor());
  EXPECT_EQ(find_message_type("query")->descriptor, pbnetwork::BackendConfig::descriptor());
  EXPECT_EQ(find_message_type("status_changed")->descriptor, pbnetwork::Status::descriptor());
  EXPECT_EQ(find_message_type("buddies")->descriptor, pbnetwork::Buddies::descriptor());
}

}  // namespace
}  // namespace s2j
