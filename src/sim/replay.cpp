#include "sim/replay.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/json_text.h"
#include "sim/canonical.h"

#include "core/log_words.h"

namespace s2j {

using Json = nlohmann::ordered_json;

namespace {

std::string type_of(const Json& message) {
  const auto type = message.find("type");
  if (type == message.end()) return "?";
  return type->is_string() ? type->get<std::string>() : json_text(*type);
}

}  // namespace

Replay::Replay(Recording recording, ReplaySettings settings)
    : turns_(std::move(recording.turns)), recording_start_(recording.start), settings_(std::move(settings)) {}

void Replay::start(double now) {
  if (started_) return;
  started_ = true;
  opened_at_ = now;
  on_time(now);
}

void Replay::on_answer(const Json& message, double now) {
  if (ended_) return;
  arrived_.push_back(canonical_message(message));
  if (started_) on_time(now);
}

bool Replay::complete() const {
  std::map<std::string, int> wanted;
  for (const RecordedAnswer& a : turns_[open_].answers) ++wanted[type_of(a.message)];
  for (const Json& a : arrived_) --wanted[type_of(a)];
  return std::all_of(wanted.begin(), wanted.end(), [](const auto& w) { return w.second <= 0; });
}

// When the turn may end at the earliest: at once, or after the recorded gap to the next message.
double Replay::gap_end() const {
  if (!settings_.realtime || open_ + 1 >= turns_.size()) return opened_at_;
  const Turn& turn = turns_[open_];
  const double from = turn.sent ? turn.sent->at : recording_start_;
  return opened_at_ + std::max(0.0, turns_[open_ + 1].sent->at - from);
}

double Replay::timeout_at() const { return std::max(gap_end(), opened_at_ + settings_.answer_timeout); }

void Replay::on_time(double now) {
  while (started_ && !ended_ && !done()) {
    if (now >= timeout_at()) {
      close_turn("none within " + describe_seconds(settings_.answer_timeout));
    } else if (complete() && now >= gap_end()) {
      close_turn("");
    } else {
      return;
    }
    open_next(now);
  }
}

std::optional<double> Replay::deadline() const {
  if (!started_ || ended_ || done()) return std::nullopt;
  return complete() ? gap_end() : timeout_at();
}

void Replay::open_next(double now) {
  ++open_;
  if (done()) return;
  opened_at_ = now;
  const RecordedSend& sent = *turns_[open_].sent;
  Step step;
  step.kind = Step::Kind::kSend;
  step.frame_body = sent.frame_body;
  step.message = sent.message;
  step.line = sent.line;
  events_.push_back(Event{std::move(step), std::nullopt});
}

std::string Replay::label(const Turn& turn) const {
  if (!turn.sent) return "before Spectrum's first message";
  return "after " + type_of(turn.sent->message) + " (trace line " + std::to_string(turn.sent->line) + ")";
}

void Replay::difference(const std::string& text, Json detail) {
  ++differences_;
  events_.push_back(Event{std::nullopt, SimReport{SimReport::Kind::kDifference, std::move(detail), text, 0}});
}

// Pairs the recorded answers with the arrived ones and reports: equal ones in the recorded order
// first, then equal ones out of that order, then the same type with different fields; what is
// left is missing or extra.
void Replay::close_turn(const std::string& why_missing) {
  const Turn& turn = turns_[open_];
  const std::vector<RecordedAnswer>& recorded = turn.answers;
  const CompareRules& rules = settings_.compare;
  std::vector<int> partner(recorded.size(), -1);
  std::vector<bool> taken(arrived_.size(), false);
  const auto pair_up = [&](size_t r, size_t a) {
    partner[r] = static_cast<int>(a);
    taken[a] = true;
  };
  size_t from = 0;
  for (size_t r = 0; r < recorded.size(); ++r)
    for (size_t a = from; a < arrived_.size(); ++a)
      if (same_message(recorded[r].message, arrived_[a], rules)) {
        pair_up(r, a);
        from = a + 1;
        break;
      }
  const std::string where = label(turn);
  const Json turn_line = turn.sent ? Json(turn.sent->line) : Json(nullptr);
  int unequal = 0;
  for (size_t r = 0; r < recorded.size(); ++r) {
    if (partner[r] >= 0) continue;
    for (size_t a = 0; a < arrived_.size(); ++a)
      if (!taken[a] && same_message(recorded[r].message, arrived_[a], rules)) {
        pair_up(r, a);
        ++unequal;
        difference(where + ": the answer recorded on trace line " + std::to_string(recorded[r].line) +
                       " came out of the recorded order: " + json_text(arrived_[a]),
                   Json{{"after_line", turn_line}, {"recorded_line", recorded[r].line}, {"out_of_order", arrived_[a]}});
        break;
      }
  }
  for (size_t r = 0; r < recorded.size(); ++r) {
    if (partner[r] >= 0) continue;
    for (size_t a = 0; a < arrived_.size(); ++a) {
      if (taken[a] || type_of(arrived_[a]) != type_of(recorded[r].message)) continue;
      pair_up(r, a);
      ++unequal;
      std::string fields;
      Json list = Json::array();
      for (const FieldDifference& d : diff_messages(recorded[r].message, arrived_[a], rules)) {
        fields += (fields.empty() ? "" : "; ") + describe(d);
        list.push_back(Json{{"field", d.field},
                            {"recorded", d.recorded ? *d.recorded : Json(nullptr)},
                            {"actual", d.actual ? *d.actual : Json(nullptr)}});
      }
      difference(where + ": the answer differs from trace line " + std::to_string(recorded[r].line) + ": " + fields,
                 Json{{"after_line", turn_line}, {"recorded_line", recorded[r].line}, {"fields", list}});
      break;
    }
  }
  for (size_t r = 0; r < recorded.size(); ++r) {
    if (partner[r] >= 0) continue;
    ++unequal;
    difference(where + ": missing the answer recorded on trace line " + std::to_string(recorded[r].line) + " " +
                   json_text(recorded[r].recorded) + ": " + why_missing,
               Json{{"after_line", turn_line}, {"recorded_line", recorded[r].line}, {"missing", recorded[r].recorded}});
  }
  for (size_t a = 0; a < arrived_.size(); ++a) {
    if (taken[a]) continue;
    ++unequal;
    difference(where + ": an extra answer, not in the trace: " + json_text(arrived_[a]),
               Json{{"after_line", turn_line}, {"extra", arrived_[a]}});
  }
  last_as_recorded_ = unequal == 0;
  if (unequal == 0) {
    ++as_recorded_;
    const std::string what = recorded.empty()       ? "no answer,"
                             : recorded.size() == 1 ? "1 answer"
                                                    : std::to_string(recorded.size()) + " answers";
    events_.push_back(Event{std::nullopt, SimReport{SimReport::Kind::kAsRecorded, Json{{"after_line", turn_line}},
                                                    where + ": " + what + " as recorded", 0}});
  }
  arrived_.clear();
}

void Replay::end() {
  if (ended_) return;
  if (started_ && !done()) {
    close_turn("none when the session ended");
    const size_t unsent = turns_.size() - open_ - 1;
    if (unsent > 0)
      difference(std::to_string(unsent) + " recorded message(s) from Spectrum not sent, from trace line " +
                     std::to_string(turns_[open_ + 1].sent->line) + " on: the session ended first",
                 Json{{"unsent_from_line", turns_[open_ + 1].sent->line}});
    open_ = turns_.size();
  } else if (done()) {
    // Answers that came after the last turn was closed belong to it; nothing recorded them.
    const Turn& last = turns_.back();
    if (last_as_recorded_ && !arrived_.empty()) --as_recorded_;
    for (const Json& late : arrived_)
      difference(label(last) + ": an extra answer, not in the trace: " + json_text(late),
                 Json{{"after_line", last.sent ? Json(last.sent->line) : Json(nullptr)}, {"extra", late}});
  }
  ended_ = true;
  arrived_.clear();
}

}  // namespace s2j
