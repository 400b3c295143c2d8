#include "io/bridge_runner.h"

#include <unistd.h>

#include <csignal>
#include <cstring>

#include "io/proc_memory.h"

namespace s2j {

namespace {
constexpr double kKillDelaySeconds = 2;  // SIGTERM → SIGKILL

std::string uv_message(int status) { return uv_strerror(status); }

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}
}  // namespace

BridgeRunner::BridgeRunner(BridgeOptions options, BridgeSettings settings, const Logger& log, Tracer* tracer)
    : options_(std::move(options)), settings_(std::move(settings)), log_(log), tracer_(tracer) {
  uv_loop_init(&loop_);
}

BridgeRunner::~BridgeRunner() = default;

int BridgeRunner::run() {
  ping_timer_.init(&loop_);
  shutdown_timer_.init(&loop_);
  auto on_signal = [this](int signal) {
    if (++signals_ > 1) {
      log_.warn(std::string("second ") + strsignal(signal) + ": killing the child");
      child_.kill(SIGKILL);
      return;
    }
    begin_shutdown(std::string("received ") + strsignal(signal));
  };
  sigterm_.start(&loop_, SIGTERM, on_signal);
  sigint_.start(&loop_, SIGINT, on_signal);

  const std::string port = std::to_string(options_.port);
  uv_getaddrinfo_t resolver{};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // Synchronous (no callback): this happens once, before anything else can run.
  int status = uv_getaddrinfo(&loop_, &resolver, nullptr, options_.host.c_str(), port.c_str(), &hints);
  if (status != 0) {
    log_.error("cannot resolve Spectrum's host '" + options_.host + "': " + uv_message(status) + " (check --host)");
    exit_code_ = EINVAL;
    close_all();
  } else {
    spectrum_.init_tcp(&loop_);
    connect_req_.data = this;
    status = uv_tcp_connect(&connect_req_, reinterpret_cast<uv_tcp_t*>(spectrum_.handle()), resolver.addrinfo->ai_addr,
                            [](uv_connect_t* req, int s) { static_cast<BridgeRunner*>(req->data)->on_connected(s); });
    uv_freeaddrinfo(resolver.addrinfo);
    if (status != 0) on_connected(status);
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  close_all();
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop_) != 0) log_.error("internal: libuv handles left open at exit");
  return exit_code_;
}

void BridgeRunner::on_connected(int status) {
  if (closed_) return;
  if (status != 0) {
    log_.error("cannot connect to Spectrum at " + options_.host + ":" + std::to_string(options_.port) + ": " +
               uv_message(status) + " (is Spectrum running and are --host/--port right?)");
    exit_code_ = -status;
    close_all();
    return;
  }
  uv_tcp_nodelay(reinterpret_cast<uv_tcp_t*>(spectrum_.handle()), 1);
  std::vector<std::string> env = {"SPECTRUM2_BACKEND_ID=" + settings_.backend_id, "SPECTRUM2_JID=" + settings_.jid,
                                  "SPECTRUM2_CONFIG=" + settings_.config_path, "SPECTRUM2_HOST=" + options_.host,
                                  "SPECTRUM2_PORT=" + std::to_string(options_.port)};
  status = child_.spawn(&loop_, options_.child, env, [this](int code) { on_child_exit(code); });
  if (status != 0) {
    log_.error("cannot start child '" + options_.child[0] + "': " + uv_message(status) +
               " (check 'child' in the [json_backend] section of the config)");
    exit_code_ = -status;
    close_all();
    return;
  }
  log_.info("connected to Spectrum at " + options_.host + ":" + std::to_string(options_.port) + "; child pid " +
            std::to_string(child_.pid()));

  const int child_pid = child_.pid();
  bridge_ = std::make_unique<Bridge>(settings_, log_, tracer_, [child_pid] {
    MemoryStats self = read_process_memory(0), child = read_process_memory(child_pid);
    return MemoryStats{self.res_kib + child.res_kib, self.shared_kib + child.shared_kib};
  });
  spectrum_.on_written([this] { update_backpressure(); });
  child_.in().on_written([this] { update_backpressure(); });
  spectrum_.on_write_error([this](int s) { log_.warn("writing to Spectrum failed: " + uv_message(s)); });
  child_.in().on_write_error([this](int s) { log_.warn("writing to the child failed: " + uv_message(s)); });
  spectrum_.start_reading([this](std::string_view d) { on_spectrum_data(d); }, [this](int s) { on_spectrum_end(s); });
  child_.out().start_reading([this](std::string_view d) { on_child_data(d); }, [this](int s) { on_child_end(s); });
  ping_timer_.start(options_.ping_timeout,
                    [this] { begin_shutdown("no PING from Spectrum for " + seconds(options_.ping_timeout)); });
  bridge_->start();
  flush();
}

void BridgeRunner::on_spectrum_data(std::string_view data) {
  bridge_->on_spectrum_data(data);
  flush();
  if (bridge_->pings() != pings_seen_) {
    pings_seen_ = bridge_->pings();
    if (!shutting_down_ && !finishing_)
      ping_timer_.start(options_.ping_timeout,
                        [this] { begin_shutdown("no PING from Spectrum for " + seconds(options_.ping_timeout)); });
  }
  if (bridge_->exit_requested()) begin_shutdown("EXIT from Spectrum");
}

