// One tap process's whole behaviour, free of I/O: the relay (core/tap_relay.h) and the lifecycle
// (core/tap_lifecycle.h) behind one set of events. The shell (src/apps/bridge/tap_loop.h) calls an
// event, writes spectrum_output() and backend_output(), reports how much is still queued
// (on_queues), performs take_actions() in order, and arms a timer for next_deadline().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tap_lifecycle.h"
#include "core/tap_relay.h"

namespace s2j {

class TapSession {
 public:
  TapSession(TapSettings relay, TapLifecycleSettings lifecycle, const Logger& log, Tracer* tracer,
             ConversationChecks* checks);

  void start(double now) { lifecycle_.start(now); }
  void on_connected(int error, const std::string& where, const std::string& why, double now) {
    lifecycle_.on_connected(error, where, why, now);
  }
  void on_backend_started(int error, int pid, const std::string& command, int port, const std::string& why, double now);
  void on_backend_connected(double now) { lifecycle_.on_backend_connected(now); }
  void on_spectrum_data(std::string_view data, double now);
  void on_spectrum_end(int error, double now);
  void on_backend_data(std::string_view data, double now);
  void on_backend_end(int error, double now);
  void on_backend_exit(int64_t status, int signal, double now) { lifecycle_.on_backend_exit(status, signal, now); }
  void on_signal(int signal, double now) { lifecycle_.on_signal(signal, now); }
  void on_write_error(bool to_spectrum, int error);
  void on_queues(size_t to_backend, size_t to_spectrum, double now) {
    lifecycle_.on_queues(to_backend, to_spectrum, now);
  }
  void on_spectrum_finished(double now) { lifecycle_.on_spectrum_finished(now); }
  void on_spectrum_delivery(size_t unsent, size_t unread, double now) {
    lifecycle_.on_spectrum_delivery(unsent, unread, now);
  }
  void on_time(double now) { lifecycle_.on_time(now); }

  std::string& spectrum_output() { return relay_.spectrum_output(); }
  std::string& backend_output() { return relay_.backend_output(); }
  std::vector<TapAction> take_actions() { return lifecycle_.take_actions(); }
  bool has_actions() const { return lifecycle_.has_actions(); }
  std::optional<double> next_deadline() const { return lifecycle_.next_deadline(); }
  TapLifecycle::Phase phase() const { return lifecycle_.phase(); }
  int exit_code() const { return lifecycle_.exit_code(); }

 private:
  const Logger& log_;
  TapRelay relay_;
  TapLifecycle lifecycle_;
};

}  // namespace s2j
