// Command line (as Spectrum launches backends, §4.2, §6.2) and the [json_backend] config section.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/ini.h"
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
  // --child, --trace and every --json_backend.KEY=VALUE, in order.
  std::vector<std::pair<std::string, std::string>> overrides;
};

// Returns an error text (empty on success). `help_text` receives the usage text.
std::string parse_command_line(int argc, const char* const* argv, CommandLine& out, std::string& help_text);

struct BridgeOptions {
  std::string host;
  int port = 0;
  std::string backend_id;
  std::string jid;
  LogLevel log_level = LogLevel::kInfo;
  std::vector<std::string> child;  // argv of the child process
  std::string trace_path;          // "" = no trace; placeholders already expanded
  std::vector<std::string> features;
  // The [registration] keys of BACKEND_CONFIG; defaults are what Spectrum does without one.
  bool need_registration = false;
  bool need_password = true;
  std::vector<std::string> extra_fields;
  double shutdown_timeout = 5;
  double ping_timeout = 60;
  size_t max_message_size = 64u << 20;
  size_t buffer_limit = 64u << 20;
};

// Puts the command line's --child, --trace and --json_backend.KEY=VALUE into `config` (they win).
void apply_overrides(const CommandLine& cli, std::vector<IniEntry>& config);

// Reads the settings from the command line and the config's [json_backend] section (after
// apply_overrides). Keys the bridge does not know are left for the child.
// `pid` expands {pid} in the trace path. Returns an error text saying what to fix (empty on success).
std::string resolve_options(const CommandLine& cli, const std::vector<IniEntry>& config, const std::string& pid,
                            BridgeOptions& out);

// The BACKEND_CONFIG text the bridge sends before its first PONG: the whole [registration] section,
// then "key=1" for each feature asked for (docs/spectrum-protocol.md, "BACKEND_CONFIG").
std::string backend_config_text(const BridgeOptions& options);

}  // namespace s2j
