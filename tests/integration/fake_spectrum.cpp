#include "fake_spectrum.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/frame_codec.h"
#include "core/json_translator.h"

extern char** environ;

namespace s2j::testing {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

Clock::time_point deadline_in(double seconds) {
  return Clock::now() + std::chrono::microseconds(static_cast<long long>(seconds * 1e6));
}

}  // namespace

FakeSpectrum::FakeSpectrum() {
  // Close-on-exec, so that processes the test starts do not inherit the test's sockets.
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 4) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

FakeSpectrum::~FakeSpectrum() {
  close_connection();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

bool FakeSpectrum::accept(double timeout_s) {
  pollfd p{listen_fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout_s * 1000)) != 1) return false;
  fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  return fd_ >= 0;
}

void FakeSpectrum::send_bytes(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send to bridge failed");
    sent += static_cast<size_t>(n);
  }
}

void FakeSpectrum::send(int type, const google::protobuf::Message* payload) {
  std::string p = payload ? payload->SerializeAsString() : "";
  std::string out;
  append_frame(out, make_wrapper(type, payload ? &p : nullptr));
  send_bytes(out);
}

void FakeSpectrum::send_raw_xml(const std::string& xml) {
  std::string out;
  append_frame(out, make_wrapper(pbnetwork::WrapperMessage::TYPE_RAW_XML, &xml));
  send_bytes(out);
}

bool FakeSpectrum::fill(size_t n, double timeout_s) {
  const auto deadline = deadline_in(timeout_s);
  while (buffer_.size() < n) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    char chunk[65536];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(got));
  }
  return true;
}

std::optional<pbnetwork::WrapperMessage> FakeSpectrum::read(double timeout_s) {
  const auto deadline = deadline_in(timeout_s);
  for (;;) {
    if (fd_ < 0 || !fill(4, remaining_ms(deadline) / 1000.0)) return std::nullopt;
    const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data());
    const size_t length = (size_t{h[0]} << 24) | (size_t{h[1]} << 16) | (size_t{h[2]} << 8) | h[3];
    if (!fill(4 + length, remaining_ms(deadline) / 1000.0)) return std::nullopt;
    pbnetwork::WrapperMessage message;
    if (!message.ParseFromArray(buffer_.data() + 4, static_cast<int>(length)))
      throw std::runtime_error("bridge sent a frame Spectrum cannot parse");
    buffer_.erase(0, 4 + length);
    if (keep_backend_configs_ || message.type() != pbnetwork::WrapperMessage::TYPE_BACKEND_CONFIG) return message;
    pbnetwork::BackendConfig config;
    config.ParseFromString(message.payload());
    backend_configs_.push_back(config.config());
  }
}

std::optional<std::string> FakeSpectrum::read_bytes(size_t n, double timeout_s) {
  if (fd_ < 0 || !fill(n, timeout_s)) return std::nullopt;
  std::string bytes = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return bytes;
}

std::optional<pbnetwork::WrapperMessage> FakeSpectrum::read_until(int type, double timeout_s,
                                                                  std::vector<pbnetwork::WrapperMessage>* skipped) {
  const auto deadline = deadline_in(timeout_s);
  for (;;) {
    auto m = read(remaining_ms(deadline) / 1000.0);
    if (!m || m->type() == type) return m;
    if (skipped) skipped->push_back(*m);
  }
}

bool FakeSpectrum::wait_eof(double timeout_s) {
  const auto deadline = deadline_in(timeout_s);
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    char chunk[65536];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return true;
  }
}

void FakeSpectrum::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void FakeSpectrum::close_connection() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

BridgeProcess::~BridgeProcess() {
  if (pid_ > 0 && !wait(0)) {
    ::kill(pid_, SIGKILL);
    wait(5);
  }
}

