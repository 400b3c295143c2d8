#include "sim/engine.h"

#include <csignal>
#include <cstdio>
#include <cstring>

#include "core/json_text.h"
#include "core/json_translator.h"
#include "protocol.pb.h"
#include "sim/json_match.h"

#include "core/log_words.h"

namespace s2j {

using pbnetwork::WrapperMessage;

SimEngine::SimEngine(SimSettings settings) : settings_(settings), ladder_(settings.exit_grace, settings.kill_delay) {}

void SimEngine::report(SimReport::Kind kind, nlohmann::ordered_json message, std::string text, int line) {
  reports_.push_back(SimReport{kind, std::move(message), std::move(text), line});
}

void SimEngine::finding(const std::string& text, const nlohmann::ordered_json& about) {
  ++findings_;
  report(SimReport::Kind::kFinding, about, text);
  if (settings_.strict) failures_.push_back(text);
}

void SimEngine::fail(const std::string& text, const nlohmann::ordered_json& pattern, int line) {
  failures_.push_back(text);
  report(SimReport::Kind::kFailure, pattern, text, line);
}

bool SimEngine::add_script_line(std::string_view text) {
  ++script_lines_;
  std::string error;
  std::optional<Step> step = parse_step(text, script_lines_, error);
  if (!error.empty()) {
    fail("scenario line " + std::to_string(script_lines_) + ": " + error);
    return false;
  }
  if (step) steps_.push_back(std::move(*step));
  return true;
}

void SimEngine::use_replay(std::unique_ptr<Replay> replay, const std::vector<std::string>& notes,
                           std::vector<std::string> masked) {
  replay_ = std::move(replay);
  masked_ = std::move(masked);
  for (const std::string& note : notes) report(SimReport::Kind::kInfo, nullptr, note);
}

void SimEngine::on_backend_started(int pid, const std::string& command, const std::string& why, bool script_complete,
                                   double now) {
  script_complete_ = script_complete;
  report(SimReport::Kind::kInfo, nullptr, "starting backend: " + command);
  if (pid <= 0) {
    fail("cannot start the backend: " + why);
    phase_ = Phase::kReaping;  // nothing to stop or reap
    finish();
    return;
  }
  checks_ = std::make_unique<SpectrumChecks>(std::to_string(pid));
  phase_ = Phase::kConnecting;
  phase_deadline_ = now + settings_.connect_timeout;
}

void SimEngine::on_connected(double now) {
  if (phase_ != Phase::kConnecting) return;
  connected_ = true;
  report(SimReport::Kind::kInfo, nullptr, "backend connected");
  phase_ = Phase::kFirstPong;
  phase_deadline_ = now + settings_.connect_timeout;
  send_ping(now);  // as Spectrum does, at once
}

void SimEngine::send_frame(const std::string& body) { append_frame(to_backend_, body); }

void SimEngine::send_step(const Step& step) {
  send_frame(step.frame_body);
  ++sent_;
  if (received_since_first_send_ < 0) received_since_first_send_ = 0;
  checks_->on_sent(step.message);
  report(SimReport::Kind::kSent, step.message);
}

// Sends what the replay wants sent now and passes on what it says; a difference is a failure.
void SimEngine::pump_replay(double now) {
  replay_->on_time(now);
  bool stop = false;  // --fail-fast: nothing more is sent after a difference
  for (Replay::Event& event : replay_->take_events()) {
    if (event.send && !stop) send_step(*event.send);
    if (!event.report) continue;
    if (event.report->kind == SimReport::Kind::kDifference) {
      failures_.push_back(event.report->text);
      stop = settings_.fail_fast && phase_ < Phase::kExiting;
    }
    reports_.push_back(std::move(*event.report));
  }
  if (!stop) return;
  report(SimReport::Kind::kInfo, nullptr, "--fail-fast: ending at the first difference");
  begin_exit(now);
}

void SimEngine::send_ping(double now) {
  send_frame(make_wrapper(WrapperMessage::TYPE_PING));
  checks_->on_ping_sent();
  report(SimReport::Kind::kPing, nlohmann::ordered_json{{"type", "ping"}});
  next_ping_ = now + settings_.ping_interval;
}

void SimEngine::on_backend_data(std::string_view data, double now) {
  frames_.feed(data);
  FrameEvent event;
  while (frames_.next(event)) {
    if (event.kind == FrameEvent::Kind::kOversized) {
      fail("frame of " + std::to_string(event.length) + " bytes: larger than this simulator accepts");
      continue;
    }
    on_frame(event.body, now);
  }
}

void SimEngine::on_frame(std::string_view body, double now) {
  ++received_;
  nlohmann::ordered_json msg;
  const int pongs_before = checks_->pongs();
  const std::vector<std::string> findings = checks_->on_backend_frame(body, msg);
  const std::string type = msg.is_object() && msg["type"].is_string() ? msg["type"].get<std::string>() : "";
  const bool housekeeping = type == "pong" || type == "stats";
  report(housekeeping ? SimReport::Kind::kPong : SimReport::Kind::kReceived, msg);
  for (const std::string& f : findings) finding(f, msg);
  if (!msg.is_null() && !housekeeping) {
    inbox_.push_back(Received{msg, 0});
    if (received_since_first_send_ >= 0) ++received_since_first_send_;
    // BACKEND_CONFIG is the live session's: the bridge sends its own, a native backend its own.
    if (replay_ && phase_ < Phase::kExiting && type != "backend_config") replay_->on_answer(msg, now);
  }
  if (phase_ == Phase::kFirstPong && checks_->pongs() > pongs_before) {
    phase_ = Phase::kRunning;
    phase_deadline_.reset();
    if (replay_) replay_->start(now);
    if (!script_complete_) act(SimAction::Kind::kReadScript);
  }
  if (phase_ == Phase::kDraining && !checks_->ping_outstanding()) {
    begin_exit(now);
    return;
  }
  if (phase_ == Phase::kRunning && current_ && current_->kind == Step::Kind::kExpect && try_expectation()) {
    current_.reset();
  }
  advance(now);
}

bool SimEngine::try_expectation() {
  for (size_t i = cursor_; i < inbox_.size(); ++i) {
    if (json_contains(inbox_[i].message, current_->message)) {
      inbox_[i].consumed_by = current_->line;
      cursor_ = i + 1;
      ++expectations_;
      report(SimReport::Kind::kExpectMet, current_->message, {}, current_->line);
      return true;
    }
  }
  return false;
}

std::string SimEngine::why_not_met(const Step& step) const {
  std::string why;
  for (size_t i = 0; i < cursor_; ++i) {
    if (!json_contains(inbox_[i].message, step.message)) continue;
    const std::string earlier =
        "a matching message arrived earlier (the backend's message #" + std::to_string(i + 1) + ")";
    if (inbox_[i].consumed_by > 0)
      why = "; " + earlier + ", but the expectation on scenario line " + std::to_string(inbox_[i].consumed_by) +
            " already took it";
    else
      why = "; " + earlier + ", but an expectation only looks at messages after the last one matched (#" +
            std::to_string(cursor_) + ")";
    break;
  }
  if (received_since_first_send_ == 0)
    why +=
        "; the backend has sent nothing since it was given its first message: its output may be buffered "
        "(README, Troubleshooting: \"Nothing arrives at Spectrum\"), or it is slow to start (a longer "
        "\"timeout\" tells)";
  return why;
}

void SimEngine::advance(double now) {
  if (phase_ != Phase::kRunning) return;
  if (replay_) {
    pump_replay(now);
    if (phase_ != Phase::kRunning || !replay_->done()) return;  // --fail-fast may have ended the run
  }
  while (!current_ && !steps_.empty()) {
    Step step = std::move(steps_.front());
    steps_.pop_front();
    switch (step.kind) {
      case Step::Kind::kSend:
        send_step(step);
        break;
      case Step::Kind::kSleep:
        current_ = std::move(step);
        current_until_ = now + current_->seconds;
        break;
      case Step::Kind::kExpect:
        current_ = std::move(step);
        if (try_expectation())
          current_.reset();
        else
          current_until_ = now + current_->seconds;
        break;
    }
  }
  if (current_ || !steps_.empty() || !script_complete_) return;
  // The scenario is over. As Spectrum would, let the last PING be answered before dropping the backend.
  if (!checks_->ping_outstanding()) {
    begin_exit(now);
    return;
  }
  phase_ = Phase::kDraining;
  phase_deadline_ = now + settings_.pong_grace;
}

void SimEngine::on_connection_end(const std::string& why, double now) {
  connected_ = false;
  if (phase_ >= Phase::kExiting) return;
  fail("the backend closed the connection before EXIT" + (why.empty() ? std::string() : " (" + why + ")") +
       ": Spectrum would treat it as crashed and move its users");
  begin_exit(now);
}

void SimEngine::on_script_line(std::string_view text, double now) {
  add_script_line(text);
  advance(now);
}

void SimEngine::on_script_end(double now) {
  script_complete_ = true;
  advance(now);
}

void SimEngine::on_backend_exit(int64_t status, int signal, double now) {
  if (backend_exited_) return;
  backend_exited_ = true;
  ladder_.on_exited();
  give_up_.reset();
  const std::string how = signal != 0
                              ? "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")"
                              : "exited with code " + std::to_string(status);
  report(SimReport::Kind::kInfo, nullptr, "backend " + how);
  if (phase_ < Phase::kExiting) {
    fail("the backend " + how + " before the scenario ended");
    begin_exit(now);
  }
  if (phase_ == Phase::kExiting) {
    phase_ = Phase::kReaping;
    phase_deadline_.reset();
    act(SimAction::Kind::kFindLeftovers);
  }
}

