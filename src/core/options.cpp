#include "core/options.h"

#include <algorithm>
#include <cxxopts.hpp>
#include <map>

#include "core/shell_split.h"
#include "core/spectrum_rules.h"

namespace s2j {

namespace {

constexpr std::string_view kSection = "json_backend";

bool parse_size(const std::string& text, size_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  try {
    out = std::stoull(text);
  } catch (...) {
    return false;
  }
  return out > 0;
}

// Seconds, 0 included (callers that need more say so).
bool parse_seconds(const std::string& text, double& out) {
  try {
    size_t used = 0;
    out = std::stod(text, &used);
    return used == text.size() && out >= 0 && out < 1e7;
  } catch (...) {
    return false;
  }
}

const IniEntry* find_entry(const std::vector<IniEntry>& config, std::string_view section, std::string_view key) {
  for (const IniEntry& e : config)
    if (e.section == section && e.key == key) return &e;
  return nullptr;
}

// A comma-separated list, items trimmed, empty items dropped.
std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> items;
  std::string item;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || value[i] == ',') {
      const size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
      if (b != std::string::npos) items.push_back(item.substr(b, e - b + 1));
      item.clear();
    } else {
      item.push_back(value[i]);
    }
  }
  return items;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// The [json_backend] keys the bridge reads; every other key is the child's (it gets the whole config).
constexpr const char* kKnownKeys[] = {"child",
                                      "tap",
                                      "tap_log",
                                      "findings",
                                      "tap_connect_timeout",
                                      "trace",
                                      "features",
                                      "need_registration",
                                      "need_password",
                                      "extra_fields",
                                      "shutdown_timeout",
                                      "ping_timeout",
                                      "child_ping_timeout",
                                      "max_message_size",
                                      "buffer_limit"};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_warning(const std::string& key) {
  const char* closest = nullptr;
  size_t best = 0;
  for (const char* known : kKnownKeys) {
    const size_t d = edit_distance(key, known);
    if (closest == nullptr || d < best) {
      closest = known;
      best = d;
    }
  }
  std::string text = "[" + std::string(kSection) + "] " + key + " is not a bridge setting";
  if (best <= std::max<size_t>(2, key.size() / 4)) text += " (did you mean " + std::string(closest) + "?)";
  return text + "; the child still gets it in bridge.hello";
}

}  // namespace

std::string parse_command_line(int argc, const char* const* argv, CommandLine& out, std::string& help_text) {
  cxxopts::Options options("spectrum2_json_backend",
                           "Spectrum 2 backend that runs a child process speaking JSON lines");
  options.custom_help("--host H --port P [--service.backend_id=N] [-j JID] [--child CMD | --tap CMD] [options]");
  options.positional_help("[CONFIG]");
  options.allow_unrecognised_options();
  // clang-format off
  options.add_options()
      ("h,host", "Spectrum's backend host", cxxopts::value<std::string>())
      ("p,port", "Spectrum's backend port", cxxopts::value<std::string>())
      ("service.backend_id", "backend slot number given by Spectrum", cxxopts::value<std::string>())
      ("j,jid", "transport JID", cxxopts::value<std::string>())
      ("config", "transport config file (also the last positional argument)", cxxopts::value<std::string>())
      ("child", "child command (overrides [json_backend] child)", cxxopts::value<std::string>())
      ("tap", "tap mode: run this native backend and relay its traffic unchanged (overrides [json_backend] tap)",
       cxxopts::value<std::string>())
      ("tap-log", "tap mode: log every frame in one line")
      ("trace", "write a JSON trace of all traffic to this file", cxxopts::value<std::string>())
      ("log-level", "error, warn, info or debug", cxxopts::value<std::string>()->default_value("info"))
      ("help", "print this help")
      ("version", "print the version")
      ("describe", "print the JSON reference of every message type, or of TYPE, in Markdown, and exit",
       cxxopts::value<std::string>()->implicit_value("all"), "TYPE")
      ("positional", "", cxxopts::value<std::vector<std::string>>());
  // clang-format on
  options.parse_positional({"positional"});
  help_text = options.help({""}) +
              "\nAny [json_backend] config key can also be given as --json_backend.KEY=VALUE.\n"
              "Unknown options are ignored, as Spectrum forwards its own.\n";
  out.args.assign(argv + (argc > 0 ? 1 : 0), argv + argc);
  try {
    const cxxopts::ParseResult r = options.parse(argc, argv);
    out.help = r.count("help") > 0;
    out.version = r.count("version") > 0;
    if (r.count("describe")) {
      out.describe = r["describe"].as<std::string>();
      // cxxopts never gives an implicit-value option the next argument: `--describe TYPE` leaves it positional.
      if (*out.describe == "all" && r.count("positional"))
        out.describe = r["positional"].as<std::vector<std::string>>().back();
    }
    if (r.count("host")) out.host = r["host"].as<std::string>();
    if (r.count("port")) out.port = r["port"].as<std::string>();
    if (r.count("service.backend_id")) out.backend_id = r["service.backend_id"].as<std::string>();
    if (r.count("jid")) out.jid = r["jid"].as<std::string>();
    out.log_level = r["log-level"].as<std::string>();
    if (r.count("config"))
      out.config_path = r["config"].as<std::string>();
    else if (r.count("positional"))
      out.config_path = r["positional"].as<std::vector<std::string>>().back();
    if (r.count("child")) out.overrides.emplace_back("child", r["child"].as<std::string>());
    if (r.count("child") && r.count("tap")) return "--child and --tap exclude each other: give one";
    if (r.count("tap")) out.overrides.emplace_back("tap", r["tap"].as<std::string>());
    if (r.count("tap-log")) out.overrides.emplace_back("tap_log", "true");
    if (r.count("trace")) out.overrides.emplace_back("trace", r["trace"].as<std::string>());
    const std::string prefix = "--" + std::string(kSection) + ".";
    for (const std::string& arg : r.unmatched()) {
      if (arg.rfind(prefix, 0) != 0) continue;
      const size_t eq = arg.find('=');
      if (eq == std::string::npos) return "'" + arg + "' needs a value: " + arg + "=VALUE";
      out.overrides.emplace_back(arg.substr(prefix.size(), eq - prefix.size()), arg.substr(eq + 1));
    }
  } catch (const cxxopts::exceptions::exception& e) {
    return e.what();
  }
  return {};
}

