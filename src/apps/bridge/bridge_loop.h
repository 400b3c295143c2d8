// The bridge process's event loop: it performs what the BridgeSession (src/core) decides, with libuv:
// the connection to Spectrum, the child and its pipes, signals and one timer.
#pragma once

#include <string>

#include "core/bridge_session.h"
#include "core/log.h"
#include "core/options.h"
#include "io/child_process.h"
#include "io/loop.h"
#include "io/signal_watcher.h"
#include "io/stream.h"
#include "io/tcp_client.h"
#include "io/timer.h"

namespace s2j {

class BridgeLoop {
 public:
  // `launcher` starts the child tied to this process (io/parent_death.h).
  BridgeLoop(const BridgeOptions& options, BridgeSession& session, const Logger& log, const std::string& launcher);
  // Runs until the session is done; returns the process exit code.
  int run();

 private:
  double now() const { return loop_.now(); }
  // After every event: the session's output goes out, its actions are performed, the timer follows
  // its next deadline.
  void perform();
  void apply(const LifecycleAction& action);
  void write_outputs();
  void spawn_child();
  void start_reading();
  void close_all();

  const BridgeOptions& options_;
  BridgeSession& session_;
  const Logger& log_;
  const std::string& launcher_;
  Loop loop_;
  Stream spectrum_;
  TcpClient connector_;
  ChildProcess child_;
  Timer timer_;
  SignalWatcher sigterm_;
  SignalWatcher sigint_;
  bool performing_ = false;
  bool closed_ = false;
};

}  // namespace s2j
