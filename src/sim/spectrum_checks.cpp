#include "sim/spectrum_checks.h"

#include <memory>

#include "core/json_translator.h"
#include "core/message_types.h"
#include "protocol.pb.h"

namespace s2j {

using pbnetwork::WrapperMessage;

void SpectrumChecks::on_sent(const nlohmann::ordered_json& message) {
  const std::string type = message.value("type", "");
  const auto user = message.find("user");
  if (user == message.end() || !user->is_string()) return;
  if (type == "login") {
    users_.insert(user->get<std::string>());
    logged_out_.erase(user->get<std::string>());
  } else if (type == "logout") {
    users_.erase(user->get<std::string>());
    logged_out_.insert(user->get<std::string>());
  }
}

void SpectrumChecks::on_ping_sent() {
  ping_outstanding_ = true;
  frame_since_ping_ = false;
}

std::vector<std::string> SpectrumChecks::on_tick(bool& unanswered) {
  std::vector<std::string> findings;
  unanswered = false;
  if (pongs_ == 0) {
    findings.push_back(
        "no PONG before the ping tick: Spectrum assigns users only after the first PONG and drops "
        "a backend without users at the tick (answer PING at once, before any start-up work)");
  } else if (ping_outstanding_ && !frame_since_ping_) {
    unanswered = true;
    findings.push_back(
        "no PONG (nor any frame) since the last PING: Spectrum would send SIGABRT to Stats.id and "
        "drop the backend");
  }
  if (pongs_ > 0 && stats_ == 0 && !stats_reported_missing_) {
    stats_reported_missing_ = true;
    findings.push_back("no STATS after PONG: Spectrum's memory figures and SIGABRT target (Stats.id) stay unset");
  }
  return findings;
}

void SpectrumChecks::check_user(const std::string& field, const std::string& user,
                                std::vector<std::string>& findings) const {
  if (users_.count(user)) return;
  if (logged_out_.count(user))
    findings.push_back(field + " \"" + user +
                       "\" was logged out (LOGOUT sent): Spectrum no longer has this user and drops the message");
  else
    findings.push_back(field + " \"" + user +
                       "\" is not a JID from a LOGIN: Spectrum drops messages for unknown users");
}

std::vector<std::string> SpectrumChecks::on_backend_frame(std::string_view body, nlohmann::ordered_json& json) {
  std::vector<std::string> findings;
  json = nullptr;
  Wrapper w;
  const std::string error = parse_wrapper(body, w);
  if (!error.empty()) {
    findings.push_back(error + ": Spectrum logs PARSING ERROR and drops it");
    return findings;
  }
  frame_since_ping_ = true;  // any parsed frame counts as liveness
  json = nlohmann::ordered_json::parse(wrapper_to_json(w, Partial::kShow).json);

  BackendMessage message{w.type, w.number, nullptr};
  std::unique_ptr<google::protobuf::Message> payload;
  if (w.type != nullptr && w.type->payload == PayloadKind::kMessage) {
    payload.reset(google::protobuf::MessageFactory::generated_factory()->GetPrototype(w.type->descriptor)->New());
    if (payload->ParsePartialFromString(w.payload)) message.payload = payload.get();
  }
  const SpectrumVerdict verdict = judge_backend_message(message);
  switch (verdict.effect) {
    case SpectrumVerdict::Effect::kHandles:
      break;
    case SpectrumVerdict::Effect::kIgnores:
      findings.push_back(verdict.reason);
      return findings;
    case SpectrumVerdict::Effect::kDrops:
      findings.push_back(verdict.reason + (w.type == nullptr ? ": Spectrum logs PARSING ERROR and drops it"
                                                             : ": Spectrum drops it, mostly without a log line"));
      return findings;
    case SpectrumVerdict::Effect::kThrows:
      findings.push_back(verdict.reason + ": Spectrum throws while reading it");
      return findings;
  }
  findings.insert(findings.end(), verdict.warnings.begin(), verdict.warnings.end());
  findings.insert(findings.end(), verdict.advice.begin(), verdict.advice.end());

  const MessageType& type = *w.type;
  switch (type.number) {
    case WrapperMessage::TYPE_PONG:
      ++pongs_;
      ping_outstanding_ = false;
      break;
    case WrapperMessage::TYPE_STATS:
      ++stats_;
      if (json.value("id", "") != pid_)
        findings.push_back("Stats.id is \"" + json.value("id", "") + "\", not the backend's PID " + pid_ +
                           ": Spectrum sends SIGABRT to that number when PONG is missing");
      break;
    case WrapperMessage::TYPE_BACKEND_CONFIG:
      for (std::string& f : backend_config_.on_backend_config(json.value("config", "")))
        findings.push_back(std::move(f));
      break;
    default:
      break;
  }
  for (const char* field : {"user", "userName"}) {
    if (!json.contains(field) || !json[field].is_string()) continue;
    const std::string user = json[field];
    if (user.empty() && type.number == WrapperMessage::TYPE_ROOM_LIST) continue;
    check_user(field, user, findings);
  }
  return findings;
}

}  // namespace s2j
