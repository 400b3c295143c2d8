// A recorded session played again, without I/O: the turns of a trace (sim/trace_reader.h) in, the
// messages to send and a comparison report out, time passed in by the caller. The engine
// (sim/engine.h) performs it in place of a scenario.
//
// A turn is one message from Spectrum and the answers recorded after it. Its message is sent once
// the turn before it is closed; a turn is closed when an answer of each recorded type has arrived
// (then compared), or after `answer_timeout` (what is not there is missing). With `realtime` a turn
// also lasts at least as long as the recorded gap to Spectrum's next message, and what arrives
// meanwhile belongs to it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/message_diff.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/trace_reader.h"

namespace s2j {

struct ReplaySettings {
  double answer_timeout = 5;  // a turn's time for its recorded answers
  bool realtime = false;      // keep the recorded gaps between Spectrum's messages
  CompareRules compare;
};

class Replay {
 public:
  Replay(Recording recording, ReplaySettings settings);

  // The session is up (the first PONG): the first turn's time starts.
  void start(double now);
  // A message from the backend (not PONG or STATS) as JSON; it may come before start().
  void on_answer(const nlohmann::ordered_json& message, double now);
  // Closes the turns that are complete or out of time and opens the next ones.
  void on_time(double now);
  // What to do, in order: messages to send (each opens its turn) and what to report.
  struct Event {
    std::optional<Step> send;
    std::optional<SimReport> report;
  };
  std::vector<Event> take_events() { return std::exchange(events_, {}); }
  std::optional<double> deadline() const;
  // Every message sent and every turn closed; answers that still come are extra.
  bool done() const { return open_ >= turns_.size(); }
  // The session ends: the open turn is judged with what came, what was not sent is reported.
  void end();

  int turns_as_recorded() const { return as_recorded_; }
  int differences() const { return differences_; }

 private:
  bool complete() const;
  double gap_end() const;
  double timeout_at() const;
  void open_next(double now);
  void close_turn(const std::string& why_missing);
  void difference(const std::string& text, nlohmann::ordered_json detail);
  std::string label(const Turn& turn) const;

  std::vector<Turn> turns_;
  double recording_start_;
  ReplaySettings settings_;
  size_t open_ = 0;  // the turn whose answers come now
  bool started_ = false;
  bool ended_ = false;
  double opened_at_ = 0;
  std::vector<nlohmann::ordered_json> arrived_;  // canonical, for the open turn (after done(): late ones)
  std::vector<Event> events_;
  int as_recorded_ = 0;
  bool last_as_recorded_ = false;  // the last closed turn was, until a late answer says otherwise
  int differences_ = 0;
};

}  // namespace s2j
