// The bridge process's lifecycle as one state machine, free of I/O: connect to Spectrum, start the
// child, run, and end in order, whatever ends it (EXIT, the connection, a signal, the PING watchdog,
// the child exiting or hanging). Events and the time come in; actions for the shell come out, and
// next_deadline() says when to call on_time() again. The phases:
//
//   connecting → starting → running ─┬─ EXIT, EOF, signal, no PING ──→ stopping ─┐
//                                    ├─ the child exits on its own ───→ draining ─┼→ flushing → lingering → done
//                                    └─ the child hangs ─────────────→ stopping ─┘
//
// stopping: the child's stdin is closed, then SIGTERM, then SIGKILL (core/stop_ladder.h).
// draining: the child has exited; the rest of its output is read (up to shutdown_timeout).
// flushing: the last frames are written to Spectrum, then the connection is shut down for writing.
// lingering: what Spectrum still sends is read and dropped until it closes or its kernel has taken
//   every byte: closing a socket with unread input resets it, and a reset throws away the frames
//   not yet delivered. Flushing and lingering together take at most shutdown_timeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/backpressure.h"
#include "core/child_heartbeat.h"
#include "core/log.h"
#include "core/ping_watchdog.h"
#include "core/stop_ladder.h"

namespace s2j {

struct LifecycleSettings {
  double shutdown_timeout = 5;     // the child's time to exit after its stdin closed; the last frames' time
  double ping_timeout = 60;        // seconds of reading from Spectrum without PING: Spectrum is gone
  double child_ping_timeout = 60;  // the child heartbeat; 0 = off
  // Enough to keep both sides busy; a deeper queue costs memory and, in fresh pages and cache misses, CPU.
  size_t buffer_limit = 1u << 20;
};

constexpr double kKillDelaySeconds = 2;  // SIGTERM → SIGKILL
constexpr int kExitChildHung = 124;      // as timeout(1) does
constexpr double kLingerProbeSeconds = 0.01;

struct LifecycleAction {
  enum class Kind {
    kConnect,        // connect to Spectrum; report with on_connected()
    kSpawnChild,     // start the child; report with on_child_started()
    kStartBridge,    // the child runs: greet it, announce the backend config, read both sides
    kSendChildPing,  // a bridge.ping line with id `value`
    kPauseSpectrum,  // stop reading from Spectrum
    kResumeSpectrum,
    kPauseChild,  // stop reading the child's stdout
    kResumeChild,
    kCloseChildInput,   // close the child's stdin once what is queued for it is written
    kSignalChild,       // send signal `value` to the child
    kStopReadingChild,  // stop waiting for the child's stdout (a grandchild may keep it open)
    kFinishSpectrum,    // shut the connection down for writing once the queued frames are written; report
                        // on_spectrum_finished()
    kLingerSpectrum,    // read again from Spectrum (what comes is dropped)
    kProbeSpectrum,     // report the connection's kernel queues with on_spectrum_delivery()
    kCloseSpectrum,     // close the connection now
    kExit,              // close everything and exit with code `value`
  };
  Kind kind;
  int64_t value = 0;
  bool operator==(const LifecycleAction& o) const { return kind == o.kind && value == o.value; }
};

class Lifecycle {
 public:
  enum class Phase { kIdle, kConnecting, kStarting, kRunning, kStopping, kDraining, kFlushing, kLingering, kDone };

  Lifecycle(LifecycleSettings settings, const Logger& log);

  void start(double now);
  // `error` is 0 or an errno value, `why` the reason in words; `where` names Spectrum for the log.
  void on_connected(int error, const std::string& where, const std::string& why, double now);
  // `command` names the child for the log.
  void on_child_started(int error, int pid, const std::string& command, const std::string& why, double now);
  void on_ping(double now);
  void on_exit_frame(double now);
  // The connection ended: `error` 0 for an orderly close by Spectrum, else an errno value.
  void on_spectrum_end(int error, double now);
  void on_signal(int signal, double now);
  void on_child_pong(const std::string& id, double now);
  void on_child_output_end(double now);
  // `status` is the exit status, or 0 when `signal` (non-zero) ended the child.
  void on_child_exit(int64_t status, int signal, double now);
  // Bytes written but not yet taken by each peer, after every event (they drive backpressure).
  void on_queues(size_t to_child, size_t to_spectrum, double now);
  void on_spectrum_finished(double now);
  // Lingering: bytes of ours the kernel has not had acknowledged, and bytes from Spectrum not read.
  void on_spectrum_delivery(size_t unsent, size_t unread, double now);
  void on_time(double now);
  // Whether what Spectrum sends now is dropped (the bridge is past taking messages).
  bool drops_spectrum_input() const { return phase_ == Phase::kFlushing || phase_ == Phase::kLingering; }

  std::vector<LifecycleAction> take_actions() { return std::exchange(actions_, {}); }
  bool has_actions() const { return !actions_.empty(); }
  std::optional<double> next_deadline() const;
  Phase phase() const { return phase_; }
  int exit_code() const { return exit_code_; }

 private:
  void act(LifecycleAction::Kind kind, int64_t value = 0) { actions_.push_back({kind, value}); }
  void stop(const std::string& reason, double now);
  void climb(std::optional<StopLadder::Rung> rung);
  void maybe_finish(double now);
  void exit(int code);
  bool child_reachable() const { return phase_ == Phase::kRunning || phase_ == Phase::kStopping; }

  LifecycleSettings settings_;
  const Logger& log_;
  Phase phase_ = Phase::kIdle;
  PingWatchdog watchdog_;
  ChildHeartbeat heartbeat_;
  StopLadder ladder_;
  Backpressure toward_child_;     // pauses reading from Spectrum
  Backpressure toward_spectrum_;  // pauses reading the child
  std::vector<LifecycleAction> actions_;
  bool child_running_ = false;
  bool child_output_open_ = false;
  bool spectrum_open_ = false;
  int signals_ = 0;
  std::string where_;  // Spectrum's address, for the log
  int exit_code_ = 0;
  std::optional<double> output_deadline_;  // draining: stop waiting for the child's stdout
  std::optional<double> flush_deadline_;   // flushing, lingering: stop waiting for Spectrum to take the last frames
  std::optional<double> next_probe_;       // lingering: when to look at the kernel's queues again
};

}  // namespace s2j