void SimEngine::on_leftovers(const std::vector<std::string>& processes, double now) {
  if (phase_ != Phase::kReaping) return;
  if (processes.empty()) {
    finish();
    return;
  }
  if (!leftovers_seen_) {  // they may be on their way out; look again shortly
    leftovers_seen_ = true;
    phase_deadline_ = now + settings_.leftover_grace;
    return;
  }
  std::string list;
  for (const std::string& p : processes) list += (list.empty() ? "" : ", ") + p;
  fail("process(es) of the backend outlived it: " + list + " (in Spectrum they would run on, orphaned); killing them");
  act(SimAction::Kind::kKillLeftovers);
  finish();
}

void SimEngine::on_time(double now) {
  if (next_ping_ && now >= *next_ping_ && connected_ &&
      (phase_ == Phase::kFirstPong || phase_ == Phase::kRunning || phase_ == Phase::kDraining)) {
    bool unanswered = false;
    for (const std::string& f : checks_->on_tick(unanswered)) {
      if (unanswered && f.rfind("no PONG (nor", 0) == 0)
        fail(f);  // an unanswered PING is a failure, not just a finding
      else
        finding(f);
    }
    send_ping(now);
  }
  if (phase_deadline_ && now >= *phase_deadline_) {
    phase_deadline_.reset();
    switch (phase_) {
      case Phase::kConnecting:
        fail("the backend did not connect within " + describe_seconds(settings_.connect_timeout));
        begin_exit(now);
        break;
      case Phase::kFirstPong:
        fail("no PONG within " + describe_seconds(settings_.connect_timeout) + " of the first PING");
        begin_exit(now);
        break;
      case Phase::kDraining:
        fail("the last PING was not answered within " + describe_seconds(settings_.pong_grace));
        begin_exit(now);
        break;
      case Phase::kReaping:
        act(SimAction::Kind::kFindLeftovers);
        break;
      default:
        break;
    }
  }
  if (phase_ == Phase::kRunning && replay_) advance(now);
  if (phase_ == Phase::kRunning && current_ && now >= current_until_) {
    const Step step = std::move(*current_);
    current_.reset();
    if (step.kind == Step::Kind::kExpect) {
      fail("scenario line " + std::to_string(step.line) + ": no message matching " + json_text(step.message) +
               " within " + describe_seconds(step.seconds) + why_not_met(step),
           step.message, step.line);
      if (settings_.fail_fast) {
        report(SimReport::Kind::kInfo, nullptr, "--fail-fast: ending at the first failed expectation");
        begin_exit(now);
        return;
      }
    }
    advance(now);
  }
  climb(ladder_.on_time(now), now);
  if (give_up_ && now >= *give_up_) {
    give_up_.reset();
    fail("the backend did not die " + describe_seconds(settings_.kill_delay) + " after SIGKILL");
    finish();
  }
}

