#include "core/lifecycle.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/log_words.h"

namespace s2j {

namespace {

using Kind = LifecycleAction::Kind;

}  // namespace

Lifecycle::Lifecycle(LifecycleSettings settings, const Logger& log)
    : settings_(settings),
      log_(log),
      watchdog_(settings.ping_timeout),
      heartbeat_(settings.child_ping_timeout),
      ladder_(settings.shutdown_timeout, kKillDelaySeconds),
      toward_child_(settings.buffer_limit),
      toward_spectrum_(settings.buffer_limit) {}

void Lifecycle::start(double) {
  if (phase_ != Phase::kIdle) return;
  phase_ = Phase::kConnecting;
  act(Kind::kConnect);
}

void Lifecycle::on_connected(int error, const std::string& where, const std::string& why, double) {
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
  act(Kind::kSpawnChild);
}

void Lifecycle::on_child_started(int error, int pid, const std::string& command, const std::string& why, double now) {
  if (phase_ != Phase::kStarting) return;
  if (error != 0) {
    log_.error("cannot start child '" + command + "': " + why +
               " (check 'child' in the [json_backend] section of the config)");
    exit(error);
    return;
  }
  log_.info("connected to Spectrum at " + where_ + "; child pid " + std::to_string(pid));
  phase_ = Phase::kRunning;
  child_running_ = true;
  child_output_open_ = true;
  watchdog_.restart(now);
  heartbeat_.start(now);
  act(Kind::kStartBridge);
  on_time(now);  // the first heartbeat goes right after the greeting
}

void Lifecycle::on_ping(double now) {
  if (phase_ == Phase::kRunning) watchdog_.restart(now);
}

void Lifecycle::on_exit_frame(double now) { stop("EXIT from Spectrum", now); }

void Lifecycle::on_spectrum_end(int error, double now) {
  if (!spectrum_open_) return;
  spectrum_open_ = false;
  if (phase_ == Phase::kLingering) {  // Spectrum saw our end and closed: everything was delivered
    act(Kind::kCloseSpectrum);
    exit(exit_code_);
    return;
  }
  if (error == 0)
    log_.info("Spectrum closed the connection");
  else
    log_.warn(std::string("connection to Spectrum failed: ") + std::strerror(error));
  act(Kind::kCloseSpectrum);
  stop("connection to Spectrum ended", now);
  maybe_finish(now);
}

void Lifecycle::on_signal(int signal, double now) {
  if (++signals_ == 1) {
    stop("received " + describe_signal(signal), now);
    return;
  }
  log_.warn("second signal (" + describe_signal(signal) + "): killing the child");
  climb(ladder_.kill_now());
}

void Lifecycle::on_child_pong(const std::string& id, double) { heartbeat_.on_pong(id); }

void Lifecycle::on_child_output_end(double now) {
  if (!child_output_open_) return;
  child_output_open_ = false;
  output_deadline_.reset();
  maybe_finish(now);
}

void Lifecycle::on_child_exit(int64_t status, int signal, double now) {
  if (!child_running_) return;
  child_running_ = false;
  ladder_.on_exited();
  heartbeat_.stop();
  watchdog_.stop();
  const int code = signal != 0 ? 128 + signal : static_cast<int>(status);
  const std::string how =
      signal != 0 ? "was killed by " + describe_signal(signal) : "exited with code " + std::to_string(status);
  if (phase_ == Phase::kStopping) {
    log_.info("child " + how);
  } else {
    // Nobody asked it to go: a crash, or a backend that gave up.
    log_.log(code != 0 ? LogLevel::kError : LogLevel::kWarn,
             "child " + how + " on its own; the bridge exits with code " + std::to_string(code));
    exit_code_ = code;
    phase_ = Phase::kDraining;
    act(Kind::kPauseSpectrum);
  }
  act(Kind::kCloseChildInput);
  if (child_output_open_) output_deadline_ = now + settings_.shutdown_timeout;
  maybe_finish(now);
}

void Lifecycle::on_queues(size_t to_child, size_t to_spectrum, double now) {
  if (phase_ == Phase::kRunning) {
    switch (toward_child_.update(to_child)) {
      case Backpressure::Change::kPause:
        // Said once at warn level: under a flood it repeats often.
        log_.log(
            toward_child_.pauses() == 1 ? LogLevel::kWarn : LogLevel::kDebug,
            "child is not keeping up (" + std::to_string(to_child) + " bytes queued); pausing reads from Spectrum");
        watchdog_.pause(now);
        act(Kind::kPauseSpectrum);
        break;
      case Backpressure::Change::kResume:
        log_.debug("child caught up; reading from Spectrum again");
        watchdog_.resume(now);
        act(Kind::kResumeSpectrum);
        break;
      case Backpressure::Change::kNone:
        break;
    }
  }
  if (child_output_open_) {
    switch (toward_spectrum_.update(to_spectrum)) {
      case Backpressure::Change::kPause:
        log_.log(toward_spectrum_.pauses() == 1 ? LogLevel::kWarn : LogLevel::kDebug,
                 "Spectrum is not keeping up (" + std::to_string(to_spectrum) +
                     " bytes queued); pausing reads from the child");
        act(Kind::kPauseChild);
        break;
      case Backpressure::Change::kResume:
        act(Kind::kResumeChild);
        break;
      case Backpressure::Change::kNone:
        break;
    }
  }
}

void Lifecycle::on_spectrum_finished(double) {
  if (phase_ != Phase::kFlushing) return;
  phase_ = Phase::kLingering;
  act(Kind::kLingerSpectrum);
  act(Kind::kProbeSpectrum);
}

void Lifecycle::on_spectrum_delivery(size_t unsent, size_t unread, double now) {
  if (phase_ != Phase::kLingering) return;
  if (unsent == 0 && unread == 0) {
    exit(exit_code_);
    return;
  }
  next_probe_ = now + kLingerProbeSeconds;
}

void Lifecycle::on_time(double now) {
  if (phase_ == Phase::kRunning && watchdog_.expired(now)) {
    stop("no PING from Spectrum for " + describe_seconds(settings_.ping_timeout), now);
  }
  if (phase_ == Phase::kRunning && heartbeat_.hung(now)) {
    log_.error("the child has not answered bridge.ping for " + describe_seconds(settings_.child_ping_timeout) +
               ": it is hung; closing the connection so that Spectrum moves its users to a new backend, and "
               "ending the child");
    exit_code_ = kExitChildHung;
    phase_ = Phase::kStopping;
    watchdog_.stop();
    heartbeat_.stop();
    if (spectrum_open_) {
      spectrum_open_ = false;
      act(Kind::kCloseSpectrum);
    }
    act(Kind::kCloseChildInput);
    climb(ladder_.start(now, StopLadder::Rung::kTerminate));
  }
  if (phase_ == Phase::kRunning) {
    if (const std::optional<uint64_t> id = heartbeat_.on_time(now))
      act(Kind::kSendChildPing, static_cast<int64_t>(*id));
  }
  climb(ladder_.on_time(now));
  if (output_deadline_ && now >= *output_deadline_) {
    log_.warn("the child's stdout is still open " + describe_seconds(settings_.shutdown_timeout) +
              " after it exited; closing it");
    output_deadline_.reset();
    child_output_open_ = false;
    act(Kind::kStopReadingChild);
    maybe_finish(now);
  }
  if (next_probe_ && now >= *next_probe_) {
    next_probe_.reset();
    act(Kind::kProbeSpectrum);
  }
  if (flush_deadline_ && now >= *flush_deadline_) {
    log_.warn("Spectrum did not take the last frames within " + describe_seconds(settings_.shutdown_timeout) +
              "; closing");
    exit(exit_code_);
  }
}

std::optional<double> Lifecycle::next_deadline() const {
  std::optional<double> at;
  const auto consider = [&at](std::optional<double> t) {
    if (t && (!at || *t < *at)) at = t;
  };
  if (phase_ == Phase::kRunning) {
    consider(watchdog_.deadline());
    consider(heartbeat_.deadline());
  }
  consider(ladder_.deadline());
  consider(output_deadline_);
  consider(flush_deadline_);
  consider(next_probe_);
  return at;
}

void Lifecycle::stop(const std::string& reason, double now) {
  if (phase_ != Phase::kRunning) {
    if (phase_ == Phase::kConnecting || phase_ == Phase::kStarting) exit(0);
    return;
  }
  phase_ = Phase::kStopping;
  watchdog_.stop();
  heartbeat_.stop();
  exit_code_ = 0;
  log_.info(reason + ": closing the child's stdin, waiting " + describe_seconds(settings_.shutdown_timeout) +
            " for it to exit");
  act(Kind::kPauseSpectrum);
  climb(ladder_.start(now));
}

void Lifecycle::climb(std::optional<StopLadder::Rung> rung) {
  if (!rung) return;
  switch (*rung) {
    case StopLadder::Rung::kAsk:
      act(Kind::kCloseChildInput);
      break;
    case StopLadder::Rung::kTerminate:
      if (exit_code_ != kExitChildHung)
        log_.warn("child still running " + describe_seconds(settings_.shutdown_timeout) +
                  " after its stdin closed; SIGTERM");
      act(Kind::kSignalChild, SIGTERM);
      break;
    case StopLadder::Rung::kKill:
      log_.warn("child did not exit after SIGTERM; SIGKILL");
      act(Kind::kSignalChild, SIGKILL);
      break;
  }
}

void Lifecycle::maybe_finish(double now) {
  if (phase_ == Phase::kDone || drops_spectrum_input()) return;
  if (child_running_ || child_output_open_) return;
  if (spectrum_open_) {
    // Let the queued frames reach Spectrum, but never hang on a peer that does not read.
    phase_ = Phase::kFlushing;
    flush_deadline_ = now + settings_.shutdown_timeout;
    act(Kind::kFinishSpectrum);
    return;
  }
  exit(exit_code_);
}

void Lifecycle::exit(int code) {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  exit_code_ = code;
  output_deadline_.reset();
  flush_deadline_.reset();
  next_probe_.reset();
  act(Kind::kExit, code);
}

}  // namespace s2j
