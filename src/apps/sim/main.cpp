// spectrum2_sim: run and test any Spectrum 2 backend without an XMPP deployment.
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <cxxopts.hpp>
#include <iostream>
#include <set>

#include "apps/sim/sim_loop.h"
#include "io/descriptors.h"

namespace {

// Options that take a value, so that the backend command can start at the first other word.
const std::set<std::string> kValueOptions = {"--port",          "--config",     "--jid",   "--script",
                                             "--ping-interval", "--exit-grace", "--color", "--connect-timeout"};

const char* const kUsage =
    "Plays Spectrum 2's side of the backend protocol for one backend process: listens on 127.0.0.1,\n"
    "starts BACKEND ARGS... --host 127.0.0.1 --port P --service.backend_id=1 -j JID CONFIG as Spectrum\n"
    "does, answers nothing itself, PINGs it, runs the scenario and reports what Spectrum would do.\n";

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
      ("json", "print pure JSON lines")
      ("strict", "findings count as failures")
      ("fail-fast", "end at the first failed expectation")
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
