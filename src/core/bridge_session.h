// One bridge process's whole behaviour, free of I/O: the message layer (core/bridge.h) and the
// lifecycle (core/lifecycle.h) behind one set of events. The shell (src/apps/bridge) calls an event,
// writes spectrum_output() and child_output(), reports how much is still queued (on_queues), performs
// take_actions() in order, and arms a timer for next_deadline(). It decides nothing itself.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bridge.h"
#include "core/lifecycle.h"

namespace s2j {

class BridgeSession {
 public:
  // Memory of the bridge plus its child, for STATS.
  using MemoryProbe = std::function<MemoryStats(int child_pid)>;
  enum class Peer { kSpectrum, kChild };

  BridgeSession(BridgeSettings bridge, LifecycleSettings lifecycle, const Logger& log, Tracer* tracer,
                MemoryProbe memory);

  void start(double now) { lifecycle_.start(now); }
  void on_connected(int error, const std::string& where, const std::string& why, double now) {
    lifecycle_.on_connected(error, where, why, now);
  }
  void on_child_started(int error, int pid, const std::string& command, const std::string& why, double now);
  void on_spectrum_data(std::string_view data, double now);
  // `error` 0: Spectrum closed the connection; else an errno value.
  void on_spectrum_end(int error, double now);
  void on_child_data(std::string_view data, double now);
  void on_child_output_end(int error, double now);
  void on_child_exit(int64_t status, int signal, double now) { lifecycle_.on_child_exit(status, signal, now); }
  void on_signal(int signal, double now) { lifecycle_.on_signal(signal, now); }
  void on_write_error(Peer peer, int error);
  void on_queues(size_t to_child, size_t to_spectrum, double now) { lifecycle_.on_queues(to_child, to_spectrum, now); }
  void on_spectrum_finished(double now) { lifecycle_.on_spectrum_finished(now); }
  void on_spectrum_delivery(size_t unsent, size_t unread, double now) {
    lifecycle_.on_spectrum_delivery(unsent, unread, now);
  }
  void on_time(double now) { lifecycle_.on_time(now); }

  std::string& spectrum_output() { return bridge_.spectrum_output(); }
  std::string& child_output() { return bridge_.child_output(); }
  // The actions for the shell, in order (the ones about messages are done here).
  std::vector<LifecycleAction> take_actions();
  bool has_actions() const { return lifecycle_.has_actions(); }
  std::optional<double> next_deadline() const { return lifecycle_.next_deadline(); }
  Lifecycle::Phase phase() const { return lifecycle_.phase(); }
  int exit_code() const { return lifecycle_.exit_code(); }

 private:
  void on_pongs(const Bridge::ChildEvents& events, double now);

  const Logger& log_;
  int child_pid_ = 0;
  Bridge bridge_;
  Lifecycle lifecycle_;
};

}  // namespace s2j