void SimEngine::on_signal(int signal, double now) {
  if (++signals_ == 1) {
    fail(std::string("interrupted by ") + strsignal(signal));
    if (phase_ == Phase::kStarting) {
      finish();
      return;
    }
    begin_exit(now);
    return;
  }
  if (!backend_exited_) climb(ladder_.kill_now(), now);
}

void SimEngine::begin_exit(double now) {
  if (phase_ >= Phase::kExiting) return;
  phase_ = Phase::kExiting;
  phase_deadline_.reset();
  next_ping_.reset();
  current_.reset();
  if (replay_) {  // what comes after EXIT is not compared: Spectrum has stopped listening
    replay_->end();
    pump_replay(now);
  }
  if (connected_) {
    send_frame(make_wrapper(WrapperMessage::TYPE_EXIT));
    report(SimReport::Kind::kSent, nlohmann::ordered_json{{"type", "exit"}});
  }
  act(SimAction::Kind::kCloseConnection);
  act(SimAction::Kind::kStopListening);
  act(SimAction::Kind::kStopReadingScript);
  if (backend_exited_) {
    phase_ = Phase::kReaping;
    act(SimAction::Kind::kFindLeftovers);
    return;
  }
  climb(ladder_.start(now), now);  // the first rung, asking, is the EXIT and the close above
}

