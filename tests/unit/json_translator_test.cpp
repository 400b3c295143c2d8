#include "core/json_translator.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "protocol.pb.h"

namespace s2j {
namespace {

namespace pb = google::protobuf;
using pbnetwork::WrapperMessage;

// Sets every field of `m` (two entries for repeated ones), with non-ASCII text and binary bytes.
void fill(pb::Message& m, int seed) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    const int n = f->is_repeated() ? 2 : 1;
    for (int k = 0; k < n; ++k) {
      const std::string text = f->name() + "-" + std::to_string(seed + k) + " \xC3\xA9\xE2\x82\xAC \"q\"\n";
      switch (f->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_STRING: {
          const std::string v =
              f->type() == pb::FieldDescriptor::TYPE_BYTES ? std::string("\x00\xff\x10", 3) + text : text;
          f->is_repeated() ? r->AddString(&m, f, v) : r->SetString(&m, f, v);
          break;
        }
        case pb::FieldDescriptor::CPPTYPE_INT32:
          f->is_repeated() ? r->AddInt32(&m, f, -seed - k) : r->SetInt32(&m, f, 1000 + seed + k);
          break;
        case pb::FieldDescriptor::CPPTYPE_BOOL:
          f->is_repeated() ? r->AddBool(&m, f, true) : r->SetBool(&m, f, true);
          break;
        case pb::FieldDescriptor::CPPTYPE_ENUM: {
          const auto* v = f->enum_type()->value((seed + k) % f->enum_type()->value_count());
          f->is_repeated() ? r->AddEnum(&m, f, v) : r->SetEnum(&m, f, v);
          break;
        }
        case pb::FieldDescriptor::CPPTYPE_MESSAGE:
          fill(f->is_repeated() ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), seed + 10 + k);
          break;
        default:
          FAIL() << "unexpected field type in " << f->full_name();
      }
    }
  }
}

std::string wrapper_bytes(int type, const pb::Message* payload) {
  std::string p;
  if (payload) p = payload->SerializeAsString();
  return make_wrapper(type, payload ? &p : nullptr);
}

ToChild to_json(std::string_view body) {
  Wrapper w;
  EXPECT_EQ(parse_wrapper(body, w), "");
  return wrapper_to_json(w);
}

std::unique_ptr<pb::Message> sample(const MessageType& t) {
  std::unique_ptr<pb::Message> m(pb::MessageFactory::generated_factory()->GetPrototype(t.descriptor)->New());
  fill(*m, t.number);
  if (t.descriptor == pbnetwork::ConversationMessage::descriptor())
    static_cast<pbnetwork::ConversationMessage&>(*m).set_timestamp("20240131T120000");
  if (t.number == WrapperMessage::TYPE_BACKEND_CONFIG)
    static_cast<pbnetwork::BackendConfig&>(*m).set_config("[features]\nmuc=1\n");
  return m;
}

TEST(JsonTranslator, EveryTypeTravelsLosslesslyInEachDirectionItIsUsed) {
  const auto* e = WrapperMessage::Type_descriptor();
  int checked = 0;
  for (int i = 0; i < e->value_count(); ++i) {
    const MessageType& t = *find_message_type(e->value(i)->number());
    if (t.payload == PayloadKind::kUnsupported || (!t.from_spectrum && !t.to_spectrum)) continue;
    SCOPED_TRACE(t.json_name);
    std::unique_ptr<pb::Message> m;
    std::string body;
    if (t.payload == PayloadKind::kMessage) {
      m = sample(t);
      body = wrapper_bytes(t.number, m.get());
    } else if (t.payload == PayloadKind::kRawXml) {
      const std::string xml = "<message to='a@b' from='c@d'><body>h\xC3\xA9</body></message>";
      body = make_wrapper(t.number, &xml);
    } else {
      body = make_wrapper(t.number);
    }
    const ToChild json = to_json(body);
    EXPECT_EQ(json.note, "");
    const auto object = nlohmann::json::parse(json.json);
    EXPECT_EQ(object["type"], t.json_name);
    EXPECT_EQ(json.json.rfind("{\"type\":\"" + t.json_name + "\"", 0), 0u) << "type comes first";
    if (t.to_spectrum) {
      // child → Spectrum: the same JSON gives back the same bytes.
      const FromChild back = json_to_wrapper(json.json);
      ASSERT_EQ(back.kind, FromChild::Kind::kFrame) << back.error;
      EXPECT_EQ(back.frame_body, body);
    } else {
      // Spectrum → child only: the JSON holds every field (protobuf's parser restores the bytes).
      if (t.payload == PayloadKind::kNone) {
        EXPECT_EQ(json.json, "{\"type\":\"" + t.json_name + "\"}");
        ++checked;
        continue;
      }
      ASSERT_EQ(t.payload, PayloadKind::kMessage);
      nlohmann::json fields = object;
      fields.erase("type");
      std::unique_ptr<pb::Message> parsed(m->New());
      ASSERT_TRUE(pb::util::JsonStringToMessage(fields.dump(), parsed.get()).ok());
      // Equal as messages: map entries (Login.settings) have no defined byte order.
      EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*parsed, *m));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 29);  // 35 types less the five FT_* and API_VERSION
}

