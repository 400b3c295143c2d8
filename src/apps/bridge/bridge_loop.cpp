#include "apps/bridge/bridge_loop.h"

#include <cerrno>
#include <csignal>

#include "io/executable_path.h"
#include "io/parent_death.h"
#include "io/socket_queues.h"
#include "io/uv_errno.h"

namespace s2j {

namespace {

using Kind = LifecycleAction::Kind;

}  // namespace

BridgeLoop::BridgeLoop(const BridgeOptions& options, BridgeSession& session, const Logger& log,
                       const std::string& launcher)
    : options_(options), session_(session), log_(log), launcher_(launcher) {}

int BridgeLoop::run() {
  if (loop_.init_status() != 0) {
    log_.error(std::string("cannot create the event loop: ") + uv_strerror(loop_.init_status()));
    return EIO;
  }
  int status = timer_.init(loop_.get());
  const auto on_signal = [this](int signal) {
    session_.on_signal(signal, now());
    perform();
  };
  if (status == 0) status = sigterm_.start(loop_.get(), SIGTERM, on_signal);
  if (status == 0) status = sigint_.start(loop_.get(), SIGINT, on_signal);
  if (status != 0) {
    log_.error(std::string("cannot set up timers and signals: ") + uv_strerror(status));
    close_all();
    loop_.close();
    return EIO;
  }
  session_.start(now());
  perform();
  loop_.run();
  close_all();
  if (loop_.close() != 0) log_.error("internal: libuv handles left open at exit");
  return session_.exit_code();
}

void BridgeLoop::perform() {
  if (performing_) return;  // an event raised while performing is taken by the loop below
  performing_ = true;
  do {
    const std::vector<LifecycleAction> actions = session_.take_actions();
    write_outputs();
    for (const LifecycleAction& action : actions) apply(action);
    if (!closed_) session_.on_queues(child_.in().queued(), spectrum_.queued(), now());
  } while (session_.has_actions());
  performing_ = false;
  if (closed_) return;
  const std::optional<double> deadline = session_.next_deadline();
  if (!deadline) {
    timer_.stop();
    return;
  }
  timer_.start(*deadline - now(), [this] {
    session_.on_time(now());
    perform();
  });
}

void BridgeLoop::write_outputs() {
  std::string& to_child = session_.child_output();
  if (!to_child.empty()) {
    if (child_.in().is_open()) {
      const int status = child_.in().write(to_child);
      if (status != 0 && status != UV_EPIPE) session_.on_write_error(BridgeSession::Peer::kChild, -status);
    }
    to_child.clear();
  }
  std::string& to_spectrum = session_.spectrum_output();
  if (!to_spectrum.empty()) {
    if (spectrum_.is_open()) {
      const int status = spectrum_.write(to_spectrum);
      if (status != 0 && status != UV_EPIPE) session_.on_write_error(BridgeSession::Peer::kSpectrum, -status);
    } else {
      log_.debug("connection to Spectrum is closed; " + std::to_string(to_spectrum.size()) + " bytes not sent");
    }
    to_spectrum.clear();
  }
}

void BridgeLoop::apply(const LifecycleAction& action) {
  switch (action.kind) {
    case Kind::kConnect:
      connector_.connect(loop_.get(), spectrum_, options_.host, options_.port, [this](int status) {
        // Without TCP_NODELAY every PONG would wait for an ACK; worth a word, not a failure.
        if (status == 0 && uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(spectrum_.handle()), 1) != 0)
          log_.debug("cannot set TCP_NODELAY on the connection to Spectrum");
        session_.on_connected(status == 0 ? 0 : errno_of(status), options_.host + ":" + std::to_string(options_.port),
                              status == 0 ? "" : uv_strerror(status), now());
        perform();
      });
      break;
    case Kind::kSpawnChild:
      spawn_child();
      break;
    case Kind::kStartBridge:
      start_reading();
      break;
    case Kind::kSendChildPing:
      break;  // done by the session
    case Kind::kPauseSpectrum:
      spectrum_.pause();
      break;
    case Kind::kResumeSpectrum:
      spectrum_.resume();
      break;
    case Kind::kPauseChild:
      child_.out().pause();
      break;
    case Kind::kResumeChild:
      child_.out().resume();
      break;
    case Kind::kCloseChildInput:
      child_.in().shutdown([this](int) { child_.in().close(); });
      break;
    case Kind::kSignalChild:
      child_.kill(static_cast<int>(action.value));
      break;
    case Kind::kStopReadingChild:
      child_.out().close();
      break;
    case Kind::kFinishSpectrum:
      spectrum_.shutdown([this](int) {
        session_.on_spectrum_finished(now());
        perform();
      });
      break;
    case Kind::kLingerSpectrum:
      spectrum_.resume();
      break;
    case Kind::kProbeSpectrum: {
      SocketQueues queues;  // when they cannot be read, there is nothing to wait for
      if (!spectrum_.is_open() || read_socket_queues(spectrum_.handle(), queues) != 0) queues = {};
      session_.on_spectrum_delivery(queues.unsent, queues.unread, now());
      break;
    }
    case Kind::kCloseSpectrum:
      spectrum_.close();
      break;
    case Kind::kExit:
      close_all();
      break;
  }
}

void BridgeLoop::spawn_child() {
  std::string path;
  const int missing = find_executable(options_.child[0], path);
  if (missing != 0) {
    session_.on_child_started(missing, 0, options_.child[0], uv_strerror(-missing), now());
    return;
  }
  // Through the launcher, so that the child dies with the bridge even when the bridge is SIGKILLed.
  const std::vector<std::string> argv = launch_tied_to_this_process(options_.child, path, launcher_);
  const int status = child_.spawn(loop_.get(), argv, options_.child_env, [this](int64_t code, int signal) {
    session_.on_child_exit(code, signal, now());
    perform();
  });
  session_.on_child_started(status == 0 ? 0 : errno_of(status), child_.pid(), options_.child[0],
                            status == 0 ? "" : uv_strerror(status), now());
}

void BridgeLoop::start_reading() {
  spectrum_.on_written([this] { perform(); });
  child_.in().on_written([this] { perform(); });
  spectrum_.on_write_error([this](int status) { session_.on_write_error(BridgeSession::Peer::kSpectrum, -status); });
  child_.in().on_write_error([this](int status) { session_.on_write_error(BridgeSession::Peer::kChild, -status); });
  int status = spectrum_.start_reading(
      [this](std::string_view data) {
        session_.on_spectrum_data(data, now());
        perform();
      },
      [this](int end) {
        session_.on_spectrum_end(end == UV_EOF ? 0 : errno_of(end), now());
        perform();
      });
  if (status != 0) session_.on_spectrum_end(errno_of(status), now());
  status = child_.out().start_reading(
      [this](std::string_view data) {
        session_.on_child_data(data, now());
        perform();
      },
      [this](int end) {
        child_.out().close();
        session_.on_child_output_end(end == UV_EOF ? 0 : errno_of(end), now());
        perform();
      });
  if (status != 0) {
    child_.out().close();
    session_.on_child_output_end(errno_of(status), now());
  }
}

void BridgeLoop::close_all() {
  if (closed_) return;
  closed_ = true;
  timer_.close();
  sigterm_.close();
  sigint_.close();
  spectrum_.close();
  child_.close();
  loop_.stop();
}

}  // namespace s2j