std::string resolve_options(const CommandLine& cli, const std::vector<IniEntry>& config, const std::string& config_path,
                            const std::string& pid, BridgeOptions& out) {
  std::map<std::string, std::string> values;
  for (const IniEntry& e : config) {
    if (e.section != kSection) continue;
    if (values.count(e.key)) return "config key " + std::string(kSection) + "." + e.key + " is given twice";
    values[e.key] = e.value;
  }

  out.host = cli.host;
  if (cli.port.empty()) return "missing --port (Spectrum passes --host and --port to its backends)";
  size_t port = 0;
  if (!parse_size(cli.port, port) || port > 65535) return "--port '" + cli.port + "' is not a port number";
  out.port = static_cast<int>(port);
  const std::optional<LogLevel> level = parse_log_level(cli.log_level);
  if (!level) return "--log-level '" + cli.log_level + "' must be error, warn, info or debug";
  out.log_level = *level;

  BridgeSettings& bridge = out.bridge;
  bridge.backend_id = cli.backend_id;
  // Spectrum passes -j only when it was started with one; its C++ backends then read service.jid.
  bridge.jid = cli.jid;
  if (bridge.jid.empty()) {
    if (const IniEntry* jid = find_entry(config, "service", "jid")) bridge.jid = jid->value;
  }
  bridge.config_path = config_path;
  bridge.config = config;
  bridge.pid = pid;

  // Without a BACKEND_CONFIG, Spectrum reads the registration keys from the transport file and
  // otherwise requires registration in gateway mode only; the bridge's defaults say the same.
  std::string error;
  const auto config_bool = [&config, &error](const char* section, const char* key, bool fallback) {
    const IniEntry* entry = find_entry(config, section, key);
    if (entry == nullptr) return fallback;
    const std::optional<bool> value = parse_config_bool(entry->value);
    if (!value && error.empty())
      error = std::string(section) + "." + key + ": '" + entry->value +
              "' is not a boolean (1/0, true/false, yes/no, on/off)";
    return value.value_or(fallback);
  };
  BackendConfigSettings& registration = out.backend_config;
  const bool server_mode = config_bool("service", "server_mode", false);
  registration.need_registration = config_bool("registration", "needRegistration", !server_mode);
  registration.need_password = config_bool("registration", "needPassword", true);
  if (!error.empty()) return error;

  LifecycleSettings& lifecycle = out.lifecycle;
  for (const auto& [key, value] : values) {
    const std::string name = std::string(kSection) + "." + key;
    if (key == "child") {
      const std::string split_error = shell_split(value, out.child);
      if (!split_error.empty()) return name + ": " + split_error;
    } else if (key == "tap") {
      const std::string split_error = shell_split(value, out.tap);
      if (!split_error.empty()) return name + ": " + split_error;
    } else if (key == "tap_log" || key == "findings") {
      const std::optional<bool> flag = parse_config_bool(value);
      if (!flag) return name + ": '" + value + "' is not a boolean (1/0, true/false, yes/no, on/off)";
      (key == "tap_log" ? out.tap_log : out.findings) = *flag;
    } else if (key == "tap_connect_timeout") {
      if (!parse_seconds(value, out.tap_connect_timeout) || out.tap_connect_timeout == 0)
        return name + ": '" + value + "' is not a positive number of seconds";
    } else if (key == "trace") {
      out.trace_path = value;
      replace_all(out.trace_path, "{jid}", bridge.jid);
      replace_all(out.trace_path, "{backend_id}", bridge.backend_id);
      replace_all(out.trace_path, "{pid}", pid);
    } else if (key == "features") {
      registration.features = split_list(value);
      for (const std::string& feature : registration.features)
        if (!is_known_feature(feature))
          return name + ": unknown feature '" + feature +
                 "' (known: receipts, muc, rawxml, disable_jid_escaping, send_buddies_on_login)";
    } else if (key == "need_registration" || key == "need_password") {
      const std::optional<bool> flag = parse_config_bool(value);
      if (!flag) return name + ": '" + value + "' is not a boolean (1/0, true/false, yes/no, on/off)";
      (key == "need_registration" ? registration.need_registration : registration.need_password) = *flag;
    } else if (key == "extra_fields") {
      registration.extra_fields = split_list(value);
    } else if (key == "shutdown_timeout" || key == "ping_timeout") {
      double seconds = 0;
      if (!parse_seconds(value, seconds) || seconds == 0)
        return name + ": '" + value + "' is not a positive number of seconds";
      (key == "shutdown_timeout" ? lifecycle.shutdown_timeout : lifecycle.ping_timeout) = seconds;
    } else if (key == "child_ping_timeout") {
      if (!parse_seconds(value, lifecycle.child_ping_timeout))
        return name + ": '" + value + "' is not a number of seconds (0 turns the heartbeat off)";
    } else if (key == "max_message_size" || key == "buffer_limit") {
      size_t bytes = 0;
      if (!parse_size(value, bytes) || bytes > (size_t{1} << 31))
        return name + ": '" + value + "' is not a byte count between 1 and 2147483648";
      (key == "max_message_size" ? bridge.max_message_size : lifecycle.buffer_limit) = bytes;
    } else {
      out.warnings.push_back(unknown_key_warning(key));
    }
  }
  if (!out.child.empty() && !out.tap.empty())
    return "[json_backend] sets both child and tap: a bridge runs a JSON child, a tap runs a native backend; "
           "keep one";
  if (out.child.empty() && out.tap.empty())
    return "no child command: set 'child = /path/to/program args' in the [json_backend] section of the config, "
           "or pass --child (or, to trace a native backend, 'tap = /path/to/backend' or --tap)";
  if (out.tap.empty() && (out.tap_log || out.findings))
    out.warnings.push_back("[json_backend] tap_log and findings are for tap mode; without 'tap' they do nothing");
  bridge.backend_config = backend_config_text(registration);
  out.child_env = {"SPECTRUM2_BACKEND_ID=" + bridge.backend_id, "SPECTRUM2_JID=" + bridge.jid,
                   "SPECTRUM2_CONFIG=" + config_path, "SPECTRUM2_HOST=" + out.host,
                   "SPECTRUM2_PORT=" + std::to_string(out.port)};
  return {};
}

