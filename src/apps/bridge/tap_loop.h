// The tap process's event loop: it performs what the TapSession (src/core) decides, with libuv: the
// connection to Spectrum, a listening socket for the native backend, the backend's process and
// connection, signals and one timer.
#pragma once

#include <string>

#include "core/log.h"
#include "core/options.h"
#include "core/tap_session.h"
#include "io/child_process.h"
#include "io/loop.h"
#include "io/signal_watcher.h"
#include "io/stream.h"
#include "io/tcp_client.h"
#include "io/tcp_server.h"
#include "io/timer.h"

namespace s2j {

class TapLoop {
 public:
  // `args` are the tap's own arguments (passed on to the backend, see core/tap_command.h); `launcher`
  // starts the backend tied to this process (io/parent_death.h).
  TapLoop(const BridgeOptions& options, const std::vector<std::string>& args, TapSession& session, const Logger& log,
          const std::string& launcher);
  // Runs until the session is done; returns the process exit code.
  int run();

 private:
  double now() const { return loop_.now(); }
  void perform();
  void apply(const TapAction& action);
  void write_outputs();
  void start_backend();
  void start_relay();
  void close_all();

  const BridgeOptions& options_;
  const std::vector<std::string>& args_;
  TapSession& session_;
  const Logger& log_;
  const std::string& launcher_;
  Loop loop_;
  Stream spectrum_;
  TcpClient connector_;
  TcpServer listener_;
  Stream backend_;
  bool backend_accepted_ = false;
  ChildProcess process_;
  Timer timer_;
  SignalWatcher sigterm_;
  SignalWatcher sigint_;
  bool performing_ = false;
  bool closed_ = false;
};

}  // namespace s2j
