// The tap's lifecycle as one state machine, free of I/O: connect to Spectrum, start the native
// backend as Spectrum would (on a port of the tap's own), wait for its connection, relay, and end
// the way the backend ends. Events and the time come in; actions for the shell come out, and
// next_deadline() says when to call on_time() again. The phases:
//
//   connecting → starting ─ the backend connects ─→ running ─┬─ the backend exits ───────────┐
//                  │                                          ├─ EXIT, Spectrum's EOF, signal ┼→ ending → flushing →
//                  lingering → done └─ it exits, or never connects ───────────┴───────────────────────────────┘
//
// The tap passes everything on: Spectrum's EOF and EXIT reach the backend (then it has
// shutdown_timeout to exit before SIGTERM, and SIGKILL 2 s later), a signal to the tap is sent to
// the backend (SIGKILL after shutdown_timeout, or at a second signal), and the backend's end of the
// connection reaches Spectrum. The tap exits with the backend's exit code once both are done.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/backpressure.h"
#include "core/log.h"
#include "core/stop_ladder.h"

namespace s2j {

struct TapLifecycleSettings {
  double shutdown_timeout = 5;  // the backend's time to exit once asked; the last frames' time
  double connect_timeout = 30;  // the backend's time to connect after it started
  // Enough to keep both sides busy; a deeper queue costs memory and, in fresh pages and cache misses, CPU.
  size_t buffer_limit = 1u << 20;
};

struct TapAction {
  enum class Kind {
    kConnect,             // connect to Spectrum; report with on_connected()
    kStartBackend,        // listen on a free local port and start the backend with it; report on_backend_started()
    kStartRelay,          // the backend connected: stop listening, relay both ways
    kPauseSpectrum,       // stop reading from Spectrum
    kResumeSpectrum,      //
    kPauseBackend,        // stop reading from the backend
    kResumeBackend,       //
    kFinishBackend,       // shut the backend's connection down for writing once what is queued is written
    kSignalBackend,       // send signal `value` to the backend
    kStopReadingBackend,  // close the backend's connection (it stays open after the process exited)
    kFinishSpectrum,      // shut Spectrum's connection down for writing once what is queued is written;
                          // report on_spectrum_finished()
    kLingerSpectrum,      // read again from Spectrum (what comes is dropped)
    kProbeSpectrum,       // report the connection's kernel queues with on_spectrum_delivery()
    kCloseSpectrum,       // close the connection to Spectrum now
    kExit,                // close everything and exit with code `value`
  };
  Kind kind;
  int64_t value = 0;
  bool operator==(const TapAction& o) const { return kind == o.kind && value == o.value; }
};

class TapLifecycle {
 public:
  enum class Phase { kIdle, kConnecting, kStarting, kRunning, kEnding, kFlushing, kLingering, kDone };

  TapLifecycle(TapLifecycleSettings settings, const Logger& log);

  void start(double now);
  // `error` is 0 or an errno value, `why` the reason in words; `where` names Spectrum for the log.
  void on_connected(int error, const std::string& where, const std::string& why, double now);
  // `command` names the backend for the log; `port` is the one it was given.
  void on_backend_started(int error, int pid, const std::string& command, int port, const std::string& why, double now);
  void on_backend_connected(double now);
  void on_exit_frame(double now);
  // The connection to Spectrum ended: `error` 0 for an orderly close, else an errno value.
  void on_spectrum_end(int error, double now);
  // The backend's connection ended (`error` as above).
  void on_backend_end(int error, double now);
  // `status` is the exit status, or 0 when `signal` (non-zero) ended the backend.
  void on_backend_exit(int64_t status, int signal, double now);
  void on_signal(int signal, double now);
  // Bytes written but not yet taken by each peer, after every event (they drive backpressure).
  void on_queues(size_t to_backend, size_t to_spectrum, double now);
  void on_spectrum_finished(double now);
  // Lingering: bytes of ours the kernel has not had acknowledged, and bytes from Spectrum not read.
  void on_spectrum_delivery(size_t unsent, size_t unread, double now);
  void on_time(double now);

  // Whether Spectrum's bytes are still passed to the backend, and the backend's to Spectrum.
  bool relays_to_backend() const { return to_backend_open_; }
  bool relays_to_spectrum() const {
    return phase_ != Phase::kFlushing && phase_ != Phase::kLingering && spectrum_open_;
  }

  std::vector<TapAction> take_actions() { return std::exchange(actions_, {}); }
  bool has_actions() const { return !actions_.empty(); }
  std::optional<double> next_deadline() const;
  Phase phase() const { return phase_; }
  int exit_code() const { return exit_code_; }

 private:
  void act(TapAction::Kind kind, int64_t value = 0) { actions_.push_back({kind, value}); }
  void end(const std::string& reason, double now);
  void climb(std::optional<StopLadder::Rung> rung);
  void maybe_finish(double now);
  void exit(int code);

  TapLifecycleSettings settings_;
  const Logger& log_;
  Phase phase_ = Phase::kIdle;
  StopLadder ladder_;
  Backpressure toward_backend_;   // pauses reading from Spectrum
  Backpressure toward_spectrum_;  // pauses reading from the backend
  std::vector<TapAction> actions_;
  std::string where_;    // Spectrum's address, for the log
  std::string command_;  // the backend's name, for the log
  int port_ = 0;
  int pid_ = 0;
  bool spectrum_open_ = false;
  bool to_backend_open_ = false;  // the backend's connection takes Spectrum's bytes
  bool backend_output_open_ = false;
  bool backend_running_ = false;
  int signals_ = 0;
  int exit_code_ = 0;
  std::optional<double> connect_deadline_;  // starting: the backend must connect by then
  std::optional<double> kill_deadline_;     // a signal was passed on: SIGKILL then
  std::optional<double> output_deadline_;   // the backend exited: stop waiting for its connection to end
  std::optional<double> flush_deadline_;    // flushing, lingering: stop waiting for Spectrum to take the last bytes
  std::optional<double> next_probe_;        // lingering: when to look at the kernel's queues again
};

}  // namespace s2j
