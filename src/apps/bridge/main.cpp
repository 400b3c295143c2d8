// spectrum2_json_backend: the Spectrum 2 backend that runs a child process speaking JSON lines.
#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/bridge/bridge_loop.h"
#include "apps/bridge/tap_loop.h"
#include "apps/bridge/trace_writer.h"
#include "core/bridge_session.h"
#include "core/ini.h"
#include "core/message_reference.h"
#include "core/options.h"
#include "io/descriptors.h"
#include "io/parent_death.h"
#include "io/proc_memory.h"
#include "sim/spectrum_checks.h"

#ifndef S2J_VERSION
#define S2J_VERSION "0.0.0"
#endif
// Where `cmake --install` puts the launcher, relative to the bridge's directory.
#ifndef S2J_LAUNCHER_DIR
#define S2J_LAUNCHER_DIR "../libexec/spectrum2-json-bridge"
#endif

namespace {

std::string g_prefix;

void write_stderr(s2j::LogLevel level, std::string_view message) {
  std::string line = g_prefix;
  line.append(s2j::log_level_name(level)).append(": ").append(message).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int fail(int code, const std::string& message) {
  write_stderr(s2j::LogLevel::kError, message);
  return code;
}

s2j::MemoryStats memory_of(int pid) {
  const s2j::ProcessMemory m = s2j::read_process_memory(pid);
  return s2j::MemoryStats{m.res_kib, m.shared_kib};
}

}  // namespace

int main(int argc, char** argv) {
  s2j::run_launcher_if_asked(argc, argv);  // returns unless this process is about to become the child
  s2j::close_inherited_descriptors_on_exec();
  std::signal(SIGPIPE, SIG_IGN);
  const std::string pid = std::to_string(getpid());
  g_prefix = "spectrum2_json_backend[" + pid + "] ";

  s2j::CommandLine cli;
  std::string help;
  std::string error = s2j::parse_command_line(argc, argv, cli, help);
  if (!error.empty()) return fail(EINVAL, error + " (see --help)");
  if (cli.help) {
    std::cout << help;
    return 0;
  }
  if (cli.version) {
    std::cout << "spectrum2_json_backend " S2J_VERSION "\n";
    return 0;
  }

  if (cli.describe) {
    const std::optional<std::string> text =
        s2j::describe_types(*cli.describe == "all" ? std::nullopt : std::optional<std::string_view>(*cli.describe));
    if (!text)
      return fail(EINVAL, "--describe: unknown type \"" + *cli.describe + "\"; valid: " + s2j::message_type_names());
    std::cout << *text << "\n";
    return 0;
  }

  // The loop, the connection, the child's pipes, the trace and a spawn's own pipe take about 20.
  constexpr long kDescriptorsNeeded = 32;
  long limit = 0;
  if (s2j::ensure_descriptor_limit(kDescriptorsNeeded, limit) != 0)
    return fail(EMFILE, "the open-file limit (ulimit -n) is " + std::to_string(limit) + "; the bridge needs " +
                            std::to_string(kDescriptorsNeeded) + " (raise it where Spectrum is started)");

  std::vector<s2j::IniEntry> config;
  std::string config_path;
  if (!cli.config_path.empty()) {
    std::ifstream file(cli.config_path, std::ios::binary);
    if (!file) {
      const int code = errno ? errno : ENOENT;
      return fail(code, "cannot read config file '" + cli.config_path + "': " + std::strerror(code));
    }
    std::ostringstream text;
    text << file.rdbuf();
    s2j::IniParseResult parsed = s2j::parse_ini(text.str());
    if (!parsed.ok())
      return fail(EINVAL, cli.config_path + ":" + std::to_string(parsed.error_line) + ": " + parsed.error);
    config = std::move(parsed.entries);
    std::error_code ec;
    config_path = std::filesystem::absolute(cli.config_path, ec).lexically_normal().string();
  }
  s2j::apply_overrides(cli, config);
  s2j::BridgeOptions options;
  error = s2j::resolve_options(cli, config, config_path, pid, options);
  if (!error.empty()) return fail(EINVAL, error);
  options.bridge.init_res_kib = s2j::read_process_memory(0).res_kib;

  s2j::Logger log(options.log_level, write_stderr);
  for (const std::string& warning : options.warnings) log.warn(warning);
  // Looked up once, now: after a package upgrade replaced (unlinked) this executable, /proc would
  // name it "... (deleted)" and the launcher beside it would not be found.
  const std::string self = s2j::this_executable();
  std::string launcher = s2j::find_launcher(self, {".", S2J_LAUNCHER_DIR});
  if (!launcher.empty()) {
    log.debug("children start through " + launcher);
  } else {
    launcher = s2j::kSelfLauncher;
    log.debug(std::string("no ") + s2j::kLauncherName + " next to '" + self +
              "' or in its " S2J_LAUNCHER_DIR "; children start through this executable, which is slower");
  }
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string& message) {
    write_stderr(s2j::LogLevel::kDebug, "protobuf: " + message);
  });

  s2j::TraceWriter trace(log);
  if (!options.trace_path.empty()) {
    const int code = trace.open(options.trace_path);
    if (code != 0) return fail(code, "cannot open trace file '" + options.trace_path + "': " + std::strerror(code));
  }

  if (!options.tap.empty()) {
    // Tap mode: a native backend behind a transparent, tracing relay.
    s2j::SpectrumChecks checks;
    s2j::TapSession session(s2j::TapSettings{options.bridge.max_message_size, options.tap_log},
                            s2j::TapLifecycleSettings{options.lifecycle.shutdown_timeout, options.tap_connect_timeout,
                                                      options.lifecycle.buffer_limit},
                            log, options.trace_path.empty() ? nullptr : &trace, options.findings ? &checks : nullptr);
    s2j::TapLoop loop(options, cli.args, session, log, launcher);
    return loop.run();
  }

  s2j::BridgeSession session(
      options.bridge, options.lifecycle, log, options.trace_path.empty() ? nullptr : &trace, [](int child_pid) {
        const s2j::MemoryStats self = memory_of(0), child = memory_of(child_pid);
        return s2j::MemoryStats{self.res_kib + child.res_kib, self.shared_kib + child.shared_kib};
      });
  s2j::BridgeLoop loop(options, session, log, launcher);
  return loop.run();
}
