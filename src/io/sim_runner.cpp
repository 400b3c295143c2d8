#include "io/sim_runner.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/json_translator.h"
#include "protocol.pb.h"
#include "sim/json_match.h"

namespace s2j {

using pbnetwork::WrapperMessage;

namespace {

constexpr double kPongGraceSeconds = 2;  // at the end, how long an outstanding PING may stay unanswered

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

SimRunner::SimRunner(SimOptions options) : options_(std::move(options)) { uv_loop_init(&loop_); }

void SimRunner::print(Out kind, const nlohmann::ordered_json& msg, const std::string& text) {
  struct Style {
    const char* key;     // --json: {"<key>": …}
    const char* prefix;  // human-readable
    const char* color;
  };
  static constexpr Style kStyles[] = {
      {"sent", "> ", "\033[32m"},    {"received", "< ", "\033[36m"}, {"sent", "> ", "\033[2m"},
      {"received", "< ", "\033[2m"}, {"finding", "! ", "\033[33m"},  {"failure", "x ", "\033[1;31m"},
      {"expect", "= ", "\033[32m"},  {"info", "# ", "\033[2m"},      {"info", "# ", "\033[1;32m"},
  };
  const Style& style = kStyles[static_cast<int>(kind)];
  std::string line;
  if (options_.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j[style.key] = text.empty() ? msg : nlohmann::ordered_json(text);
    if (!text.empty() && !msg.is_null()) j["msg"] = msg;
    line = dump(j);
  } else {
    if (options_.color) line.append(style.color);
    line.append(style.prefix).append(text.empty() ? dump(msg) : text);
    if (options_.color) line.append("\033[0m");
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

void SimRunner::finding(const std::string& text) {
  ++findings_;
  print(Out::kFinding, nullptr, text);
  if (options_.strict) failures_.push_back(text);
}

void SimRunner::fail(const std::string& what) {
  failures_.push_back(what);
  print(Out::kFailure, nullptr, what);
}

bool SimRunner::load_script() {
  if (options_.script_path.empty()) {
    const uv_handle_type kind = uv_guess_handle(STDIN_FILENO);
    if ((kind != UV_TTY && kind != UV_NAMED_PIPE) || script_in_.open_fd(&loop_, STDIN_FILENO) != 0) {
      // A regular file, /dev/null or nothing on stdin: read it whole now.
      std::stringstream text;
      text << std::cin.rdbuf();
      script_in_.close();
      for (std::string line; std::getline(text, line);) on_script_line(line);
      script_done_ = true;
      return failures_.empty();
    }
    return true;  // read as it arrives, once the backend has answered the first PING
  }
  std::ifstream file(options_.script_path);
  if (!file) {
    std::fprintf(stderr, "spectrum2_sim: cannot read scenario '%s'\n", options_.script_path.c_str());
    return false;
  }
  for (std::string line; std::getline(file, line);) on_script_line(line);
  script_done_ = true;
  return failures_.empty();
}

void SimRunner::on_script_line(std::string_view line) {
  ++script_line_;
  std::string error;
  std::optional<Step> step = parse_step(line, script_line_, error);
  if (!error.empty()) {
    fail("scenario line " + std::to_string(script_line_) + ": " + error);
    return;
  }
  if (step) steps_.push_back(std::move(*step));
}

int SimRunner::run() {
  if (options_.command.empty()) {
    std::fprintf(stderr, "spectrum2_sim: no backend command given (see --help)\n");
    return 2;
  }
  if (!load_script()) {
    uv_loop_close(&loop_);
    return 2;
  }
  ping_timer_.init(&loop_);
  step_timer_.init(&loop_);
  end_timer_.init(&loop_);

  int status = server_.listen(
      &loop_, "127.0.0.1", options_.port, [this]() -> Stream* { return connected_ ? nullptr : &connection_; },
      [this](Stream& s) { on_connection(s); });
  if (status != 0) {
    std::fprintf(stderr, "spectrum2_sim: cannot listen on 127.0.0.1:%d: %s\n", options_.port, uv_strerror(status));
    server_.close();
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    return 2;
  }

  std::string config = options_.config_path;
  if (config.empty()) {
    char tmpl[] = "/tmp/spectrum2_sim-XXXXXX";
    temp_dir_ = mkdtemp(tmpl);
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
  print(Out::kInfo, nullptr, "starting backend: " + shown);
  status = backend_.spawn(
      &loop_, argv, {}, [this](int code) { on_backend_exit(code); }, ChildProcess::Stdio::kDetached);
  if (status != 0) {
    fail("cannot start backend '" + argv[0] + "': " + uv_strerror(status));
    finish();
  } else {
    checks_owner_ = std::make_unique<SpectrumChecks>(std::to_string(backend_.pid()));
    checks_ = checks_owner_.get();
    end_timer_.start(options_.connect_timeout, [this] {
      fail("the backend did not connect within " + seconds(options_.connect_timeout));
      send_exit();
    });
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);

  const std::string summary = std::to_string(sent_) + " sent, " + std::to_string(received_) + " received, " +
                              std::to_string(expectations_) + " expectation(s) met, " + std::to_string(findings_) +
                              " finding(s)";
  if (failures_.empty()) {
    print(Out::kPass, nullptr, "PASS: " + summary);
    return 0;
  }
  print(Out::kFailure, nullptr, "FAIL: " + summary + "; " + std::to_string(failures_.size()) + " failure(s):");
  for (const auto& f : failures_) print(Out::kFailure, nullptr, "  " + f);
  return 1;
}

void SimRunner::on_connection(Stream& stream) {
  connected_ = true;
  state_ = State::kFirstPong;
  print(Out::kInfo, nullptr, "backend connected");
  stream.start_reading([this](std::string_view d) { on_data(d); },
                       [this](int status) {
                         connection_.close();
                         if (state_ == State::kExiting || state_ == State::kDone) return;
                         fail(std::string("the backend closed the connection before EXIT (") + uv_strerror(status) +
                              "): Spectrum would treat it as crashed and move its users");
                         send_exit();
                       });
  send_ping();
  end_timer_.start(options_.connect_timeout, [this] {
    fail("no PONG within " + seconds(options_.connect_timeout) + " of the first PING");
    send_exit();
  });
}

void SimRunner::send_ping() {
  if (!connection_.is_open() || state_ == State::kExiting || state_ == State::kDone) return;
  std::string out;
  append_frame(out, make_wrapper(WrapperMessage::TYPE_PING));
  connection_.write(std::move(out));
  checks_->on_ping_sent();
  print(Out::kPing, nlohmann::ordered_json{{"type", "ping"}});
  ping_timer_.start(options_.ping_interval, [this] {
    for (const std::string& f : checks_->on_tick()) {
      // An unanswered PING is a failure, not just a finding.
      if (f.rfind("no PONG", 0) == 0)
        fail(f);
      else
        finding(f);
    }
    send_ping();
  });
}

void SimRunner::on_data(std::string_view data) {
  frames_.feed(data);
  FrameEvent event;
  while (frames_.next(event)) {
    if (event.kind == FrameEvent::Kind::kOversized) {
      fail("frame of " + std::to_string(event.length) + " bytes: larger than this simulator accepts");
      continue;
    }
    on_frame(event.body);
  }
}

void SimRunner::on_frame(std::string_view body) {
  ++received_;
  nlohmann::ordered_json msg;
  const int pongs_before = checks_->pongs();
  std::vector<std::string> findings = checks_->on_backend_frame(body, msg);
  const std::string type = msg.is_object() && msg["type"].is_string() ? msg["type"].get<std::string>() : "";
  const bool housekeeping = type == "pong" || type == "stats";
  print(housekeeping ? Out::kPong : Out::kReceived, msg);
  for (const auto& f : findings) finding(f);
  if (!msg.is_null() && !housekeeping) inbox_.push_back(msg);
  if (state_ == State::kFirstPong && checks_->pongs() > pongs_before) {
    end_timer_.stop();
    state_ = State::kRunning;
    if (options_.script_path.empty() && !script_done_)
      script_in_.start_reading(
          [this](std::string_view d) {
            script_lines_.feed(d);
            LineEvent e;
            while (script_lines_.next(e)) on_script_line(e.text);
            advance();
          },
          [this](int) {
            script_lines_.finish();
            LineEvent e;
            while (script_lines_.next(e)) on_script_line(e.text);
            script_in_.close();
            script_done_ = true;
            advance();
          });
  }
  if (draining_ && !checks_->ping_outstanding()) {
    draining_ = false;
    end_timer_.stop();
    send_exit();
    return;
  }
  if (waiting_ && current_.kind == Step::Kind::kExpect && expectation_met()) {
    step_timer_.stop();
    waiting_ = false;
  }
  advance();
}

bool SimRunner::expectation_met() {
  for (size_t i = cursor_; i < inbox_.size(); ++i) {
    if (json_contains(inbox_[i], current_.message)) {
      cursor_ = i + 1;
      ++expectations_;
      print(Out::kExpect, nullptr, "expectation met: " + dump(current_.message));
      return true;
    }
  }
  return false;
}

void SimRunner::advance() {
  if (state_ != State::kRunning) return;
  while (!waiting_ && !steps_.empty()) {
    current_ = std::move(steps_.front());
    steps_.pop_front();
    switch (current_.kind) {
      case Step::Kind::kSend: {
        std::string out;
        append_frame(out, current_.frame_body);
        connection_.write(std::move(out));
        ++sent_;
        checks_->on_sent(current_.message);
        print(Out::kSent, current_.message);
        break;
      }
      case Step::Kind::kSleep:
        waiting_ = true;
        step_timer_.start(current_.seconds, [this] {
          waiting_ = false;
          advance();
        });
        return;
      case Step::Kind::kExpect:
        if (expectation_met()) break;
        waiting_ = true;
        step_timer_.start(current_.seconds, [this] {
          waiting_ = false;
          fail("scenario line " + std::to_string(current_.line) + ": no message matching " + dump(current_.message) +
               " within " + seconds(current_.seconds));
          advance();
        });
        return;
    }
  }
  if (!waiting_ && !draining_ && steps_.empty() && script_done_) {
    // As Spectrum would: the last PING must be answered before the backend is dropped.
    if (!checks_->ping_outstanding()) {
      send_exit();
      return;
    }
    draining_ = true;
    end_timer_.start(kPongGraceSeconds, [this] {
      fail("the last PING was not answered within " + seconds(kPongGraceSeconds));
      send_exit();
    });
  }
}

void SimRunner::send_exit() {
  if (state_ == State::kDone) return;
  state_ = State::kExiting;
  ping_timer_.stop();
  step_timer_.stop();
  if (connection_.is_open()) {
    std::string out;
    append_frame(out, make_wrapper(WrapperMessage::TYPE_EXIT));
    connection_.write(std::move(out));
    print(Out::kSent, nlohmann::ordered_json{{"type", "exit"}});
    connection_.shutdown([this] { connection_.close(); });
  }
  server_.close();
  if (script_in_.is_open()) script_in_.close();
  if (backend_exited_) {
    finish();
    return;
  }
  end_timer_.start(options_.exit_grace, [this] {
    fail("the backend did not exit within " + seconds(options_.exit_grace) + " after EXIT; killing it");
    backend_.kill(SIGKILL);
  });
}

void SimRunner::on_backend_exit(int code) {
  backend_exited_ = true;
  print(Out::kInfo, nullptr, "backend exited with code " + std::to_string(code));
  if (state_ != State::kExiting) {
    fail("the backend exited (code " + std::to_string(code) + ") before the scenario ended");
    send_exit();
    return;
  }
  finish();
}

void SimRunner::finish() {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  ping_timer_.close();
  step_timer_.close();
  end_timer_.close();
  server_.close();
  connection_.close();
  script_in_.close();
  backend_.close();
}

}  // namespace s2j
