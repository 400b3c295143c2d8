#include "core/trace.h"

#include <algorithm>

#include "core/json_text.h"
#include "core/proto_json.h"
#include "protocol.pb.h"

namespace s2j {

namespace {

constexpr std::string_view kSecretWords[] = {"pass", "secret", "token", "key", "credential"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool mentions_secret_word(std::string_view text) {
  const std::string folded = lower(text);
  for (std::string_view word : kSecretWords)
    if (folded.find(word) != std::string::npos) return true;
  return false;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
}

}  // namespace

std::string_view trace_dir_name(TraceDir dir) {
  switch (dir) {
    case TraceDir::kSpectrumToBridge:
      return "spectrum>bridge";
    case TraceDir::kBridgeToSpectrum:
      return "bridge>spectrum";
    case TraceDir::kBridgeToChild:
      return "bridge>child";
    case TraceDir::kChildToBridge:
      return "child>bridge";
    case TraceDir::kSpectrumToBackend:
      return "spectrum>backend";
    case TraceDir::kBackendToSpectrum:
      return "backend>spectrum";
  }
  return "?";
}

std::string format_trace_line(std::string_view timestamp, TraceDir dir, std::string_view msg_json) {
  std::string line;
  line.reserve(msg_json.size() + 64);
  line.append("{\"ts\":\"").append(timestamp).append("\",\"dir\":\"").append(trace_dir_name(dir));
  line.append("\",\"msg\":").append(msg_json).append("}\n");
  return line;
}

std::string format_trace_note(std::string_view timestamp, TraceDir dir, std::string_view error,
                              std::string_view frame_hex) {
  std::string line;
  line.append("{\"ts\":\"").append(timestamp).append("\",\"dir\":\"").append(trace_dir_name(dir));
  line.append("\",\"error\":");
  append_json_string(error, line);
  line.append(",\"frame_hex\":\"").append(frame_hex).append("\"}\n");
  return line;
}

bool is_secret_name(std::string_view name) {
  const std::string folded = lower(name);
  for (std::string_view word : kSecretWords)
    if (folded.find(word) != std::string::npos) return true;
  return false;
}

void redact_secret_members(nlohmann::ordered_json& value) {
  if (value.is_string()) {
    // A line quoted inside a string (bridge.error's "line") may hold secrets too.
    const std::string& text = value.get_ref<const std::string&>();
    if (!mentions_secret_word(text) || text.find('"') == std::string::npos) return;
    nlohmann::ordered_json inner = parse_json<nlohmann::ordered_json>(text);
    if (inner.is_object() || inner.is_array()) {
      redact_secret_members(inner);
      value = json_text(inner);
    } else if (text.find('{') != std::string::npos) {
      value = "(not shown: may hold a secret)";
    }
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (is_secret_name(it.key()))
        *it = "***";
      else
        redact_secret_members(*it);
    }
  } else if (value.is_array()) {
    for (auto& item : value) redact_secret_members(item);
  }
}

void TraceRedactor::add_secret(std::string_view secret) {
  if (secret.size() < kShortestMaskedSecret) return;
  std::string quoted;
  append_json_string(secret, quoted);  // as it appears inside JSON text
  for (std::string_view form : {secret, std::string_view(quoted).substr(1, quoted.size() - 2)})
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) secrets_.emplace_back(form);
  // Longest first, so that a secret containing another is masked whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void TraceRedactor::add_secrets_of_frame(int type, const std::string& payload) {
  if (type == pbnetwork::WrapperMessage::TYPE_LOGIN) {
    pbnetwork::Login login;
    if (login.ParsePartialFromString(payload)) add_secret(login.password());
  } else if (type == pbnetwork::WrapperMessage::TYPE_JOIN_ROOM) {
    pbnetwork::Room room;
    if (room.ParsePartialFromString(payload)) add_secret(room.password());
  }
}

std::string TraceRedactor::mask_secrets(std::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) replace_all(out, secret, "***");
  return out;
}

void TraceRedactor::mask_strings(nlohmann::ordered_json& value) const {
  if (value.is_string()) {
    value = mask_secrets(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) mask_strings(item);
  }
}

std::string TraceRedactor::redact(std::string_view msg_json) const {
  std::string out = mask_secrets(msg_json);
  // A secret escaped twice (a line quoted in a string of a line quoted in a string) shows only once the
  // strings are decoded.
  const bool nested = !secrets_.empty() && out.find("\\\\") != std::string::npos;
  if (!nested && !mentions_secret_word(out)) return out;
  nlohmann::ordered_json value = parse_json<nlohmann::ordered_json>(out);
  if (value.is_discarded()) return json_text(nlohmann::json("(not shown: an unparsable line that may hold a secret)"));
  if (nested) mask_strings(value);
  redact_secret_members(value);
  return json_text(value);
}

}  // namespace s2j
