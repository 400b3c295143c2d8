// Test doubles for integration tests: a Spectrum that listens on 127.0.0.1:0 and speaks frames
// (blocking sockets with timeouts), and a handle on a started bridge process.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol.pb.h"

namespace s2j::testing {

// How long a process-level test waits for something that must happen. Generous on purpose: it is
// only reached when the test fails, and a loaded 2-core machine can be slow to start a process.
constexpr double kPatience = 60;
// The Python interpreter the build found (not a slow shim that may come first on PATH).
const std::string kPython = S2J_PYTHON;

class FakeSpectrum {
 public:
  FakeSpectrum();
  ~FakeSpectrum();
  int port() const { return port_; }

  bool accept(double timeout_s = kPatience);
  void send_bytes(const std::string& bytes);
  void send(int type, const google::protobuf::Message* payload = nullptr);
  void send_raw_xml(const std::string& xml);
  // The next frame, or nullopt on timeout or EOF. BACKEND_CONFIG frames (the bridge sends one as soon
  // as it connects) are set aside in backend_configs() unless keep_backend_configs() was called.
  std::optional<pbnetwork::WrapperMessage> read(double timeout_s = kPatience);
  // Exactly `n` bytes as they came, or nullopt on timeout or EOF.
  std::optional<std::string> read_bytes(size_t n, double timeout_s = kPatience);
  void keep_backend_configs() { keep_backend_configs_ = true; }
  const std::vector<std::string>& backend_configs() const { return backend_configs_; }
  // Reads until a frame of `type` arrives (others are collected into `skipped`).
  std::optional<pbnetwork::WrapperMessage> read_until(int type, double timeout_s = kPatience,
                                                      std::vector<pbnetwork::WrapperMessage>* skipped = nullptr);
  // True when the peer closed the connection within the timeout (frames before it are discarded).
  bool wait_eof(double timeout_s = kPatience);
  void close_connection();
  // Shuts the connection down both ways (wakes a thread blocked in send), keeping the descriptor.
  void shutdown();

 private:
  bool fill(size_t n, double timeout_s);
  int listen_fd_ = -1;
  int fd_ = -1;
  int port_ = 0;
  std::string buffer_;
  bool keep_backend_configs_ = false;
  std::vector<std::string> backend_configs_;
};

class BridgeProcess {
 public:
  BridgeProcess() = default;
  ~BridgeProcess();
  // Starts the bridge binary with `args`.
  void start(const std::vector<std::string>& args);
  // Starts any program: argv[0] is its path. Its stdout and stderr go to files.
  void start_command(const std::vector<std::string>& argv);
  // Exit code (128+signal when killed), or nullopt when still running after the timeout.
  std::optional<int> wait(double timeout_s = kPatience);
  void signal(int sig);
  pid_t pid() const { return pid_; }
  std::string stderr_text() const;
  std::string stdout_text() const;

 private:
  pid_t pid_ = 0;
  std::string stderr_path_;
  std::string stdout_path_;
};

// One run of spectrum2_sim: its exit status (-1: still running after the timeout) and output.
struct SimRun {
  int code = -1;
  std::string out;
  std::string err;
  bool has(const std::string& text) const { return out.find(text) != std::string::npos; }
};
// Runs spectrum2_sim with `args` until it exits.
SimRun run_sim(std::vector<std::string> args, double timeout = kPatience);

// A fresh directory for one test's files; removed after the test unless it failed (then kept and named).
std::string make_temp_dir();
// Removes the directories made during a test that passed (called by the test runner).
void clean_temp_dirs(bool keep);
// Polls `condition` until it holds or `seconds` pass; returns whether it held.
bool wait_until(const std::function<bool()>& condition, double seconds = kPatience);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text, bool executable = false);
// Lines of a file, each parsed as JSON by the caller.
std::vector<std::string> file_lines(const std::string& path);
// The lines a child recorded of its stdin, without the bridge's heartbeat (bridge.ping) lines.
std::vector<std::string> child_lines(const std::string& path);
// VmRSS of a process in KiB.
long rss_kib(pid_t pid);
// PIDs of the children of `pid`.
std::vector<pid_t> children_of(pid_t pid);
// Gone, or a zombie nobody has reaped yet (a container's init may not reap).
bool process_gone(pid_t pid);
// The process's name (/proc/PID/comm).
std::string comm_of(pid_t pid);
// A child command (written into `dir`) that reads nothing until the file `flag` exists, then echoes
// every line: a child that stops reading, for as long as the test wants.
std::string echo_once_flag_exists(const std::string& dir, const std::string& flag);
// A conv_message from alice@example.org to bob.
pbnetwork::ConversationMessage conv_message(const std::string& text);

// A test with a directory of its own, a fake Spectrum and a bridge started against it.
class BridgeFixture : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  // Starts the bridge with `child` (and `extra` arguments) and accepts its connection.
  void start(const std::string& child, std::vector<std::string> extra = {});
  // Sends PING; the PONG and the STATS must come.
  void expect_pong();
  // The child's PID once it runs `name` (it starts through a launcher that execs it); 0 if it never does.
  pid_t child_running(const std::string& name);

  std::string dir_;
  FakeSpectrum spectrum_;
  BridgeProcess bridge_;
};

}  // namespace s2j::testing
