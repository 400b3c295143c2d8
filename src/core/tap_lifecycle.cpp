#include "core/tap_lifecycle.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "core/lifecycle.h"

#include "core/log_words.h"

namespace s2j {

namespace {

using Kind = TapAction::Kind;

}  // namespace

TapLifecycle::TapLifecycle(TapLifecycleSettings settings, const Logger& log)
    : settings_(settings),
      log_(log),
      ladder_(settings.shutdown_timeout, kKillDelaySeconds),
      toward_backend_(settings.buffer_limit),
      toward_spectrum_(settings.buffer_limit) {}

void TapLifecycle::start(double) {
  if (phase_ != Phase::kIdle) return;
  phase_ = Phase::kConnecting;
  act(Kind::kConnect);
}

void TapLifecycle::on_connected(int error, const std::string& where, const std::string& why, double) {
  if (phase_ != Phase::kConnecting) return;
  if (error != 0) {
    log_.error("cannot connect to Spectrum at " + where + ": " + why +
               " (is Spectrum running and are --host/--port right?)");
    exit(error);
    return;
  }
  spectrum_open_ = true;
  where_ = where;
  phase_ = Phase::kStarting;
  act(Kind::kStartBackend);
}

void TapLifecycle::on_backend_started(int error, int pid, const std::string& command, int port, const std::string& why,
                                      double now) {
  if (phase_ != Phase::kStarting) return;
  command_ = command;
  if (error != 0) {
    log_.error("cannot start the native backend '" + command + "': " + why +
               " (check 'tap' in the [json_backend] section of the config)");
    exit(error);
    return;
  }
  pid_ = pid;
  port_ = port;
  backend_running_ = true;
  connect_deadline_ = now + settings_.connect_timeout;
  log_.debug("native backend '" + command + "' started (pid " + std::to_string(pid) +
             "); waiting for it to connect to 127.0.0.1:" + std::to_string(port));
}

void TapLifecycle::on_backend_connected(double) {
  if (phase_ != Phase::kStarting) return;
  phase_ = Phase::kRunning;
  connect_deadline_.reset();
  to_backend_open_ = true;
  backend_output_open_ = true;
  log_.info("connected to Spectrum at " + where_ + "; tapping native backend '" + command_ + "' (pid " +
            std::to_string(pid_) + ")");
  act(Kind::kStartRelay);
}

void TapLifecycle::on_exit_frame(double now) { end("EXIT from Spectrum", now); }

void TapLifecycle::on_spectrum_end(int error, double now) {
  if (!spectrum_open_) return;
  spectrum_open_ = false;
  act(Kind::kCloseSpectrum);
  if (phase_ == Phase::kRunning || phase_ == Phase::kStarting || phase_ == Phase::kEnding) {
    if (error == 0)
      log_.info("Spectrum closed the connection");
    else
      log_.warn(std::string("connection to Spectrum failed: ") + std::strerror(error));
    end("connection to Spectrum ended", now);
  }
  maybe_finish(now);
}

void TapLifecycle::on_backend_end(int error, double now) {
  if (!backend_output_open_) return;
  backend_output_open_ = false;
  to_backend_open_ = false;
  output_deadline_.reset();
  act(Kind::kStopReadingBackend);
  if (phase_ == Phase::kRunning) {
    if (error == 0)
      log_.info("the backend closed its connection; closing Spectrum's side too");
    else
      log_.warn(std::string("the backend's connection failed: ") + std::strerror(error) +
                "; closing Spectrum's side too");
    phase_ = Phase::kEnding;
  }
  if (backend_running_) climb(ladder_.start(now));
  maybe_finish(now);
}

void TapLifecycle::on_backend_exit(int64_t status, int signal, double now) {
  if (!backend_running_) return;
  backend_running_ = false;
  ladder_.on_exited();
  kill_deadline_.reset();
  const int code = signal != 0 ? 128 + signal : static_cast<int>(status);
  const std::string how =
      signal != 0 ? "was killed by " + describe_signal(signal) : "exited with code " + std::to_string(status);
  if (phase_ == Phase::kStarting) {
    connect_deadline_.reset();
    log_.error("the native backend '" + command_ + "' " + how + " before it connected to 127.0.0.1:" +
               std::to_string(port_) + " (it must connect to the --host and --port it is given)");
    exit_code_ = code != 0 ? code : 1;
    phase_ = Phase::kEnding;
  } else if (phase_ == Phase::kRunning) {
    log_.log(code != 0 ? LogLevel::kError : LogLevel::kInfo, "the backend " + how + "; the tap exits with its code");
    exit_code_ = code;
    phase_ = Phase::kEnding;
  } else {
    log_.info("the backend " + how);
    if (exit_code_ != ETIMEDOUT) exit_code_ = code;  // a backend that never connected keeps that reason
  }
  if (backend_output_open_) output_deadline_ = now + settings_.shutdown_timeout;
  maybe_finish(now);
}

void TapLifecycle::on_signal(int signal, double now) {
  if (phase_ == Phase::kIdle || phase_ == Phase::kConnecting) {
    exit(0);
    return;
  }
  if (!backend_running_) return;  // already ending
  if (++signals_ > 1) {
    log_.warn("second signal (" + describe_signal(signal) + "): killing the backend");
    kill_deadline_.reset();
    act(Kind::kSignalBackend, SIGKILL);
    return;
  }
  log_.info("received " + describe_signal(signal) + ": passing it on to the backend (SIGKILL if it still runs in " +
            describe_seconds(settings_.shutdown_timeout) + ")");
  act(Kind::kSignalBackend, signal);
  kill_deadline_ = now + settings_.shutdown_timeout;
  if (phase_ == Phase::kStarting || phase_ == Phase::kRunning) phase_ = Phase::kEnding;
  connect_deadline_.reset();
}

void TapLifecycle::on_queues(size_t to_backend, size_t to_spectrum, double) {
  if (phase_ == Phase::kRunning && to_backend_open_) {
    switch (toward_backend_.update(to_backend)) {
      case Backpressure::Change::kPause:
        log_.log(toward_backend_.pauses() == 1 ? LogLevel::kWarn : LogLevel::kDebug,
                 "the backend is not keeping up (" + std::to_string(to_backend) +
                     " bytes queued); pausing reads from Spectrum");
        act(Kind::kPauseSpectrum);
        break;
      case Backpressure::Change::kResume:
        act(Kind::kResumeSpectrum);
        break;
      case Backpressure::Change::kNone:
        break;
    }
  }
  if (backend_output_open_) {
    switch (toward_spectrum_.update(to_spectrum)) {
      case Backpressure::Change::kPause:
        log_.log(toward_spectrum_.pauses() == 1 ? LogLevel::kWarn : LogLevel::kDebug,
                 "Spectrum is not keeping up (" + std::to_string(to_spectrum) +
                     " bytes queued); pausing reads from the backend");
        act(Kind::kPauseBackend);
        break;
      case Backpressure::Change::kResume:
        act(Kind::kResumeBackend);
        break;
      case Backpressure::Change::kNone:
        break;
    }
  }
}

void TapLifecycle::on_spectrum_finished(double) {
  if (phase_ != Phase::kFlushing) return;
  phase_ = Phase::kLingering;
  act(Kind::kLingerSpectrum);
  act(Kind::kProbeSpectrum);
}

void TapLifecycle::on_spectrum_delivery(size_t unsent, size_t unread, double now) {
  if (phase_ != Phase::kLingering || !spectrum_open_) return;
  if (unsent == 0 && unread == 0) {
    spectrum_open_ = false;
    act(Kind::kCloseSpectrum);
    maybe_finish(now);
    return;
  }
  next_probe_ = now + kLingerProbeSeconds;
}

void TapLifecycle::on_time(double now) {
  if (connect_deadline_ && now >= *connect_deadline_) {
    connect_deadline_.reset();
    log_.error("the native backend '" + command_ + "' (pid " + std::to_string(pid_) +
               ") did not connect to 127.0.0.1:" + std::to_string(port_) + " within " +
               describe_seconds(settings_.connect_timeout) +
               "; ending it (it must connect to the --host and --port it is given)");
    exit_code_ = ETIMEDOUT;
    phase_ = Phase::kEnding;
    climb(ladder_.start(now, StopLadder::Rung::kTerminate));
    maybe_finish(now);
  }
  climb(ladder_.on_time(now));
  if (kill_deadline_ && now >= *kill_deadline_) {
    kill_deadline_.reset();
    log_.warn("the backend still runs " + describe_seconds(settings_.shutdown_timeout) + " after the signal; SIGKILL");
    act(Kind::kSignalBackend, SIGKILL);
  }
  if (output_deadline_ && now >= *output_deadline_) {
    output_deadline_.reset();
    log_.warn("the backend's connection is still open " + describe_seconds(settings_.shutdown_timeout) +
              " after it exited; closing it");
    backend_output_open_ = false;
    to_backend_open_ = false;
    act(Kind::kStopReadingBackend);
    maybe_finish(now);
  }
  if (flush_deadline_ && now >= *flush_deadline_) {
    flush_deadline_.reset();
    log_.warn("Spectrum did not take the last frames within " + describe_seconds(settings_.shutdown_timeout) +
              "; closing");
    spectrum_open_ = false;
    act(Kind::kCloseSpectrum);
    maybe_finish(now);
  }
  if (next_probe_ && now >= *next_probe_) {
    next_probe_.reset();
    act(Kind::kProbeSpectrum);
  }
}

std::optional<double> TapLifecycle::next_deadline() const {
  std::optional<double> at;
  for (const std::optional<double>& t :
       {connect_deadline_, ladder_.deadline(), kill_deadline_, output_deadline_, flush_deadline_, next_probe_})
    if (t && (!at || *t < *at)) at = t;
  return at;
}

void TapLifecycle::end(const std::string& reason, double now) {
  if (phase_ == Phase::kStarting) {
    // Not connected yet: nothing to pass on but an end.
    phase_ = Phase::kEnding;
    connect_deadline_.reset();
    log_.info(reason + " before the backend connected; ending it");
    climb(ladder_.start(now, StopLadder::Rung::kTerminate));
    return;
  }
  if (phase_ != Phase::kRunning) return;
  phase_ = Phase::kEnding;
  log_.info(reason + ": passed on; the backend has " + describe_seconds(settings_.shutdown_timeout) + " to exit");
  climb(ladder_.start(now));
}

void TapLifecycle::climb(std::optional<StopLadder::Rung> rung) {
  if (!rung) return;
  switch (*rung) {
    case StopLadder::Rung::kAsk:
      if (to_backend_open_) {
        to_backend_open_ = false;
        act(Kind::kFinishBackend);
      }
      break;
    case StopLadder::Rung::kTerminate:
      log_.warn("SIGTERM to the backend");
      act(Kind::kSignalBackend, SIGTERM);
      break;
    case StopLadder::Rung::kKill:
      log_.warn("the backend did not exit after SIGTERM; SIGKILL");
      act(Kind::kSignalBackend, SIGKILL);
      break;
  }
}

void TapLifecycle::maybe_finish(double now) {
  if (phase_ == Phase::kDone || phase_ == Phase::kRunning || phase_ == Phase::kStarting) return;
  if (backend_output_open_) return;  // its last bytes are still coming
  if (spectrum_open_) {
    if (phase_ == Phase::kEnding) {
      // Let the last frames reach Spectrum, but never hang on a peer that does not read.
      phase_ = Phase::kFlushing;
      flush_deadline_ = now + settings_.shutdown_timeout;
      act(Kind::kFinishSpectrum);
    }
    return;
  }
  flush_deadline_.reset();
  next_probe_.reset();
  if (backend_running_) {
    climb(ladder_.start(now));  // Spectrum's side is done; the backend must go too
    return;
  }
  exit(exit_code_);
}

void TapLifecycle::exit(int code) {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  exit_code_ = code;
  connect_deadline_.reset();
  kill_deadline_.reset();
  output_deadline_.reset();
  flush_deadline_.reset();
  next_probe_.reset();
  act(Kind::kExit, code);
}

}  // namespace s2j
