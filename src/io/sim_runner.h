// spectrum2_sim's event loop: plays Spectrum's side for one backend process. It listens, starts the
// backend as Spectrum does, pings it, runs the scenario, reports findings, and ends with EXIT.
#pragma once

#include <uv.h>

#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/frame_codec.h"
#include "core/line_decoder.h"
#include "io/child_process.h"
#include "io/stream.h"
#include "io/tcp_server.h"
#include "io/timer.h"
#include "sim/scenario.h"
#include "sim/spectrum_checks.h"

namespace s2j {

struct SimOptions {
  int port = 0;
  std::string config_path;  // "" = generate a minimal one
  std::string jid = "localhost";
  std::string script_path;  // "" = standard input
  double ping_interval = 20;
  double exit_grace = 5;
  double connect_timeout = 10;
  bool json = false;
  bool strict = false;
  bool color = false;
  std::vector<std::string> command;  // BACKEND ARGS…
};

class SimRunner {
 public:
  explicit SimRunner(SimOptions options);
  // Returns the exit status: 0 when everything passed, 1 when something failed, 2 on a usage error.
  int run();

 private:
  enum class State { kConnecting, kFirstPong, kRunning, kExiting, kDone };

  bool load_script();
  void on_connection(Stream& stream);
  void on_data(std::string_view data);
  void on_frame(std::string_view body);
  void on_backend_exit(int code);
  void on_script_line(std::string_view line);
  void send_ping();
  void advance();
  bool expectation_met();
  void send_exit();
  void finish();
  void fail(const std::string& what);
  enum class Out { kSent, kReceived, kPing, kPong, kFinding, kFailure, kExpect, kInfo, kPass };
  void print(Out kind, const nlohmann::ordered_json& msg, const std::string& text = {});
  void finding(const std::string& text);

  SimOptions options_;
  uv_loop_t loop_{};
  TcpServer server_;
  Stream connection_;
  bool connected_ = false;
  ChildProcess backend_;
  Stream script_in_;
  LineDecoder script_lines_{1 << 20};
  int script_line_ = 0;
  bool script_done_ = false;
  FrameDecoder frames_{256u << 20};
  SpectrumChecks* checks_ = nullptr;
  std::unique_ptr<SpectrumChecks> checks_owner_;
  std::deque<Step> steps_;
  std::vector<nlohmann::ordered_json> inbox_;
  size_t cursor_ = 0;
  bool waiting_ = false;
  bool draining_ = false;  // the scenario is over; waiting for the answer to the last PING
  Step current_;
  Timer ping_timer_, step_timer_, end_timer_;
  State state_ = State::kConnecting;
  std::string temp_dir_;
  std::vector<std::string> failures_;
  int findings_ = 0, sent_ = 0, received_ = 0, expectations_ = 0;
  bool backend_exited_ = false;
};

}  // namespace s2j
