#include "sim/spectrum_checks.h"

#include "core/json_translator.h"
#include "core/spectrum_rules.h"
#include "core/spectrum_timestamp.h"
#include "protocol.pb.h"

namespace s2j {

using pbnetwork::WrapperMessage;

void SpectrumChecks::on_sent(const nlohmann::ordered_json& message) {
  if (message.value("type", "") == "login" && message.contains("user") && message["user"].is_string())
    users_.insert(message["user"].get<std::string>());
}

void SpectrumChecks::on_ping_sent() {
  ping_outstanding_ = true;
  frame_since_ping_ = false;
}

std::vector<std::string> SpectrumChecks::on_tick() {
  std::vector<std::string> findings;
  if (pongs_ == 0)
    findings.push_back(
        "no PONG before the ping tick: Spectrum assigns users only after the first PONG and drops "
        "a backend without users at the tick (answer PING at once, before any start-up work)");
  else if (ping_outstanding_ && !frame_since_ping_)
    findings.push_back(
        "no PONG (nor any frame) since the last PING: Spectrum would send SIGABRT to Stats.id and "
        "drop the backend");
  if (pongs_ > 0 && stats_ == 0 && !stats_reported_missing_) {
    stats_reported_missing_ = true;
    findings.push_back("no STATS after PONG: Spectrum's memory figures and SIGABRT target (Stats.id) stay unset");
  }
  return findings;
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
  frame_since_ping_ = true;  // any parsed frame counts as liveness (§1.9)
  json = nlohmann::ordered_json::parse(wrapper_to_json(w, Partial::kShow).json);
  if (w.type == nullptr) {
    findings.push_back("type " + std::to_string(w.number) +
                       " is not in Spectrum's enum: the frame fails to parse and is dropped");
    return findings;
  }
  const MessageType& type = *w.type;
  if (!type.to_spectrum) {
    findings.push_back("Spectrum ignores " + type.json_name +
                       " from a backend and leaves the frames behind it unprocessed until more data arrives");
    return findings;
  }
  if (type.payload == PayloadKind::kMessage) {
    std::unique_ptr<google::protobuf::Message> m(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type.descriptor)->New());
    if (!m->ParseFromString(w.payload)) {
      m->ParsePartialFromString(w.payload);
      findings.push_back(type.json_name + " payload does not parse" +
                         (m->IsInitialized() ? std::string() : " (missing " + m->InitializationErrorString() + ")") +
                         ": Spectrum drops it, mostly without a log line");
      return findings;
    }
  }
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
    case WrapperMessage::TYPE_DISCONNECTED:
      if (json.value("error", -1) == 0)
        findings.push_back(
            "disconnected with error 0 (NETWORK_ERROR): Spectrum logs the user out and in again, up "
            "to 3 times; use 2 (AUTHENTICATION_FAILED), 1, 7… for failures that will not go away");
      break;
    case WrapperMessage::TYPE_BACKEND_CONFIG: {
      const std::string text = json.value("config", "");
      const std::string bad = check_backend_config(text);
      if (!bad.empty()) {
        findings.push_back("backend_config: " + bad + ": Spectrum throws while parsing it");
        break;
      }
      for (std::string& f : backend_config_.on_backend_config(text)) findings.push_back(std::move(f));
      break;
    }
    default:
      break;
  }
  if (type.number == WrapperMessage::TYPE_CONV_MESSAGE || type.number == WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED) {
    const SpectrumTimestamp stamp = read_spectrum_timestamp(json.value("timestamp", ""));
    if (stamp.kind == SpectrumTimestamp::Kind::kThrows)
      findings.push_back(stamp.error + ": Spectrum throws while reading it");
    else if (!stamp.warning.empty())
      findings.push_back(stamp.warning);
  }
  for (const char* field : {"user", "userName"}) {
    if (!json.contains(field) || !json[field].is_string()) continue;
    const std::string user = json[field];
    if (user.empty() && type.number == WrapperMessage::TYPE_ROOM_LIST) continue;
    if (!users_.count(user))
      findings.push_back(std::string(field) + " \"" + user +
                         "\" is not a JID from a LOGIN: Spectrum drops messages for unknown users");
  }
  return findings;
}

}  // namespace s2j
