// spectrum2_sim: run and test any Spectrum 2 backend without an XMPP deployment.
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <cxxopts.hpp>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "apps/sim/sim_loop.h"
#include "apps/sim/trace_file.h"
#include "io/descriptors.h"
#include "sim/trace_scenario.h"

namespace {

// Options that take a value, so that the backend command can start at the first other word.
const std::set<std::string> kValueOptions = {
    "--port",    "--config",          "--jid",    "--script",         "--ping-interval",       "--exit-grace",
    "--color",   "--connect-timeout", "--replay", "--answer-timeout", "--scenario-from-trace", "--ignore",
    "--password"};

const char* const kUsage =
    "Plays Spectrum 2's side of the backend protocol for one backend process: listens on 127.0.0.1,\n"
    "starts BACKEND ARGS... --host 127.0.0.1 --port P --service.backend_id=1 -j JID CONFIG as Spectrum\n"
    "does, answers nothing itself, PINGs it, runs the scenario and reports what Spectrum would do.\n"
    "\n"
    "With --replay TRACE it sends the messages from Spectrum recorded in a trace (the bridge's --trace,\n"
    "or a tap's) instead of a scenario, and compares the backend's answers with the recorded ones:\n"
    "exit 0 when all are as recorded, 1 otherwise. --scenario-from-trace TRACE prints the same session\n"
    "as a scenario and runs nothing. Exit 2: a usage error or input that cannot be used.\n";

// --name VALUE for each occurrence, in order; cxxopts would split a vector value at commas, and a
// password may hold one.
std::vector<std::string> every(const cxxopts::ParseResult& r, const std::string& name) {
  std::vector<std::string> values;
  for (const cxxopts::KeyValue& kv : r.arguments())
    if (kv.key() == name) values.push_back(kv.value());
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  s2j::close_inherited_descriptors_on_exec();
  std::signal(SIGPIPE, SIG_IGN);
  // Everything from the first word that is not one of ours (or after "--") is the backend command.
  std::vector<const char*> own = {argv[0]};
  s2j::SimOptions options;
  std::string color;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      options.command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg.rfind("-", 0) != 0) {
      options.command.assign(argv + i, argv + argc);
      break;
    }
    own.push_back(argv[i]);
    if (kValueOptions.count(arg) && i + 1 < argc) own.push_back(argv[++i]);
  }

  cxxopts::Options parser("spectrum2_sim", "Spectrum 2 simulator: runs one backend and checks what it says");
  parser.custom_help("[options] [--] BACKEND [ARGS...]");
  // clang-format off
  parser.add_options()
      ("script", "scenario file (JSON lines); default: standard input", cxxopts::value<std::string>())
      ("config", "transport config passed to the backend; default: a minimal generated one",
       cxxopts::value<std::string>())
      ("jid", "transport JID", cxxopts::value<std::string>()->default_value("localhost"))
      ("port", "port to listen on (0 = any free port)", cxxopts::value<int>()->default_value("0"))
      ("ping-interval", "seconds between PINGs", cxxopts::value<double>()->default_value("20"))
      ("exit-grace", "seconds the backend has to exit after EXIT, before SIGTERM to its process group",
       cxxopts::value<double>()->default_value("10"))
      ("connect-timeout", "seconds to wait for the connection and the first PONG",
       cxxopts::value<double>()->default_value("10"))
      ("replay", "replay a recorded trace (JSON lines) instead of a scenario", cxxopts::value<std::string>(),
       "TRACE")
      ("scenario-from-trace", "print a trace as a scenario and exit", cxxopts::value<std::string>(), "TRACE")
      ("ignore", "replay: leave FIELD out of the comparison (a name at any depth, or a dotted path from the top; "
       "repeatable, or comma-separated)", cxxopts::value<std::string>(), "FIELD")
      ("password", "replay: send PW as USER's LOGIN password where the trace masks it (repeatable)",
       cxxopts::value<std::string>(), "USER=PW")
      ("realtime", "replay: keep the recorded gaps between Spectrum's messages")
      ("answer-timeout", "replay: seconds each message's recorded answers may take",
       cxxopts::value<double>()->default_value("5"), "SECONDS")
      ("json", "print pure JSON lines")
      ("strict", "findings count as failures")
      ("fail-fast", "end at the first failed expectation or replay difference")
      ("color", "auto, always or never", cxxopts::value<std::string>()->default_value("auto"))
      ("help", "print this help");
  // clang-format on
  try {
    auto r = parser.parse(static_cast<int>(own.size()), own.data());
    if (r.count("help")) {
      std::cout
          << parser.help() << "\n"
          << kUsage << "\nScenario lines (JSON, one per line; '#' lines are comments):\n"
          << "  {\"type\":\"login\",\"user\":\"a@b\",\"legacyName\":\"a\",\"password\":\"\"}   send to the backend\n"
          << "  {\"expect\":{\"type\":\"connected\"},\"timeout\":5}   wait for a matching message\n"
          << "  {\"sleep\":0.5}   pause\n";
      return 0;
    }
    if (r.count("script")) options.script_path = r["script"].as<std::string>();
    if (r.count("replay")) options.replay_path = r["replay"].as<std::string>();
    if (r.count("replay") && r.count("script")) throw cxxopts::exceptions::exception("--replay replaces --script");
    const bool from_trace = r.count("scenario-from-trace") > 0;
    if ((r.count("ignore") || r.count("password") || r.count("answer-timeout")) && !r.count("replay") && !from_trace)
      throw cxxopts::exceptions::exception(
          "--ignore, --password and --answer-timeout go with --replay or --scenario-from-trace");
    if (r.count("realtime") && !r.count("replay"))
      throw cxxopts::exceptions::exception("--realtime goes with --replay");
    for (const std::string& list : every(r, "ignore")) {
      std::stringstream fields(list);
      for (std::string field; std::getline(fields, field, ',');)
        if (!field.empty()) options.replay.compare.ignore.push_back(field);
    }
    for (const std::string& pair : every(r, "password")) {
      const size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0)
        throw cxxopts::exceptions::exception("--password needs USER=PASSWORD (USER: the LOGIN's JID)");
      const std::string password = pair.substr(eq + 1);
      options.passwords[pair.substr(0, eq)] = password;
      options.replay.compare.secrets.push_back(password);
    }
    options.replay.realtime = r.count("realtime") > 0;
    options.replay.answer_timeout = r["answer-timeout"].as<double>();
    if (options.replay.answer_timeout <= 0) throw cxxopts::exceptions::exception("--answer-timeout must be positive");
    if (from_trace) {
      if (!options.command.empty() || r.count("replay") || r.count("script"))
        throw cxxopts::exceptions::exception("--scenario-from-trace prints a scenario and runs nothing");
      const std::string path = r["scenario-from-trace"].as<std::string>();
      const std::optional<s2j::LoadedTrace> trace = s2j::load_trace(path, options.passwords);
      if (!trace) return 2;
      std::cout << s2j::scenario_from_recording(trace->recording, path, trace->notes, options.replay.compare,
                                                options.replay.answer_timeout);
      return 0;
    }
    if (r.count("config")) options.config_path = r["config"].as<std::string>();
    options.jid = r["jid"].as<std::string>();
    options.port = r["port"].as<int>();
    s2j::SimSettings& engine = options.engine;
    engine.ping_interval = r["ping-interval"].as<double>();
    engine.exit_grace = r["exit-grace"].as<double>();
    engine.connect_timeout = r["connect-timeout"].as<double>();
    engine.strict = r.count("strict") > 0;
    engine.fail_fast = r.count("fail-fast") > 0;
    options.style.json = r.count("json") > 0;
    color = r["color"].as<std::string>();
    if (color != "auto" && color != "always" && color != "never")
      throw cxxopts::exceptions::exception("--color must be auto, always or never");
    options.style.color = color == "always" || (color == "auto" && !options.style.json && isatty(STDOUT_FILENO));
    if (engine.ping_interval <= 0 || engine.exit_grace <= 0 || engine.connect_timeout <= 0)
      throw cxxopts::exceptions::exception("intervals and timeouts must be positive");
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "spectrum2_sim: " << e.what() << " (see --help)\n";
    return 2;
  }
  s2j::SimLoop loop(std::move(options));
  return loop.run();
}
