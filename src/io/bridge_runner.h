// The bridge process's event loop: connects to Spectrum, runs the child, moves bytes between them
// and the core Bridge, applies backpressure, and shuts everything down in order.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "core/bridge.h"
#include "core/log.h"
#include "core/options.h"
#include "io/child_process.h"
#include "io/stream.h"
#include "io/timer.h"

namespace s2j {

class BridgeRunner {
 public:
  BridgeRunner(BridgeOptions options, BridgeSettings settings, const Logger& log, Tracer* tracer);
  ~BridgeRunner();
  // Runs until the bridge is done; returns the process exit code.
  int run();

 private:
  void on_connected(int status);
  void on_spectrum_data(std::string_view data);
  void on_spectrum_end(int status);
  void on_child_data(std::string_view data);
  void on_child_end(int status);
  void on_child_exit(int code);
  void flush();
  void update_backpressure();
  void begin_shutdown(const std::string& reason);
  void escalate();
  void maybe_finish();
  void close_all();

  BridgeOptions options_;
  BridgeSettings settings_;
  const Logger& log_;
  Tracer* tracer_;
  uv_loop_t loop_{};
  std::unique_ptr<Bridge> bridge_;
  Stream spectrum_;
  ChildProcess child_;
  uv_connect_t connect_req_{};
  Timer ping_timer_;
  Timer shutdown_timer_;
  SignalWatcher sigterm_;
  SignalWatcher sigint_;
  int exit_code_ = 0;
  uint64_t pings_seen_ = 0;
  bool shutting_down_ = false;  // EXIT, EOF, signal or watchdog: exit 0 once the child is gone
  bool finishing_ = false;      // the child is gone: flush and close
  bool child_output_done_ = false;
  bool closed_ = false;
  int signals_ = 0;
  uint64_t paused_for_child_ = 0;     // times reading from Spectrum was paused
  uint64_t paused_for_spectrum_ = 0;  // times reading from the child was paused
};

}  // namespace s2j