TEST(JsonTranslator, FieldNamesEnumsAndBytesAsDocumented) {
  pbnetwork::Stats stats;
  stats.set_res(1);
  stats.set_init_res(2);
  stats.set_shared(3);
  stats.set_id("42");
  EXPECT_EQ(to_json(wrapper_bytes(WrapperMessage::TYPE_STATS, &stats)).json,
            R"({"type":"stats","res":1,"init_res":2,"shared":3,"id":"42"})");
  pbnetwork::Buddy buddy;
  buddy.set_username("u@x");
  buddy.set_buddyname("b");
  buddy.set_status(pbnetwork::STATUS_AWAY);
  buddy.add_group("G1");
  EXPECT_EQ(to_json(wrapper_bytes(WrapperMessage::TYPE_BUDDY_CHANGED, &buddy)).json,
            R"({"type":"buddy_changed","userName":"u@x","buddyName":"b","group":["G1"],"status":"STATUS_AWAY"})");
  pbnetwork::VCard vcard;
  vcard.set_username("u");
  vcard.set_buddyname("b");
  vcard.set_id(7);
  vcard.set_photo(std::string("\x00\x01\x02", 3));
  EXPECT_EQ(to_json(wrapper_bytes(WrapperMessage::TYPE_VCARD, &vcard)).json,
            R"({"type":"vcard","userName":"u","buddyName":"b","id":7,"photo":"AAEC"})");
}

TEST(JsonTranslator, PresenceOfOptionalFieldsIsKept) {
  pbnetwork::Buddy b;
  b.set_username("u");
  b.set_buddyname("b");
  EXPECT_EQ(to_json(wrapper_bytes(6, &b)).json, R"({"type":"buddy_changed","userName":"u","buddyName":"b"})");
  b.set_blocked(false);
  b.set_status(pbnetwork::STATUS_ONLINE);
  EXPECT_EQ(to_json(wrapper_bytes(6, &b)).json,
            R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":"STATUS_ONLINE","blocked":false})");
  pbnetwork::VCard v;
  v.set_username("u");
  v.set_buddyname("");
  v.set_id(0);
  v.set_photo("");
  EXPECT_EQ(to_json(wrapper_bytes(16, &v)).json, R"({"type":"vcard","userName":"u","buddyName":"","id":0,"photo":""})");
  const FromChild back = json_to_wrapper(R"({"type":"buddy_changed","userName":"u","buddyName":"b","blocked":false})");
  ASSERT_EQ(back.kind, FromChild::Kind::kFrame);
  WrapperMessage w;
  ASSERT_TRUE(w.ParseFromString(back.frame_body));
  pbnetwork::Buddy parsed;
  ASSERT_TRUE(parsed.ParseFromString(w.payload()));
  EXPECT_TRUE(parsed.has_blocked());
  EXPECT_FALSE(parsed.has_status());
}

