// Child → Spectrum: an arbitrary line (huge, nested, non-UTF-8, NUL bytes...). Invariant: whatever
// the bridge accepts is a frame Spectrum's strict parser accepts, of a type Spectrum handles from
// a backend, with nothing in it that makes Spectrum throw.
#include <boost/date_time/posix_time/posix_time.hpp>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/json_text.h"
#include "core/json_translator.h"
#include "core/proto_json.h"
#include "core/spectrum_rules.h"
#include "protocol.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  // The direct filler, when it does not decline, builds the message protobuf's parser builds.
  const nlohmann::json object = s2j::parse_json(line);
  if (object.is_object()) {
    for (const char* name : {"conv_message", "buddy_changed", "participant_changed", "stats", "room_list", "vcard"}) {
      const s2j::MessageType* t = s2j::find_message_type(name);
      std::unique_ptr<google::protobuf::Message> a(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(t->descriptor)->New());
      std::unique_ptr<google::protobuf::Message> b(a->New());
      if (s2j::fill_from_json_direct(object, *a) &&
          (!s2j::fill_from_json_protobuf(object, *b).empty() || a->SerializeAsString() != b->SerializeAsString()))
        std::abort();
    }
  }
  const s2j::FromChild in = s2j::json_to_wrapper(line);
  if (in.kind == s2j::FromChild::Kind::kRejected && in.error.empty()) std::abort();  // say why
  if (in.kind != s2j::FromChild::Kind::kFrame) return 0;
  pbnetwork::WrapperMessage wrapper;
  if (!wrapper.ParseFromString(in.frame_body)) std::abort();
  const s2j::MessageType* type = s2j::find_message_type(wrapper.type());
  if (type == nullptr || !type->to_spectrum || type != in.type) std::abort();
  if (type->payload == s2j::PayloadKind::kNone && wrapper.has_payload()) std::abort();
  if (type->payload != s2j::PayloadKind::kMessage) return 0;
  std::unique_ptr<google::protobuf::Message> payload(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type->descriptor)->New());
  if (!payload->ParseFromString(wrapper.payload())) std::abort();  // Spectrum's non-partial parse
  // Spectrum reads the timestamp with Boost: it must not throw there, nor when it is formatted again.
  if (wrapper.type() == pbnetwork::WrapperMessage::TYPE_CONV_MESSAGE ||
      wrapper.type() == pbnetwork::WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED) {
    const std::string& stamp = static_cast<pbnetwork::ConversationMessage&>(*payload).timestamp();
    if (!stamp.empty()) {
      try {
        (void)boost::posix_time::to_iso_extended_string(boost::posix_time::from_iso_string(stamp));
      } catch (const std::exception&) {
        std::abort();
      }
    }
  }
  if (wrapper.type() == pbnetwork::WrapperMessage::TYPE_BACKEND_CONFIG &&
      !s2j::check_backend_config(static_cast<pbnetwork::BackendConfig&>(*payload).config()).empty())
    std::abort();
  return 0;
}
