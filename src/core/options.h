// The bridge's settings, resolved once from the command line (as Spectrum launches backends) and the
// [json_backend] section of the transport config, into what each layer needs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bridge.h"
#include "core/ini.h"
#include "core/lifecycle.h"
#include "core/log.h"

namespace s2j {

struct CommandLine {
  std::string host = "127.0.0.1";
  std::string port;
  std::string backend_id;
  std::string jid;
  std::string config_path;  // --config, else the last positional argument
  std::string log_level = "info";
  bool help = false;
  bool version = false;
  // --describe: "all" for every type, else the TYPE given (--describe TYPE or --describe=TYPE).
  std::optional<std::string> describe;
  // The arguments as given (without argv[0]): the tap passes them on to the native backend.
  std::vector<std::string> args;
  // --child, --tap, --trace, --tap-log and every --json_backend.KEY=VALUE, in order.
  std::vector<std::pair<std::string, std::string>> overrides;
};

// Returns an error text (empty on success). `help_text` receives the usage text.
std::string parse_command_line(int argc, const char* const* argv, CommandLine& out, std::string& help_text);

// What goes into BACKEND_CONFIG (see backend_config_text).
struct BackendConfigSettings {
  std::vector<std::string> features;
  bool need_registration = false;
  bool need_password = true;
  std::vector<std::string> extra_fields;
};

struct BridgeOptions {
  // The shell: where Spectrum is, what to run, where to log and trace.
  std::string host;
  int port = 0;
  LogLevel log_level = LogLevel::kInfo;
  std::vector<std::string> child;      // argv of the child process
  std::vector<std::string> child_env;  // "NAME=value" added to the child's environment
  // Tap mode (instead of a child): the native backend's command, and what the tap adds.
  std::vector<std::string> tap;
  bool tap_log = false;             // each frame in one log line
  bool findings = false;            // the simulator's checks on the tap's traffic, logged
  double tap_connect_timeout = 30;  // the native backend's time to connect
  std::string trace_path;           // "" = no trace; placeholders already expanded
  // The layers.
  BackendConfigSettings backend_config;
  BridgeSettings bridge;        // its backend_config text comes from the settings above
  LifecycleSettings lifecycle;  // timeouts and buffer limits
  // Said at start-up: keys of [json_backend] the bridge does not know (a typo?).
  std::vector<std::string> warnings;
};

// Puts the command line's --child, --tap, --trace and --json_backend.KEY=VALUE into `config` (they win;
// --child or --tap also removes the config's command of the other kind).
void apply_overrides(const CommandLine& cli, std::vector<IniEntry>& config);

// Resolves everything from the command line and the config (after apply_overrides). `config_path`
// is the config file's absolute path; `pid` is this process's (Stats.id, {pid} in the trace path).
// Returns an error text saying what to fix (empty on success).
std::string resolve_options(const CommandLine& cli, const std::vector<IniEntry>& config, const std::string& config_path,
                            const std::string& pid, BridgeOptions& out);

// The BACKEND_CONFIG text the bridge sends before its first PONG: the whole [registration] section,
// then "name=1" for each feature asked for (docs/spectrum-protocol.md#backend-config).
std::string backend_config_text(const BackendConfigSettings& settings);

}  // namespace s2j