TEST(JsonTranslator, PayloadlessAndRawXml) {
  EXPECT_EQ(to_json(std::string("\x08\x09", 2)).json, R"({"type":"ping"})");
  EXPECT_EQ(to_json(std::string("\x08\x1d", 2)).json, R"({"type":"exit"})");
  const std::string xml = "<presence from='a'/>";
  EXPECT_EQ(to_json(make_wrapper(34, &xml)).json, R"({"type":"raw_xml","xml":"<presence from='a'/>"})");
  const FromChild back = json_to_wrapper(R"({"type":"raw_xml","xml":"<iq type='result'/>"})");
  ASSERT_EQ(back.kind, FromChild::Kind::kFrame);
  const std::string iq = "<iq type='result'/>";
  EXPECT_EQ(back.frame_body, make_wrapper(34, &iq));
  const FromChild pong = json_to_wrapper(R"({"type":"pong"})");
  ASSERT_EQ(pong.kind, FromChild::Kind::kFrame);
  EXPECT_EQ(pong.frame_body, std::string("\x08\x0a", 2));
}

TEST(JsonTranslator, UntranslatableFramesArePassedOnOpaque) {
  // Type 99 is not in the enum: protobuf keeps it as an unknown field.
  const std::string unknown = std::string("\x08\x63\x12\x03", 4) + "abc";
  Wrapper w;
  ASSERT_EQ(parse_wrapper(unknown, w), "");
  EXPECT_EQ(w.number, 99);
  ToChild out = wrapper_to_json(w);
  EXPECT_EQ(out.json, R"({"type":99,"payload":"YWJj"})");
  EXPECT_NE(out.note, "");
  EXPECT_EQ(to_json(std::string("\x08\x05", 2)).json, R"({"type":5})");
  const std::string ft = "\x01\x02";
  EXPECT_EQ(to_json(make_wrapper(24, &ft)).json, R"({"type":"ft_start","payload":"AQI="})");
  const std::string garbage = "\xff\xff\xff";
  out = to_json(make_wrapper(8, &garbage));
  EXPECT_EQ(out.json, R"({"type":"conv_message","payload":"////"})");
  EXPECT_NE(out.note, "");
}

// proto2: a payload without its required fields does not parse, so it reaches the child opaque, and
// a child never sees a conv_message without "message".
TEST(JsonTranslator, PayloadMissingRequiredFieldsArrivesOpaque) {
  pbnetwork::ConversationMessage m;
  m.set_username("u");
  m.set_buddyname("b");
  const std::string payload = m.SerializePartialAsString();
  const ToChild out = to_json(make_wrapper(8, &payload));
  EXPECT_EQ(out.json, R"({"type":"conv_message","payload":"CgF1EgFi"})");
  EXPECT_NE(out.note.find("lacks required field(s) message"), std::string::npos) << out.note;
  Wrapper w;
  ASSERT_EQ(parse_wrapper(make_wrapper(8, &payload), w), "");
  EXPECT_EQ(wrapper_to_json(w, Partial::kShow).json, R"({"type":"conv_message","userName":"u","buddyName":"b"})")
      << "the simulator shows what there is";
}

TEST(JsonTranslator, TimestampsAreTakenAsSpectrumReadsThem) {
  const std::string head = R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","timestamp":")";
  for (const char* accepted : {"20240131T120000Z", "20240131T1200", "20240131T120000,", "20240131T246000"}) {
    const FromChild r = json_to_wrapper(head + accepted + "\"}");
    EXPECT_EQ(r.kind, FromChild::Kind::kFrame) << accepted << ": " << r.error;
    EXPECT_EQ(r.warning, "") << accepted;
  }
  const FromChild offset = json_to_wrapper(head + "20240131T120000+0100\"}");
  EXPECT_EQ(offset.kind, FromChild::Kind::kFrame);
  EXPECT_NE(offset.warning.find("not as a UTC offset"), std::string::npos) << offset.warning;
  for (const char* thrown : {"2024-01-31T12:00:00", "20240230T120000", "20240131", "garbage"}) {
    const FromChild r = json_to_wrapper(head + thrown + "\"}");
    EXPECT_EQ(r.kind, FromChild::Kind::kRejected) << thrown;
    EXPECT_NE(r.error.find("Spectrum would throw"), std::string::npos) << r.error;
  }
  const FromChild subject = json_to_wrapper(
      R"({"type":"room_subject_changed","userName":"u","buddyName":"#r","message":"s","timestamp":"x"})");
  EXPECT_EQ(subject.kind, FromChild::Kind::kRejected) << "subjects go through the same reader";
  const FromChild attention =
      json_to_wrapper(R"({"type":"attention","userName":"u","buddyName":"b","message":"","timestamp":"x"})");
  EXPECT_EQ(attention.kind, FromChild::Kind::kFrame) << "Spectrum does not read an attention's timestamp";
}

TEST(JsonTranslator, MalformedFramesAreErrors) {
  Wrapper w;
  EXPECT_NE(parse_wrapper("", w), "") << "no type";
  EXPECT_NE(parse_wrapper(std::string("\x12\x01x", 3), w), "") << "payload only";
  EXPECT_NE(parse_wrapper("\xff\xff\xff\xff", w), "") << "not protobuf";
}

TEST(JsonTranslator, InvalidUtf8FromSpectrumBecomesReplacementCharacters) {
  pbnetwork::ConversationMessage m;
  m.set_username("u");
  m.set_buddyname("b\xff");
  m.set_message("caf\xc3");
  const ToChild out = to_json(wrapper_bytes(8, &m));
  EXPECT_EQ(out.json,
            "{\"type\":\"conv_message\",\"userName\":\"u\",\"buddyName\":\"b\xEF\xBF\xBD\","
            "\"message\":\"caf\xEF\xBF\xBD\"}");
  EXPECT_NE(out.note, "");
  const std::string xml = "<a>\xfe</a>";
  const ToChild raw = to_json(make_wrapper(34, &xml));
  EXPECT_EQ(raw.json, "{\"type\":\"raw_xml\",\"xml\":\"<a>\xEF\xBF\xBD</a>\"}");
}

TEST(JsonTranslator, AcceptsEnumNamesNumbersAndCamelCaseOnInput) {
  for (const char* line : {R"({"type":"TYPE_STATS","res":1,"init_res":2,"shared":3,"id":"4"})",
                           R"({"type":23,"res":1,"initRes":2,"shared":3,"id":"4"})"}) {
    const FromChild r = json_to_wrapper(line);
    ASSERT_EQ(r.kind, FromChild::Kind::kFrame) << r.error;
    EXPECT_EQ(r.type->number, 23);
  }
  const FromChild a =
      json_to_wrapper(R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":"STATUS_DND"})");
  const FromChild b = json_to_wrapper(R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":4})");
  ASSERT_EQ(a.kind, FromChild::Kind::kFrame);
  EXPECT_EQ(a.frame_body, b.frame_body);
}

TEST(JsonTranslator, ErrorTextsNameValidValuesAndFields) {
  const auto error = [](const char* line) { return json_to_wrapper(line).error; };
  EXPECT_EQ(error(R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":"STATUS_ONLNE"})"),
            "buddy_changed: status: \"STATUS_ONLNE\" is not a StatusType; valid: STATUS_ONLINE, STATUS_AWAY, "
            "STATUS_FFC, STATUS_XA, STATUS_DND, STATUS_NONE, STATUS_INVISIBLE");
  EXPECT_EQ(error(R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","colour":"red"})"),
            "conv_message has no field \"colour\"; its fields: userName, buddyName, message, nickname, xhtml, "
            "timestamp, headline, id, pm, carbon, attachment");
  EXPECT_EQ(error(R"({"type":"conv_message","userName":"u","message":"m"})"),
            "conv_message: missing required field(s) buddyName");
  EXPECT_EQ(error(R"({"type":"conv_message","userName":"u"})"),
            "conv_message: missing required field(s) buddyName, message");
  EXPECT_EQ(error(R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","attachment":[{}]})"),
            "conv_message: missing required field(s) attachment[0].url");
  EXPECT_EQ(error(R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","attachment":[{"uri":"x"}]})"),
            "conv_message: attachment[0] has no field \"uri\"; its fields: url, mimeType, description");
  EXPECT_EQ(error(R"({"type":"disconnected","user":"u","error":1.5})"),
            "disconnected: error must be an integer from -2147483648 to 2147483647");
  EXPECT_EQ(error(R"({"type":"connected","user":7})"), "connected: user must be a string");
  EXPECT_EQ(error(R"({"type":"buddy_changed","userName":"u","buddyName":"b","blocked":1})"),
            "buddy_changed: blocked must be true or false");
  EXPECT_EQ(error(R"({"type":"buddy_changed","userName":"u","buddyName":"b","group":[7]})"),
            "buddy_changed: group[0] must be a string");
  for (const char* line : {R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":"STATUS_ONLNE"})",
                           R"({"type":"conv_message","userName":"u","message":"m"})"}) {
    const std::string text = error(line);
    EXPECT_EQ(text.find("googleapis"), std::string::npos) << text;
    EXPECT_EQ(text.find(": :"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

TEST(JsonTranslator, RejectsBadLinesWithAClearReason) {
  struct Case {
    const char* line;
    const char* says;
  };
  const Case cases[] = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {R"({"user":"u"})", "missing \"type\""},
      {R"({"type":"nope"})", "unknown type \"nope\""},
      {R"({"type":77})", "unknown type 77"},
      {R"({"type":true})", "\"type\" must be a string"},
      {R"({"type":"login","user":"u","legacyName":"l","password":"p"})", "not accepted from a backend"},
      {R"({"type":"api_version","version":1})", "not accepted from a backend"},
      {R"({"type":"disconnected","user":"u"})", "disconnected: missing required field(s) error"},
      {R"({"type":"connected","user":"u","bogus":1})", "bogus"},
      {R"({"type":"disconnected","user":"u","error":"x"})", "error"},
      {R"({"type":"buddy_changed","userName":"u","buddyName":"b","status":"STATUS_SLEEPY"})", "status"},
      {R"({"type":"conv_message","userName":"u","buddyName":"b","message":"m","timestamp":"2024-01-31"})", "timestamp"},
      {R"({"type":"backend_config","config":"[features]\nmuc=maybe\n"})", "boolean"},
      {R"({"type":"backend_config","config":"[features]\nmuc=1\nmuc=0\n"})", "twice"},
      {R"({"type":"backend_config","config":"hello\n"})", "backend_config"},
      {R"({"type":"raw_xml"})", "xml"},
      {R"({"type":"pong","extra":1})", "carries no fields"},
      {"{\"type\":\"connected\",\"user\":\"\xff\"}", "not valid JSON"},
  };
  for (const Case& c : cases) {
    const FromChild r = json_to_wrapper(c.line);
    EXPECT_EQ(r.kind, FromChild::Kind::kRejected) << c.line;
    EXPECT_NE(r.error.find(c.says), std::string::npos) << c.line << " -> " << r.error;
  }
}

TEST(JsonTranslator, ErrorsNeverQuoteAPassword) {
  const FromChild r = json_to_wrapper(
      R"({"type":"room_nickname_changed","userName":"u","room":"r","nickname":"n","password":{"x":"s3cret"}})");
  ASSERT_EQ(r.kind, FromChild::Kind::kRejected);
  EXPECT_EQ(r.error.find("s3cret"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("password"), std::string::npos) << r.error;
}

TEST(JsonTranslator, BridgeLinesAreRecognised) {
  const FromChild r = json_to_wrapper(R"({"type":"bridge.log","level":"warn","message":"x"})");
  EXPECT_EQ(r.kind, FromChild::Kind::kBridge);
  EXPECT_EQ(r.bridge_type, "bridge.log");
}

TEST(JsonTranslator, WrapperOfAMessageIsTheWrapperOfItsBytes) {
  pbnetwork::ConversationMessage small;
  small.set_username("u");
  small.set_buddyname("b");
  small.set_message("hi");
  pbnetwork::ConversationMessage large = small;
  large.set_message(std::string(70000, 'x'));  // a three-byte length
  large.add_attachment()->set_url("x");
  pbnetwork::Buddy buddy;
  buddy.set_username("u");
  buddy.set_buddyname("b");
  buddy.add_group("g");
  buddy.set_status(pbnetwork::STATUS_XA);
  const std::pair<int, const pb::Message*> cases[] = {{WrapperMessage::TYPE_CONV_MESSAGE, &small},
                                                      {WrapperMessage::TYPE_CONV_MESSAGE, &large},
                                                      {WrapperMessage::TYPE_BUDDY_CHANGED, &buddy},
                                                      {WrapperMessage::TYPE_API_VERSION, &small}};
  for (const auto& [type, message] : cases) {
    const std::string bytes = message->SerializeAsString();
    WrapperMessage expected;
    expected.set_type(static_cast<WrapperMessage::Type>(type));
    expected.set_payload(bytes);
    EXPECT_EQ(make_wrapper(type, *message), expected.SerializeAsString()) << type << " " << bytes.size();
    EXPECT_EQ(make_wrapper(type, *message), make_wrapper(type, &bytes));
  }
}

}  // namespace
}  // namespace s2j
