#include "core/tap_command.h"

#include <string_view>

namespace s2j {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The tap's options that take a value, and those that do not.
constexpr std::string_view kOwnWithValue[] = {"--tap", "--child", "--trace", "--log-level"};
constexpr std::string_view kOwnFlags[] = {"--tap-log"};

}  // namespace

std::vector<std::string> native_backend_command(const std::vector<std::string>& tap,
                                                const std::vector<std::string>& tap_args, int port) {
  std::vector<std::string> rest;
  bool has_host = false, has_port = false;
  for (size_t i = 0; i < tap_args.size(); ++i) {
    const std::string& arg = tap_args[i];
    const bool value_follows = i + 1 < tap_args.size();
    if (arg == "--host" || arg == "-h" || arg == "--port" || arg == "-p") {
      const bool is_host = arg == "--host" || arg == "-h";
      (is_host ? has_host : has_port) = true;
      rest.push_back(is_host ? "--host" : "--port");
      rest.push_back(is_host ? "127.0.0.1" : std::to_string(port));
      if (value_follows) ++i;
      continue;
    }
    if (starts_with(arg, "--host=")) {
      has_host = true;
      rest.push_back("--host=127.0.0.1");
      continue;
    }
    if (starts_with(arg, "--port=")) {
      has_port = true;
      rest.push_back("--port=" + std::to_string(port));
      continue;
    }
    bool own = starts_with(arg, "--json_backend.");
    for (std::string_view flag : kOwnFlags) own = own || arg == flag;
    for (std::string_view option : kOwnWithValue) {
      if (arg == option) {
        own = true;
        if (value_follows) ++i;
      } else if (starts_with(arg, std::string(option) + "=")) {
        own = true;
      }
    }
    if (!own) rest.push_back(arg);
  }
  std::vector<std::string> argv = tap;
  if (!has_host) argv.insert(argv.end(), {"--host", "127.0.0.1"});
  if (!has_port) argv.insert(argv.end(), {"--port", std::to_string(port)});
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

}  // namespace s2j
