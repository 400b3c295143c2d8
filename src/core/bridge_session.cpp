#include "core/bridge_session.h"

#include <cstring>

namespace s2j {

BridgeSession::BridgeSession(BridgeSettings bridge, LifecycleSettings lifecycle, const Logger& log, Tracer* tracer,
                             MemoryProbe memory)
    : log_(log),
      bridge_(std::move(bridge), log, tracer,
              [this, memory = std::move(memory)] { return memory ? memory(child_pid_) : MemoryStats{}; }),
      lifecycle_(lifecycle, log) {}

void BridgeSession::on_child_started(int error, int pid, const std::string& command, const std::string& why,
                                     double now) {
  if (error == 0) child_pid_ = pid;
  lifecycle_.on_child_started(error, pid, command, why, now);
}

void BridgeSession::on_spectrum_data(std::string_view data, double now) {
  if (lifecycle_.drops_spectrum_input()) return;
  const Bridge::SpectrumEvents events = bridge_.on_spectrum_data(data);
  if (events.pings > 0) lifecycle_.on_ping(now);
  if (events.exit) lifecycle_.on_exit_frame(now);
}

void BridgeSession::on_spectrum_end(int error, double now) {
  bridge_.on_spectrum_eof();
  lifecycle_.on_spectrum_end(error, now);
}

void BridgeSession::on_child_data(std::string_view data, double now) { on_pongs(bridge_.on_child_data(data), now); }

void BridgeSession::on_child_output_end(int error, double now) {
  if (error != 0) log_.warn(std::string("reading the child's stdout failed: ") + std::strerror(error));
  on_pongs(bridge_.on_child_eof(), now);
  lifecycle_.on_child_output_end(now);
}

void BridgeSession::on_pongs(const Bridge::ChildEvents& events, double now) {
  for (const std::string& id : events.pongs) lifecycle_.on_child_pong(id, now);
}

void BridgeSession::on_write_error(Peer peer, int error) {
  log_.warn(std::string(peer == Peer::kSpectrum ? "writing to Spectrum failed: " : "writing to the child failed: ") +
            std::strerror(error));
}

std::vector<LifecycleAction> BridgeSession::take_actions() {
  std::vector<LifecycleAction> out;
  for (const LifecycleAction& action : lifecycle_.take_actions()) {
    switch (action.kind) {
      case LifecycleAction::Kind::kStartBridge:
        bridge_.start();
        out.push_back(action);  // the shell starts reading both sides
        break;
      case LifecycleAction::Kind::kSendChildPing:
        bridge_.send_child_ping(static_cast<uint64_t>(action.value));
        break;
      default:
        out.push_back(action);
    }
  }
  return out;
}

}  // namespace s2j
