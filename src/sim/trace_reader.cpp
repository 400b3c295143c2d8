#include "sim/trace_reader.h"

#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>

#include "core/json_text.h"
#include "core/json_translator.h"
#include "core/message_types.h"
#include "protocol.pb.h"
#include "sim/canonical.h"

namespace s2j {

using Json = nlohmann::ordered_json;
using pbnetwork::WrapperMessage;

namespace {

constexpr std::string_view kMasked = "***";

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The message's type number, or -1.
int type_number(const Json& message) {
  const auto type = message.find("type");
  if (type == message.end()) return -1;
  if (type->is_number_integer()) return static_cast<int>(type->get<int64_t>());
  const MessageType* found = type->is_string() ? find_message_type(type->get<std::string>()) : nullptr;
  return found ? found->number : -1;
}

// What the live session says by itself, in either mode.
bool left_to_the_session(int type) {
  return type == WrapperMessage::TYPE_PING || type == WrapperMessage::TYPE_PONG || type == WrapperMessage::TYPE_STATS ||
         type == WrapperMessage::TYPE_BACKEND_CONFIG;
}

// A frame the translator passed on untranslated: {"type":<name or number>,"payload":"<base64>"}.
bool opaque_frame(const Json& message, std::string& body) {
  const int number = type_number(message);
  const auto payload = message.find("payload");
  if (number < 0 || message.size() > 2 || (message.size() == 2 && (payload == message.end() || !payload->is_string())))
    return false;
  std::string bytes;
  if (payload != message.end() && !google::protobuf::Base64Unescape(payload->get<std::string>(), &bytes)) return false;
  if (WrapperMessage::Type_IsValid(number)) {
    body = make_wrapper(number, payload != message.end() ? &bytes : nullptr);
    return true;
  }
  // A type this build does not know: protobuf keeps such a number as an unknown field, as it came.
  WrapperMessage wrapper;
  wrapper.GetReflection()->MutableUnknownFields(&wrapper)->AddVarint(1, static_cast<uint64_t>(number));
  if (payload != message.end()) wrapper.set_payload(bytes);
  body = wrapper.SerializePartialAsString();
  return true;
}

std::string spectrum_frame(const Json& message, std::string& error) {
  const FromChild frame = json_to_wrapper(json_text(message), Sender::kSpectrum);
  if (frame.kind == FromChild::Kind::kFrame) return frame.frame_body;
  std::string body;
  if (opaque_frame(message, body)) return body;
  error = frame.kind == FromChild::Kind::kBridge ? "a bridge.* line is not Spectrum's" : frame.error;
  return {};
}

std::string at_line(int line) { return "trace line " + std::to_string(line) + ": "; }

}  // namespace

std::optional<double> parse_trace_time(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  const auto digits = [&t](size_t at, size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || t.size() < 20 || t[4] != '-' || !digits(5, 2, month) || t[7] != '-' ||
      !digits(8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(11, 2, hour) || t[13] != ':' ||
      !digits(14, 2, minute) || t[16] != ':' || !digits(17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t at = 19;
  double fraction = 0;
  if (at < t.size() && t[at] == '.') {
    double scale = 0.1;
    size_t start = ++at;
    for (; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at, scale /= 10) fraction += (t[at] - '0') * scale;
    if (at == start) return std::nullopt;
  }
  int offset = 0;
  if (at + 1 == t.size() && (t[at] == 'Z' || t[at] == 'z')) {
    ++at;
  } else if (at + 6 == t.size() && (t[at] == '+' || t[at] == '-') && t[at + 3] == ':') {
    int oh, om;
    if (!digits(at + 1, 2, oh) || !digits(at + 4, 2, om)) return std::nullopt;
    offset = (t[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    at += 6;
  }
  if (at != t.size()) return std::nullopt;
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction;
}

bool read_trace(std::string_view text, Recording& out, TraceError& error) {
  out = Recording{};
  out.turns.emplace_back();
  const auto fail = [&error](int line, std::string why) {
    error = TraceError{line, std::move(why)};
    return false;
  };
  int hello_line = 0;
  int number = 0;
  bool first = true;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    std::string parse_error;
    const Json record = parse_json<Json>(line, &parse_error);
    if (record.is_discarded()) return fail(number, "not JSON: " + parse_error);
    if (!record.is_object()) return fail(number, "not a trace line (a JSON object with \"ts\" and \"dir\")");
    const auto dir_it = record.find("dir");
    const auto ts_it = record.find("ts");
    if (dir_it == record.end() || !dir_it->is_string()) return fail(number, "no \"dir\"");
    if (ts_it == record.end() || !ts_it->is_string()) return fail(number, "no \"ts\"");
    const std::optional<double> ts = parse_trace_time(ts_it->get<std::string>());
    if (!ts) return fail(number, "\"ts\" is not a time such as 2026-11-25T04:25:24.929745Z");
    if (first) out.start = *ts;
    first = false;
    const std::string dir = dir_it->get<std::string>();
    const auto msg_it = record.find("msg");
    const bool decoded = msg_it != record.end();
    const Json msg = decoded ? *msg_it : Json();
    const std::string undecodable =
        "a frame that could not be decoded (" + (record.contains("error") ? json_text(record["error"]) : "") + ")";

    if (dir == "spectrum>bridge" || dir == "spectrum>backend") {
      if (out.exit_line > 0)
        return fail(number, "Spectrum's side goes on after its EXIT on line " + std::to_string(out.exit_line) +
                                ": the trace holds more than one session; keep one");
      if (!decoded) {
        out.notes.push_back(at_line(number) + undecodable + " from Spectrum is not sent again");
        continue;
      }
      if (!msg.is_object()) return fail(number, "\"msg\" is not a message");
      const int type = type_number(msg);
      if (left_to_the_session(type)) continue;
      if (type == WrapperMessage::TYPE_EXIT) {
        out.exit_line = number;
        continue;
      }
      std::string why;
      RecordedSend send{msg, spectrum_frame(msg, why), *ts, number};
      if (!why.empty()) return fail(number, "cannot send this message from Spectrum again: " + why);
      out.turns.push_back(Turn{std::move(send), {}});
    } else if (dir == "child>bridge" || dir == "backend>spectrum") {
      if (!decoded) {
        out.notes.push_back(at_line(number) + undecodable + " from the backend is not compared");
        continue;
      }
      if (!msg.is_object()) continue;  // a line of the child's that is not JSON: the bridge rejected it
      const auto type = msg.find("type");
      if (type != msg.end() && type->is_string() && type->get<std::string>().rfind("bridge.", 0) == 0) continue;
      if (dir == "child>bridge") {
        const FromChild forwarded = json_to_wrapper(json_text(msg), Sender::kBackend);
        if (forwarded.kind != FromChild::Kind::kFrame) {
          out.notes.push_back(at_line(number) + "the bridge did not forward this line of the child's (" +
                              forwarded.error + "): not an answer");
          continue;
        }
      }
      if (left_to_the_session(type_number(msg))) continue;
      if (out.exit_line > 0) {
        ++out.answers_after_exit;
        continue;
      }
      out.turns.back().answers.push_back(RecordedAnswer{canonical_message(msg), msg, number});
    } else if (dir == "bridge>child") {
      if (decoded && msg.is_object() && msg.value("type", "") == "bridge.hello") {
        if (hello_line > 0)
          return fail(number, "a second bridge.hello (the first is on line " + std::to_string(hello_line) +
                                  "): the trace holds more than one session; keep one");
        hello_line = number;
      }
    } else if (dir != "bridge>spectrum") {
      return fail(number, "unknown \"dir\" \"" + dir +
                              "\" (known: spectrum>bridge, bridge>spectrum, bridge>child, child>bridge, "
                              "spectrum>backend, backend>spectrum)");
    }
  }
  if (first) return fail(0, "the trace is empty");
  if (out.answers_after_exit > 0)
    out.notes.push_back(std::to_string(out.answers_after_exit) + " answer(s) recorded after Spectrum's EXIT (line " +
                        std::to_string(out.exit_line) +
                        ") are not compared: the simulator, like Spectrum, closes the connection with EXIT");
  return true;
}

MaskedPasswords fill_in_passwords(Recording& recording, const std::map<std::string, std::string>& passwords) {
  MaskedPasswords left;
  for (Turn& turn : recording.turns) {
    if (!turn.sent) continue;
    const Json& msg = turn.sent->message;
    const int type = type_number(msg);
    const auto password = msg.find("password");
    if (password == msg.end() || *password != kMasked) continue;
    if (type == WrapperMessage::TYPE_JOIN_ROOM) {
      left.notes.push_back(at_line(turn.sent->line) + "the trace masks this room's password; it is sent as \"***\"");
      continue;
    }
    if (type != WrapperMessage::TYPE_LOGIN) continue;
    const std::string user = msg.value("user", "");
    const auto given = passwords.find(user);
    if (given == passwords.end()) {
      if (std::find(left.users.begin(), left.users.end(), user) == left.users.end()) {
        left.users.push_back(user);
        left.notes.push_back(at_line(turn.sent->line) + "the trace masks the password of " + user +
                             "; it is sent as \"***\" (--password " + user + "=PASSWORD sends the real one)");
      }
      continue;
    }
    Json with_password = msg;
    with_password["password"] = given->second;
    std::string why;
    turn.sent->frame_body = spectrum_frame(with_password, why);
  }
  return left;
}

}  // namespace s2j
