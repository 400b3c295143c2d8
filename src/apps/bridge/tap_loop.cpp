#include "apps/bridge/tap_loop.h"

#include <cerrno>
#include <csignal>

#include "core/tap_command.h"
#include "io/executable_path.h"
#include "io/parent_death.h"
#include "io/socket_queues.h"
#include "io/uv_errno.h"

namespace s2j {

namespace {

using Kind = TapAction::Kind;

}  // namespace

TapLoop::TapLoop(const BridgeOptions& options, const std::vector<std::string>& args, TapSession& session,
                 const Logger& log, const std::string& launcher)
    : options_(options), args_(args), session_(session), log_(log), launcher_(launcher) {}

int TapLoop::run() {
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

void TapLoop::perform() {
  if (performing_) return;  // an event raised while performing is taken by the loop below
  performing_ = true;
  do {
    const std::vector<TapAction> actions = session_.take_actions();
    write_outputs();
    for (const TapAction& action : actions) apply(action);
    if (!closed_) session_.on_queues(backend_.queued() + session_.backend_output().size(), spectrum_.queued(), now());
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

void TapLoop::write_outputs() {
  // Spectrum's bytes wait in the session until the backend has connected.
  std::string& to_backend = session_.backend_output();
  if (!to_backend.empty() && backend_accepted_) {
    if (backend_.is_open()) {
      const int status = backend_.write(to_backend);
      if (status != 0 && status != UV_EPIPE) session_.on_write_error(false, -status);
    }
    to_backend.clear();
  }
  std::string& to_spectrum = session_.spectrum_output();
  if (!to_spectrum.empty()) {
    if (spectrum_.is_open()) {
      const int status = spectrum_.write(to_spectrum);
      if (status != 0 && status != UV_EPIPE) session_.on_write_error(true, -status);
    }
    to_spectrum.clear();
  }
}

void TapLoop::apply(const TapAction& action) {
  switch (action.kind) {
    case Kind::kConnect:
      connector_.connect(loop_.get(), spectrum_, options_.host, options_.port, [this](int status) {
        if (status == 0 && uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(spectrum_.handle()), 1) != 0)
          log_.debug("cannot set TCP_NODELAY on the connection to Spectrum");
        session_.on_connected(status == 0 ? 0 : errno_of(status), options_.host + ":" + std::to_string(options_.port),
                              status == 0 ? "" : uv_strerror(status), now());
        perform();
      });
      break;
    case Kind::kStartBackend:
      start_backend();
      break;
    case Kind::kStartRelay:
      start_relay();
      break;
    case Kind::kPauseSpectrum:
      spectrum_.pause();
      break;
    case Kind::kResumeSpectrum:
      spectrum_.resume();
      break;
    case Kind::kPauseBackend:
      backend_.pause();
      break;
    case Kind::kResumeBackend:
      backend_.resume();
      break;
    case Kind::kFinishBackend:
      backend_.shutdown([](int) {});
      break;
    case Kind::kSignalBackend:
      process_.kill(static_cast<int>(action.value));
      break;
    case Kind::kStopReadingBackend:
      backend_.close();
      listener_.close();
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

void TapLoop::start_backend() {
  const std::string& name = options_.tap[0];
  const auto accept_one = [this]() -> Stream* { return backend_accepted_ ? nullptr : &backend_; };
  const auto on_accepted = [this](Stream&, int status) {
    if (status != 0) {
      log_.warn(std::string("accepting the backend's connection failed: ") + uv_strerror(status));
      return;  // it may try again until tap_connect_timeout
    }
    backend_accepted_ = true;
    session_.on_backend_connected(now());
    perform();
  };
  int status = listener_.listen(loop_.get(), "127.0.0.1", 0, accept_one, on_accepted);
  if (status != 0) {
    session_.on_backend_started(errno_of(status), 0, name, 0,
                                std::string("cannot listen on 127.0.0.1: ") + uv_strerror(status), now());
    return;
  }
  std::string path;
  const int missing = find_executable(name, path);
  if (missing != 0) {
    session_.on_backend_started(missing, 0, name, listener_.port(), uv_strerror(-missing), now());
    return;
  }
  // As Spectrum starts a backend (a session of its own, no stdin), and tied to the tap's life.
  const std::vector<std::string> argv =
      launch_tied_to_this_process(native_backend_command(options_.tap, args_, listener_.port()), path, launcher_);
  status = process_.spawn(
      loop_.get(), argv, {},
      [this](int64_t code, int signal) {
        session_.on_backend_exit(code, signal, now());
        perform();
      },
      ChildProcess::Stdio::kDetached);
  session_.on_backend_started(status == 0 ? 0 : errno_of(status), process_.pid(), name, listener_.port(),
                              status == 0 ? "" : uv_strerror(status), now());
}

void TapLoop::start_relay() {
  listener_.close();
  spectrum_.on_written([this] { perform(); });
  backend_.on_written([this] { perform(); });
  spectrum_.on_write_error([this](int status) { session_.on_write_error(true, -status); });
  backend_.on_write_error([this](int status) { session_.on_write_error(false, -status); });
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
  status = backend_.start_reading(
      [this](std::string_view data) {
        session_.on_backend_data(data, now());
        perform();
      },
      [this](int end) {
        session_.on_backend_end(end == UV_EOF ? 0 : errno_of(end), now());
        perform();
      });
  if (status != 0) session_.on_backend_end(errno_of(status), now());
}

void TapLoop::close_all() {
  if (closed_) return;
  closed_ = true;
  timer_.close();
  sigterm_.close();
  sigint_.close();
  listener_.close();
  spectrum_.close();
  backend_.close();
  process_.close();
  loop_.stop();
}

}  // namespace s2j
