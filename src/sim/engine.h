// The simulator's engine: Spectrum's side of the protocol for one backend, and the scenario (or a
// recorded session played again, sim/replay.h), as one state machine free of I/O. Bytes from the backend, scenario
// lines, the backend's exit and the time come in; frames for the backend, report entries and actions come out, and
// next_deadline() says when to call on_time() again. src/apps/sim performs the actions. The phases:
//
//   connecting → first PONG → running the scenario → draining (last PING answered?) → exiting → reaping → done
//
// exiting: EXIT is sent and the connection closed; the backend's process group then gets SIGTERM
// after `exit_grace` and SIGKILL `kill_delay` later (core/stop_ladder.h), as Spectrum never would,
// so that nothing outlives a test. reaping: processes of the backend's session that outlived it are
// reported and killed.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/frame_codec.h"
#include "core/stop_ladder.h"
#include "sim/replay.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/spectrum_checks.h"

namespace s2j {

struct SimSettings {
  double ping_interval = 20;
  double connect_timeout = 10;
  // After EXIT: the backend's time to exit before SIGTERM. Longer than the bridge's own way out
  // (shutdown_timeout 5 s, then 2 s to SIGKILL), so that a bridge is never killed before its child.
  double exit_grace = 10;
  double kill_delay = 2;
  double pong_grace = 2;      // at the end, the last PING's time to be answered
  double leftover_grace = 1;  // processes of the backend's session may take this long to go after it
  bool strict = false;        // findings are failures
  bool fail_fast = false;     // end at the first failed expectation (or replay difference)
};

struct SimAction {
  enum class Kind {
    kReadScript,  // read scenario lines as they come (from a terminal or a pipe)
    kStopReadingScript,
    kCloseConnection,  // close the connection once what is queued (EXIT) is written
    kStopListening,
    kSignalBackend,  // send signal `value` to the backend's process group
    kFindLeftovers,  // look for live processes of the backend's session; report with on_leftovers()
    kKillLeftovers,  // SIGKILL them
    kFinish,         // exit with status `value`
  };
  Kind kind;
  int value = 0;
  bool operator==(const SimAction& o) const { return kind == o.kind && value == o.value; }
};

class SimEngine {
 public:
  enum class Phase { kStarting, kConnecting, kFirstPong, kRunning, kDraining, kExiting, kReaping, kDone };

  explicit SimEngine(SimSettings settings);

  // Scenario lines known before the start (a file). Returns false on a line that is not a valid
  // step (reported as a failure): the run is a usage error then.
  bool add_script_line(std::string_view text);
  // Plays `replay` instead of a scenario. `notes` are said before it starts; `masked` (masked
  // passwords sent as they are) are said again in the summary.
  void use_replay(std::unique_ptr<Replay> replay, const std::vector<std::string>& notes,
                  std::vector<std::string> masked);
  // The backend (`command`, as started) runs as `pid`, or could not be started (pid 0, `why`).
  // `script_complete`: no more lines will come; otherwise they are read once the first PONG arrives
  // (kReadScript).
  void on_backend_started(int pid, const std::string& command, const std::string& why, bool script_complete,
                          double now);
  void on_connected(double now);
  void on_backend_data(std::string_view data, double now);
  // `why` is empty for an orderly close.
  void on_connection_end(const std::string& why, double now);
  void on_script_line(std::string_view text, double now);
  void on_script_end(double now);
  void on_backend_exit(int64_t status, int signal, double now);
  // "PID (name)" of each process of the backend's session still alive.
  void on_leftovers(const std::vector<std::string>& processes, double now);
  void on_time(double now);
  // SIGINT/SIGTERM to the simulator: end the run the orderly way; a second one kills the backend.
  void on_signal(int signal, double now);

  std::string& backend_output() { return to_backend_; }
  std::vector<SimAction> take_actions() { return std::exchange(actions_, {}); }
  bool has_actions() const { return !actions_.empty(); }
  std::vector<SimReport> take_reports() { return std::exchange(reports_, {}); }
  std::optional<double> next_deadline() const;
  Phase phase() const { return phase_; }
  int exit_status() const { return exit_status_; }

 private:
  struct Received {
    nlohmann::ordered_json message;
    int consumed_by = 0;  // the scenario line of the expectation that matched it
  };

  void act(SimAction::Kind kind, int value = 0) { actions_.push_back({kind, value}); }
  void report(SimReport::Kind kind, nlohmann::ordered_json message, std::string text = {}, int line = 0);
  void finding(const std::string& text, const nlohmann::ordered_json& about = nullptr);
  void fail(const std::string& text, const nlohmann::ordered_json& pattern = nullptr, int line = 0);
  void send_frame(const std::string& body);
  void send_step(const Step& step);
  void pump_replay(double now);
  void send_ping(double now);
  void on_frame(std::string_view body, double now);
  void advance(double now);
  bool try_expectation();
  std::string why_not_met(const Step& step) const;
  void begin_exit(double now);
  void climb(std::optional<StopLadder::Rung> rung, double now);
  void finish();

  SimSettings settings_;
  Phase phase_ = Phase::kStarting;
  std::string to_backend_;
  std::vector<SimAction> actions_;
  std::vector<SimReport> reports_;
  std::unique_ptr<SpectrumChecks> checks_;
  FrameDecoder frames_{256u << 20};
  StopLadder ladder_;
  // The scenario.
  std::deque<Step> steps_;
  std::optional<Step> current_;  // a sleep or an expectation waiting for its time
  double current_until_ = 0;
  bool script_complete_ = false;
  int script_lines_ = 0;
  std::unique_ptr<Replay> replay_;
  std::vector<std::string> masked_;
  std::vector<Received> inbox_;
  size_t cursor_ = 0;  // expectations look at messages from here on
  // Deadlines.
  std::optional<double> phase_deadline_;  // connecting, first PONG, draining, reaping
  std::optional<double> next_ping_;
  std::optional<double> give_up_;  // SIGKILL sent and still no exit
  bool backend_exited_ = false;
  bool connected_ = false;
  bool leftovers_seen_ = false;
  int signals_ = 0;
  // Figures.
  std::vector<std::string> failures_;
  int sent_ = 0, received_ = 0, expectations_ = 0, findings_ = 0;
  int received_since_first_send_ = -1;  // -1 until the scenario sends its first message
  int exit_status_ = 0;
};

}  // namespace s2j
