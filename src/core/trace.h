// The traffic trace: one JSON line per message, {"ts":…,"dir":…,"msg":{…}}, with secrets masked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace s2j {

enum class TraceDir {
  kSpectrumToBridge,
  kBridgeToSpectrum,
  kBridgeToChild,
  kChildToBridge,
  // The tap (core/tap_relay.h): frames passing between Spectrum and a native backend.
  kSpectrumToBackend,
  kBackendToSpectrum,
};

std::string_view trace_dir_name(TraceDir dir);

// `msg_json` must be one JSON value; the returned line ends with "\n".
std::string format_trace_line(std::string_view timestamp, TraceDir dir, std::string_view msg_json);
// A frame that could not be read as a message: {"ts":…,"dir":…,"error":"…","frame_hex":"…"} (no "msg").
std::string format_trace_note(std::string_view timestamp, TraceDir dir, std::string_view error,
                              std::string_view frame_hex);

// Where the bridge core sends trace records; the shell adds the timestamp and writes them.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void record(TraceDir dir, std::string_view msg_json) = 0;
  // A frame that is not a message (the tap relays it anyway): why, and its first bytes in hex.
  virtual void note_unreadable(TraceDir dir, std::string_view error, std::string_view frame_hex) = 0;
};

// What the trace must not show (SECURITY.md says what it can and cannot catch):
//  * the value of every member whose name contains "pass", "secret", "token", "key" or
//    "credential" (any case), at any depth: LOGIN passwords, room passwords, the transport
//    config's admin_password, api_token, client_secret in bridge.hello…;
//  * such members inside a string that holds JSON (bridge.error quotes the rejected line);
//  * every secret added with add_secret() (the passwords of the LOGINs the bridge forwarded),
//    wherever it appears, e.g. in a line the child printed as a Python repr.
class TraceRedactor {
 public:
  static constexpr size_t kShortestMaskedSecret = 4;  // shorter ones would mask ordinary text

  void add_secret(std::string_view secret);
  // The password a frame from Spectrum carries (LOGIN, JOIN_ROOM), added as a secret.
  void add_secrets_of_frame(int type, const std::string& payload);
  // `msg_json` with everything above replaced by "***"; unchanged (and cheap) when it holds none.
  std::string redact(std::string_view msg_json) const;
  // Free text (a log message) with the added secrets replaced by "***".
  std::string mask_secrets(std::string_view text) const;
  bool has_secrets() const { return !secrets_.empty(); }

 private:
  void mask_strings(nlohmann::ordered_json& value) const;

  std::vector<std::string> secrets_;  // each as written raw and as escaped inside a JSON string
};

// True when a member of this name holds a secret.
bool is_secret_name(std::string_view name);

// Masks, in place, the members of `value` (at any depth) whose names hold secrets.
void redact_secret_members(nlohmann::ordered_json& value);

}  // namespace s2j
