// The bridge answers Spectrum's PING itself, so Spectrum cannot see a child stuck in a handler. The
// heartbeat lets the bridge see it: a bridge.ping line with a new id every timeout/3 seconds from the
// start. A child that answers one with bridge.pong (same id) has opted in; from then on a ping left
// unanswered for `timeout` seconds means the child is hung. A child that never answers is never
// judged. A timeout of 0 turns the heartbeat off.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

namespace s2j {

class ChildHeartbeat {
 public:
  explicit ChildHeartbeat(double timeout) : timeout_(timeout) {}

  // The first ping is due at once.
  void start(double now);
  void stop() { running_ = false; }
  // The id of a ping to send now, if one is due.
  std::optional<uint64_t> on_time(double now);
  // An answer answers its ping and every earlier one (a child reads its input in order). Ids that
  // were never sent are ignored.
  void on_pong(std::string_view id);

  bool opted_in() const { return opted_in_; }
  bool hung(double now) const;
  // The next ping, or the moment the oldest unanswered ping of an opted-in child runs out.
  std::optional<double> deadline() const;

 private:
  struct Sent {
    uint64_t id;
    double at;
  };
  double timeout_;
  bool running_ = false;
  bool opted_in_ = false;
  uint64_t next_id_ = 1;
  double next_at_ = 0;
  std::deque<Sent> unanswered_;
};

}  // namespace s2j
