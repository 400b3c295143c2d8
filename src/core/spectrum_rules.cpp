#include "core/spectrum_rules.h"

#include <set>

#include "core/ini.h"
#include "core/message_types.h"
#include "core/spectrum_timestamp.h"
#include "protocol.pb.h"

namespace s2j {

namespace {

constexpr std::string_view kBoolKeys[] = {
    "registration.needPassword",
    "registration.needRegistration",
    "features.receipts",
    "features.muc",
    "features.rawxml",
    "features.disable_jid_escaping",
    "features.send_buddies_on_login",
};

bool is_bool_key(std::string_view key) {
  for (std::string_view k : kBoolKeys)
    if (k == key) return true;
  return false;
}

bool is_bool_value(std::string_view value) {
  return value.empty() || parse_config_bool(value).has_value();  // Boost reads an empty value as true
}

}  // namespace

std::string check_backend_config(std::string_view config) {
  const IniParseResult parsed = parse_ini(config);
  if (!parsed.ok()) return "config line " + std::to_string(parsed.error_line) + ": " + parsed.error;
  std::set<std::string> seen;
  for (const IniEntry& e : parsed.entries) {
    const std::string key = e.section.empty() ? e.key : e.section + "." + e.key;
    if (!is_bool_key(key)) continue;
    if (!is_bool_value(e.value))
      return "config line " + std::to_string(e.line) + ": '" + key + "' needs a boolean (1/0, true/false, " +
             "yes/no, on/off), got '" + e.value + "'";
    if (!seen.insert(key).second) return "config line " + std::to_string(e.line) + ": '" + key + "' is given twice";
  }
  return {};
}

SpectrumVerdict judge_backend_message(const BackendMessage& m) {
  using pbnetwork::WrapperMessage;
  SpectrumVerdict verdict;
  const auto fail = [&verdict](SpectrumVerdict::Effect effect, std::string reason) {
    verdict.effect = effect;
    verdict.reason = std::move(reason);
    return verdict;
  };
  if (m.type == nullptr)
    return fail(SpectrumVerdict::Effect::kDrops,
                "type " + std::to_string(m.number) + " is not in Spectrum's enum: the frame does not parse");
  const MessageType& type = *m.type;
  if (!type.to_spectrum)
    return fail(SpectrumVerdict::Effect::kIgnores,
                "Spectrum ignores " + type.json_name +
                    " from a backend and leaves the frames behind it unprocessed until more data arrives");
  if (type.payload != PayloadKind::kMessage) return verdict;
  if (m.payload == nullptr) return fail(SpectrumVerdict::Effect::kDrops, type.json_name + " payload does not parse");
  if (!m.payload->IsInitialized())
    return fail(SpectrumVerdict::Effect::kDrops,
                type.json_name + " payload lacks required field(s) " + m.payload->InitializationErrorString());
  switch (type.number) {
    case WrapperMessage::TYPE_CONV_MESSAGE:
    case WrapperMessage::TYPE_ROOM_SUBJECT_CHANGED: {
      const SpectrumTimestamp stamp =
          read_spectrum_timestamp(static_cast<const pbnetwork::ConversationMessage&>(*m.payload).timestamp());
      if (stamp.kind == SpectrumTimestamp::Kind::kThrows) return fail(SpectrumVerdict::Effect::kThrows, stamp.error);
      if (!stamp.warning.empty()) verdict.warnings.push_back(stamp.warning);
      break;
    }
    case WrapperMessage::TYPE_BACKEND_CONFIG: {
      const std::string bad = check_backend_config(static_cast<const pbnetwork::BackendConfig&>(*m.payload).config());
      if (!bad.empty()) return fail(SpectrumVerdict::Effect::kThrows, "backend_config: " + bad);
      break;
    }
    case WrapperMessage::TYPE_DISCONNECTED:
      if (static_cast<const pbnetwork::Disconnected&>(*m.payload).error() == 0)
        verdict.advice.push_back(
            "disconnected with error 0 (NETWORK_ERROR): Spectrum logs the user out and in again, up to 3 times; "
            "use 2 (AUTHENTICATION_FAILED), 1, 7… for failures that will not go away");
      break;
    default:
      break;
  }
  return verdict;
}

bool is_known_feature(std::string_view name) { return is_bool_key("features." + std::string(name)); }

std::vector<std::string> BackendConfigStore::on_backend_config(std::string_view config) {
  std::vector<std::string> findings;
  std::map<std::string, std::string> given;
  for (const IniEntry& e : parse_ini(config).entries) {
    const std::string key = e.section.empty() ? e.key : e.section + "." + e.key;
    if (is_bool_key(key)) given.emplace(key, e.value);
  }
  if (!registration_reported_ && !final_.count("registration.needRegistration") &&
      !given.count("registration.needRegistration")) {
    registration_reported_ = true;
    findings.push_back(
        "backend_config without registration.needRegistration: from now on Spectrum reads it (and "
        "needPassword, if not given) from backend configs, where both default to 1. In server mode it then "
        "refuses every user who is not registered (the client gets a SASL failure); in gateway mode users must "
        "register with a password. Without any backend config, needRegistration is 0 in server mode and 1 in "
        "gateway mode. Send the whole [registration] section with the values you mean");
  }
  for (const auto& [key, value] : given) {
    const auto [it, inserted] = final_.emplace(key, value);
    if (!inserted && parse_config_bool(it->second) != parse_config_bool(value))
      findings.push_back("backend_config sets " + key + "=" + value + ", but an earlier backend config set it to " +
                         it->second + ": Spectrum keeps the first explicit value for as long as it runs");
  }
  return findings;
}

}  // namespace s2j
