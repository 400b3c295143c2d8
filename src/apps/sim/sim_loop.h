// spectrum2_sim's event loop: it performs what the SimEngine (src/sim) decides, with libuv: it
// listens, starts the backend as Spectrum does, reads the scenario, prints the report.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/line_decoder.h"
#include "io/child_process.h"
#include "io/loop.h"
#include "io/signal_watcher.h"
#include "io/stream.h"
#include "io/tcp_server.h"
#include "io/timer.h"
#include "sim/engine.h"
#include "sim/report.h"

namespace s2j {

struct SimOptions {
  int port = 0;
  std::string config_path;  // "" = generate a minimal one
  std::string jid = "localhost";
  std::string script_path;                       // "" = standard input
  std::string replay_path;                       // a trace to replay instead of a scenario
  std::map<std::string, std::string> passwords;  // for the replay's masked LOGIN passwords, by user JID
  ReplaySettings replay;
  ReportStyle style;
  SimSettings engine;
  std::vector<std::string> command;  // BACKEND ARGS…
};

class SimLoop {
 public:
  explicit SimLoop(SimOptions options);
  // Returns the exit status: 0 when everything passed, 1 when something failed, 2 on a usage error.
  int run();

 private:
  double now() const { return loop_.now(); }
  // Reads the scenario file or a non-interactive stdin whole; false on a bad line.
  bool load_script(bool& complete);
  // Reads the trace for --replay and hands it to the engine; false when it cannot be used.
  bool load_replay();
  void perform();
  void apply(const SimAction& action);
  void print_reports();
  void close_all();

  SimOptions options_;
  SimEngine engine_;
  Loop loop_;
  TcpServer server_;
  Stream connection_;
  bool accepted_ = false;
  ChildProcess backend_;
  Stream script_in_;
  LineDecoder script_lines_{1 << 20};
  Timer timer_;
  SignalWatcher sigint_;
  SignalWatcher sigterm_;
  std::string temp_dir_;
  bool performing_ = false;
  bool closed_ = false;
};

}  // namespace s2j