void BridgeRunner::on_spectrum_end(int status) {
  bridge_->on_spectrum_eof();
  flush();
  if (status == UV_EOF)
    log_.info("Spectrum closed the connection");
  else
    log_.warn("connection to Spectrum failed: " + uv_message(status));
  spectrum_.close();
  begin_shutdown("connection to Spectrum ended");
}

void BridgeRunner::on_child_data(std::string_view data) {
  bridge_->on_child_data(data);
  flush();
}

void BridgeRunner::on_child_end(int status) {
  if (status != UV_EOF) log_.warn("reading the child's stdout failed: " + uv_message(status));
  bridge_->on_child_eof();
  flush();
  child_output_done_ = true;
  child_.out().close();
  maybe_finish();
}

void BridgeRunner::on_child_exit(int code) {
  finishing_ = true;
  ping_timer_.stop();
  if (shutting_down_) {
    log_.info("child exited with code " + std::to_string(code));
  } else {
    log_.info("child exited with code " + std::to_string(code) + "; the bridge exits with it");
    exit_code_ = code;
    spectrum_.pause();
  }
  child_.in().close();
  if (!child_output_done_) {
    // Its stdout may stay open in a grandchild; do not wait for it forever.
    shutdown_timer_.start(options_.shutdown_timeout, [this] {
      log_.warn("the child's stdout is still open after it exited; closing it");
      child_output_done_ = true;
      child_.out().close();
      maybe_finish();
    });
  }
  maybe_finish();
}

void BridgeRunner::flush() {
  if (!bridge_) return;
  std::string& to_child = bridge_->child_output();
  if (!to_child.empty()) {
    if (child_.in().is_open()) {
      const int status = child_.in().write(std::move(to_child));
      if (status != 0 && status != UV_EPIPE) log_.warn("writing to the child failed: " + uv_message(status));
    }
    to_child.clear();
  }
  std::string& to_spectrum = bridge_->spectrum_output();
  if (!to_spectrum.empty()) {
    if (spectrum_.is_open()) {
      const int status = spectrum_.write(std::move(to_spectrum));
      if (status != 0 && status != UV_EPIPE) log_.warn("writing to Spectrum failed: " + uv_message(status));
    } else {
      log_.debug("connection to Spectrum is closed; " + std::to_string(to_spectrum.size()) + " bytes not sent");
    }
    to_spectrum.clear();
  }
  update_backpressure();
}

// Reading stops on one side only while the other side's queue is over the limit, so PING is
// answered as long as the child merely lags.
void BridgeRunner::update_backpressure() {
  const size_t limit = options_.buffer_limit;
  if (!shutting_down_ && !finishing_) {
    const size_t to_child = child_.in().queued();
    if (to_child > limit && !spectrum_.paused()) {
      // Said once at warn level: under a flood this toggles often.
      log_.log(paused_for_child_++ ? LogLevel::kDebug : LogLevel::kWarn,
               "child is not reading (" + std::to_string(to_child) + " bytes queued); pausing reads from Spectrum");
      spectrum_.pause();
    } else if (spectrum_.paused() && to_child <= limit / 2) {
      log_.debug("child caught up; reading from Spectrum again");
      spectrum_.resume();
    }
  }
  const size_t to_spectrum = spectrum_.queued();
  Stream& child_out = child_.out();
  if (to_spectrum > limit && !child_out.paused()) {
    log_.log(
        paused_for_spectrum_++ ? LogLevel::kDebug : LogLevel::kWarn,
        "Spectrum is not reading (" + std::to_string(to_spectrum) + " bytes queued); pausing reads from the child");
    child_out.pause();
  } else if (child_out.paused() && to_spectrum <= limit / 2) {
    child_out.resume();
  }
}

void BridgeRunner::begin_shutdown(const std::string& reason) {
  if (shutting_down_ || closed_) return;
  shutting_down_ = true;
  ping_timer_.stop();
  if (finishing_) return;  // the child is already gone
  log_.info(reason + ": closing the child's stdin, waiting " + seconds(options_.shutdown_timeout) + " for it to exit");
  exit_code_ = 0;
  spectrum_.pause();
  child_.in().shutdown([this] { child_.in().close(); });
  shutdown_timer_.start(options_.shutdown_timeout, [this] { escalate(); });
}

void BridgeRunner::escalate() {
  if (!child_.running()) return;
  log_.warn("child still running " + seconds(options_.shutdown_timeout) + " after its stdin closed; SIGTERM");
  child_.kill(SIGTERM);
  shutdown_timer_.start(kKillDelaySeconds, [this] {
    if (!child_.running()) return;
    log_.warn("child ignored SIGTERM; SIGKILL");
    child_.kill(SIGKILL);
  });
}

void BridgeRunner::maybe_finish() {
  if (closed_ || child_.running() || !child_output_done_) return;
  flush();
  shutdown_timer_.stop();
  if (spectrum_.is_open()) {
    // Let queued frames reach Spectrum, but never hang on a peer that does not read.
    spectrum_.shutdown([this] { close_all(); });
    shutdown_timer_.start(options_.shutdown_timeout, [this] {
      log_.warn("Spectrum did not take the last frames in time; closing");
      close_all();
    });
  } else {
    close_all();
  }
}

void BridgeRunner::close_all() {
  if (closed_) return;
  closed_ = true;
  ping_timer_.close();
  shutdown_timer_.close();
  sigterm_.close();
  sigint_.close();
  spectrum_.close();
  child_.close();
}

}  // namespace s2j
