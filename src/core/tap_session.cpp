#include "core/tap_session.h"

#include <cstring>

namespace s2j {

TapSession::TapSession(TapSettings relay, TapLifecycleSettings lifecycle, const Logger& log, Tracer* tracer,
                       ConversationChecks* checks)
    : log_(log), relay_(relay, log, tracer, checks), lifecycle_(lifecycle, log) {}

void TapSession::on_backend_started(int error, int pid, const std::string& command, int port, const std::string& why,
                                    double now) {
  if (error == 0) relay_.on_backend_started(pid);
  lifecycle_.on_backend_started(error, pid, command, port, why, now);
}

void TapSession::on_spectrum_data(std::string_view data, double now) {
  if (!lifecycle_.relays_to_backend()) {
    log_.debug("from Spectrum: " + std::to_string(data.size()) + " bytes after the backend's side closed; dropped");
    return;
  }
  if (relay_.on_spectrum_data(data).exit) lifecycle_.on_exit_frame(now);
}

void TapSession::on_spectrum_end(int error, double now) {
  relay_.on_spectrum_eof();
  lifecycle_.on_spectrum_end(error, now);
}

void TapSession::on_backend_data(std::string_view data, double) {
  if (!lifecycle_.relays_to_spectrum()) {
    log_.debug("from the backend: " + std::to_string(data.size()) + " bytes after Spectrum's side closed; dropped");
    return;
  }
  relay_.on_backend_data(data);
}

void TapSession::on_backend_end(int error, double now) {
  relay_.on_backend_eof();
  lifecycle_.on_backend_end(error, now);
}

void TapSession::on_write_error(bool to_spectrum, int error) {
  log_.warn(std::string(to_spectrum ? "writing to Spectrum failed: " : "writing to the backend failed: ") +
            std::strerror(error));
}

}  // namespace s2j