void apply_overrides(const CommandLine& cli, std::vector<IniEntry>& config) {
  for (const auto& [key, value] : cli.overrides) {
    // --child and --tap each replace the config's command of either kind.
    if (key == "child" || key == "tap") {
      const std::string other = key == "child" ? "tap" : "child";
      config.erase(std::remove_if(config.begin(), config.end(),
                                  [&other](const IniEntry& e) { return e.section == kSection && e.key == other; }),
                   config.end());
    }
    bool replaced = false;
    for (IniEntry& e : config) {
      if (e.section == kSection && e.key == key) {
        e.value = value;
        replaced = true;
      }
    }
    if (!replaced) config.push_back(IniEntry{std::string(kSection), key, value, 0});
  }
}

std::string backend_config_text(const BackendConfigSettings& options) {
  std::string text = "[registration]\n";
  text.append("needPassword=").append(options.need_password ? "1" : "0").append("\n");
  text.append("needRegistration=").append(options.need_registration ? "1" : "0").append("\n");
  for (const std::string& field : options.extra_fields) text.append("extraField=").append(field).append("\n");
  if (!options.features.empty()) {
    text.append("[features]\n");
    for (const std::string& feature : options.features) text.append(feature).append("=1\n");
  }
  return text;
}

}  // namespace s2j