void BridgeProcess::start(const std::vector<std::string>& args) {
  std::vector<std::string> all = {S2J_BRIDGE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  start_command(all);
}

void BridgeProcess::start_command(const std::vector<std::string>& all) {
  const std::string dir = make_temp_dir();
  stderr_path_ = dir + "/stderr";
  stdout_path_ = dir + "/stdout";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + all[0]);
  posix_spawn_file_actions_destroy(&actions);
}

std::optional<int> BridgeProcess::wait(double timeout_s) {
  const auto deadline = deadline_in(timeout_s);
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = 0;
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a condition, not waiting blindly
  }
}

void BridgeProcess::signal(int sig) { ::kill(pid_, sig); }

std::string BridgeProcess::stderr_text() const { return read_file(stderr_path_); }

std::string BridgeProcess::stdout_text() const { return read_file(stdout_path_); }

namespace {
std::vector<std::string>& temp_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}
}  // namespace

std::string make_temp_dir() {
  char tmpl[] = "/tmp/s2j-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_dirs().push_back(tmpl);
  return tmpl;
}

void clean_temp_dirs(bool keep) {
  for (const std::string& dir : temp_dirs()) {
    if (keep) {
      std::fprintf(stderr, "kept %s\n", dir.c_str());
    } else {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
  temp_dirs().clear();
}

SimRun run_sim(std::vector<std::string> args, double timeout) {
  args.insert(args.begin(), S2J_SIM_BINARY);
  BridgeProcess sim;
  sim.start_command(args);
  SimRun r;
  r.code = sim.wait(timeout).value_or(-1);
  r.out = sim.stdout_text();
  r.err = sim.stderr_text();
  return r;
}

bool wait_until(const std::function<bool()>& condition, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    usleep(10000);
  }
  return condition();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text, bool executable) {
  std::ofstream(path, std::ios::binary) << text;
  chmod(path.c_str(), executable ? 0755 : 0644);
}

std::vector<std::string> child_lines(const std::string& path) {
  std::vector<std::string> lines;
  for (std::string& line : file_lines(path))
    if (line.rfind("{\"type\":\"bridge.ping\"", 0) != 0) lines.push_back(std::move(line));
  return lines;
}

std::vector<std::string> file_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

long rss_kib(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (pid_t child; in >> child;) out.push_back(child);
  return out;
}

bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

std::string comm_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

std::string echo_once_flag_exists(const std::string& dir, const std::string& flag) {
  const std::string script = dir + "/late.py";
  write_file(script,
             "import os, sys, time\n"
             "while not os.path.exists(sys.argv[1]):\n"
             "    time.sleep(0.01)\n"
             "for line in sys.stdin:\n"
             "    sys.stdout.write(line)\n"
             "    sys.stdout.flush()\n");
  return kPython + " " + script + " " + flag;
}

pbnetwork::ConversationMessage conv_message(const std::string& text) {
  pbnetwork::ConversationMessage m;
  m.set_username("alice@example.org");
  m.set_buddyname("bob");
  m.set_message(text);
  return m;
}

void BridgeFixture::start(const std::string& child, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()), "--child", child};
  args.insert(args.end(), extra.begin(), extra.end());
  bridge_.start(args);
  ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
}

pid_t BridgeFixture::child_running(const std::string& name) {
  pid_t found = 0;
  wait_until([&] {
    const auto kids = children_of(bridge_.pid());
    found = kids.size() == 1 && comm_of(kids[0]) == name ? kids[0] : 0;
    return found != 0;
  });
  return found;
}

void BridgeFixture::expect_pong() {
  spectrum_.send(pbnetwork::WrapperMessage::TYPE_PING);
  ASSERT_TRUE(spectrum_.read_until(pbnetwork::WrapperMessage::TYPE_PONG)) << bridge_.stderr_text();
  ASSERT_TRUE(spectrum_.read_until(pbnetwork::WrapperMessage::TYPE_STATS)) << bridge_.stderr_text();
}

}  // namespace s2j::testing
