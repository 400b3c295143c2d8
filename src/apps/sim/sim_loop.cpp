#include "apps/sim/sim_loop.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/sim/trace_file.h"
#include "io/session_processes.h"

namespace s2j {

SimLoop::SimLoop(SimOptions options) : options_(std::move(options)), engine_(options_.engine) {}

void SimLoop::print_reports() {
  std::string out;
  for (const SimReport& entry : engine_.take_reports()) out += format_report(entry, options_.style);
  if (out.empty()) return;
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

bool SimLoop::load_script(bool& complete) {
  complete = true;
  bool ok = true;
  if (options_.script_path.empty()) {
    const uv_handle_type kind = uv_guess_handle(STDIN_FILENO);
    if ((kind == UV_TTY || kind == UV_NAMED_PIPE) && script_in_.open_fd(loop_.get(), STDIN_FILENO) == 0) {
      complete = false;  // read as it arrives, once the backend has answered the first PING
      return true;
    }
    script_in_.close();
    // A regular file, /dev/null or nothing on stdin: read it whole now.
    for (std::string line; std::getline(std::cin, line);) ok = engine_.add_script_line(line) && ok;
    return ok;
  }
  std::ifstream file(options_.script_path);
  if (!file) {
    std::fprintf(stderr, "spectrum2_sim: cannot read scenario '%s'\n", options_.script_path.c_str());
    return false;
  }
  for (std::string line; std::getline(file, line);) ok = engine_.add_script_line(line) && ok;
  return ok;
}

bool SimLoop::load_replay() {
  std::optional<LoadedTrace> trace = load_trace(options_.replay_path, options_.passwords);
  if (!trace) return false;
  size_t sent = 0, answers = 0;
  for (const Turn& turn : trace->recording.turns) {
    sent += turn.sent.has_value();
    answers += turn.answers.size();
  }
  std::vector<std::string> notes = {"replaying " + options_.replay_path + ": " + std::to_string(sent) +
                                    " message(s) from Spectrum, " + std::to_string(answers) + " recorded answer(s)"};
  notes.insert(notes.end(), trace->notes.begin(), trace->notes.end());
  engine_.use_replay(std::make_unique<Replay>(std::move(trace->recording), options_.replay), notes,
                     std::move(trace->masked_users));
  return true;
}

int SimLoop::run() {
  if (loop_.init_status() != 0) {
    std::fprintf(stderr, "spectrum2_sim: cannot create the event loop: %s\n", uv_strerror(loop_.init_status()));
    return 2;
  }
  if (options_.command.empty()) {
    std::fprintf(stderr, "spectrum2_sim: no backend command given (see --help)\n");
    return 2;
  }
  bool script_complete = true;
  if (!(options_.replay_path.empty() ? load_script(script_complete) : load_replay())) {
    print_reports();
    return 2;
  }
  int status = server_.listen(
      loop_.get(), "127.0.0.1", options_.port, [this]() -> Stream* { return accepted_ ? nullptr : &connection_; },
      [this](Stream& stream, int accept_status) {
        if (accept_status != 0) {
          stream.close();
          return;
        }
        accepted_ = true;
        stream.start_reading(
            [this](std::string_view data) {
              engine_.on_backend_data(data, now());
              perform();
            },
            [this](int end) {
              connection_.close();
              engine_.on_connection_end(end == UV_EOF ? "" : uv_strerror(end), now());
              perform();
            });
        engine_.on_connected(now());
        perform();
      });
  if (status == 0) status = timer_.init(loop_.get());
  const auto on_signal = [this](int signal) {
    engine_.on_signal(signal, now());
    perform();
  };
  if (status == 0) status = sigint_.start(loop_.get(), SIGINT, on_signal);
  if (status == 0) status = sigterm_.start(loop_.get(), SIGTERM, on_signal);
  if (status != 0) {
    std::fprintf(stderr, "spectrum2_sim: cannot listen on 127.0.0.1:%d: %s\n", options_.port, uv_strerror(status));
    close_all();
    return 2;
  }

  std::string config = options_.config_path;
  if (config.empty()) {
    char pattern[] = "/tmp/spectrum2_sim-XXXXXX";
    if (mkdtemp(pattern) != nullptr) temp_dir_ = pattern;
    config = temp_dir_ + "/transport.cfg";
    std::ofstream(config) << "[service]\njid = " << options_.jid
                          << "\nbackend_host = 127.0.0.1\nbackend_port = " << server_.port() << "\n";
  }
  std::vector<std::string> argv = options_.command;
  for (const std::string& a :
       {std::string("--host"), std::string("127.0.0.1"), std::string("--port"), std::to_string(server_.port()),
        std::string("--service.backend_id=1"), std::string("-j"), options_.jid, config})
    argv.push_back(a);
  std::string shown;
  for (const auto& a : argv) shown += (shown.empty() ? "" : " ") + a;
  status = backend_.spawn(
      loop_.get(), argv, {},
      [this](int64_t code, int signal) {
        engine_.on_backend_exit(code, signal, now());
        perform();
      },
      ChildProcess::Stdio::kDetached);
  engine_.on_backend_started(status == 0 ? backend_.pid() : 0, shown,
                             status == 0 ? "" : "'" + argv[0] + "': " + uv_strerror(status), script_complete, now());
  perform();
  loop_.run();
  close_all();
  if (loop_.close() != 0) std::fprintf(stderr, "spectrum2_sim: internal: libuv handles left open at exit\n");
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
  return engine_.exit_status();
}

void SimLoop::perform() {
  if (performing_) return;
  performing_ = true;
  do {
    const std::vector<SimAction> actions = engine_.take_actions();
    print_reports();
    std::string& out = engine_.backend_output();
    if (!out.empty()) {
      if (connection_.is_open()) connection_.write(out);
      out.clear();
    }
    for (const SimAction& action : actions) apply(action);
    print_reports();
  } while (engine_.has_actions());
  performing_ = false;
  if (closed_) return;
  const std::optional<double> deadline = engine_.next_deadline();
  if (!deadline) {
    timer_.stop();
    return;
  }
  timer_.start(*deadline - now(), [this] {
    engine_.on_time(now());
    perform();
  });
}

void SimLoop::apply(const SimAction& action) {
  switch (action.kind) {
    case SimAction::Kind::kReadScript:
      script_in_.start_reading(
          [this](std::string_view data) {
            script_lines_.feed(data);
            LineEvent e;
            while (script_lines_.next(e)) engine_.on_script_line(e.text, now());
            perform();
          },
          [this](int) {
            script_lines_.finish();
            LineEvent e;
            while (script_lines_.next(e)) engine_.on_script_line(e.text, now());
            script_in_.close();
            engine_.on_script_end(now());
            perform();
          });
      break;
    case SimAction::Kind::kStopReadingScript:
      script_in_.close();
      break;
    case SimAction::Kind::kCloseConnection:
      connection_.shutdown([this](int) { connection_.close(); });
      break;
    case SimAction::Kind::kStopListening:
      server_.close();
      break;
    case SimAction::Kind::kSignalBackend:
      backend_.kill_group(action.value);
      break;
    case SimAction::Kind::kFindLeftovers: {
      std::vector<std::string> names;
      if (backend_.pid() > 0)
        for (const ProcessInfo& p : processes_in_session(backend_.pid()))
          names.push_back(std::to_string(p.pid) + " (" + p.name + ")");
      engine_.on_leftovers(names, now());
      break;
    }
    case SimAction::Kind::kKillLeftovers:
      if (backend_.pid() > 0)
        for (const ProcessInfo& p : processes_in_session(backend_.pid())) ::kill(p.pid, SIGKILL);
      break;
    case SimAction::Kind::kFinish:
      close_all();
      break;
  }
}

void SimLoop::close_all() {
  if (closed_) return;
  closed_ = true;
  timer_.close();
  sigint_.close();
  sigterm_.close();
  server_.close();
  connection_.close();
  script_in_.close();
  backend_.close();
  loop_.stop();
}

}  // namespace s2j