void SimEngine::climb(std::optional<StopLadder::Rung> rung, double now) {
  if (!rung) return;
  switch (*rung) {
    case StopLadder::Rung::kAsk:
      break;
    case StopLadder::Rung::kTerminate:
      fail("the backend did not exit within " + describe_seconds(settings_.exit_grace) +
           " after EXIT: Spectrum would leave it running; SIGTERM to its process group");
      act(SimAction::Kind::kSignalBackend, SIGTERM);
      break;
    case StopLadder::Rung::kKill:
      report(SimReport::Kind::kInfo, nullptr, "the backend ignored SIGTERM; SIGKILL to its process group");
      act(SimAction::Kind::kSignalBackend, SIGKILL);
      give_up_ = now + settings_.kill_delay;
      break;
  }
}

std::optional<double> SimEngine::next_deadline() const {
  std::optional<double> at;
  const auto consider = [&at](std::optional<double> t) {
    if (t && (!at || *t < *at)) at = t;
  };
  if (connected_ && (phase_ == Phase::kFirstPong || phase_ == Phase::kRunning || phase_ == Phase::kDraining))
    consider(next_ping_);
  consider(phase_deadline_);
  if (phase_ == Phase::kRunning && current_) consider(current_until_);
  if (phase_ == Phase::kRunning && replay_) consider(replay_->deadline());
  consider(ladder_.deadline());
  consider(give_up_);
  return at;
}

void SimEngine::finish() {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  phase_deadline_.reset();
  give_up_.reset();
  // Keys of their own: "sent"/"received" would read as message entries.
  nlohmann::ordered_json figures{
      {"result", failures_.empty() ? "pass" : "fail"}, {"messages_sent", sent_}, {"messages_received", received_}};
  std::string summary = std::to_string(sent_) + " sent, " + std::to_string(received_) + " received, ";
  if (replay_) {
    figures["turns_as_recorded"] = replay_->turns_as_recorded();
    figures["differences"] = replay_->differences();
    summary += std::to_string(replay_->turns_as_recorded()) + " turn(s) as recorded, " +
               std::to_string(replay_->differences()) + " difference(s), ";
  } else {
    figures["expectations_met"] = expectations_;
    summary += std::to_string(expectations_) + " expectation(s) met, ";
  }
  figures["findings_count"] = findings_;
  summary += std::to_string(findings_) + " finding(s)";
  if (!masked_.empty()) {
    figures["masked_passwords"] = masked_;
    std::string users;
    for (const std::string& user : masked_) users += (users.empty() ? "" : ", ") + user;
    summary += " (masked password(s) sent as \"***\" for " + users + ")";
  }
  if (failures_.empty()) {
    report(SimReport::Kind::kResult, figures, "PASS: " + summary);
    exit_status_ = 0;
  } else {
    figures["failures"] = failures_;
    report(SimReport::Kind::kResult, figures,
           "FAIL: " + summary + "; " + std::to_string(failures_.size()) + " failure(s):");
    exit_status_ = 1;
  }
  act(SimAction::Kind::kFinish, exit_status_);
}

}  // namespace s2j
