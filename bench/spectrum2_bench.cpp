// spectrum2_bench: drives backends the way Spectrum does, over loopback, and measures them side by
// side in one run: throughput, round trip, PING→PONG (idle and under the same load for the backends
// compared), start-up (first PONG and first echo), memory of the whole process tree, CPU per message
// and a message-size sweep. Every echo is checked against what was sent. A full run measures each
// backend three times, interleaved, and reports medians; --quick is a smoke run that only proves it
// all works. Prints tables and targets, writes JSON.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "protocol.pb.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;
using pbnetwork::WrapperMessage;

const std::string kPing("\x00\x00\x00\x02\x08\x09", 6);  // a frame: WrapperMessage{type: PING}
const std::string kExit("\x00\x00\x00\x02\x08\x1d", 6);  // a frame: WrapperMessage{type: EXIT}
// CPU time comes in clock ticks (10 ms at 100 Hz); below this many a per-message figure is quantisation noise.
constexpr long kMinCpuTicks = 20;
// A load counts as applied when the echoes came back at no less than this share of the rate asked.
constexpr double kLoadReached = 0.95;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- what is sent, and checking what comes back --------------------------------------------------

// CONV_MESSAGE frames as sent, back to back: message i is "i:" padded with 'x' to `size` bytes of text.
class Messages {
 public:
  Messages(int count, size_t size) {
    starts_.push_back(0);
    for (int i = 0; i < count; ++i) {
      pbnetwork::ConversationMessage m;
      m.set_username("alice@localhost");
      m.set_buddyname("echo");  // the binding examples echo what is sent to "echo"
      std::string text = std::to_string(i) + ":";
      if (text.size() < size) text += std::string(size - text.size(), 'x');
      m.set_message(text);
      const std::string payload = m.SerializeAsString();
      s2j::append_frame(frames_, s2j::make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &payload));
      starts_.push_back(frames_.size());
    }
  }

  // Frames [from, to).
  std::string_view frames(int from, int to) const {
    return std::string_view(frames_).substr(starts_[from], starts_[to] - starts_[from]);
  }
  std::string_view frame(int i) const { return frames(i, i + 1); }
  std::string_view body(int i) const { return frame(i).substr(s2j::kFrameHeaderSize); }

 private:
  std::string frames_;
  std::vector<size_t> starts_;  // where each frame begins, and one past the last
};

// A few characters of `s` around byte `at`, quoted, for an error message.
std::string quoted_excerpt(const std::string& s, size_t at) {
  const size_t from = at < 8 ? 0 : at - 8, length = 24;
  return (from > 0 ? "…" : "") + Json(s.substr(from, length)).dump(-1, ' ', false, Json::error_handler_t::replace) +
         (from + length < s.size() ? "…" : "");
}

// Where `got` first differs from `sent`, for the error message.
std::string difference(const char* field, const std::string& sent, const std::string& got) {
  const size_t at =
      static_cast<size_t>(std::mismatch(sent.begin(), sent.end(), got.begin(), got.end()).first - sent.begin());
  return std::string(field) + " differs at byte " + std::to_string(at) + " (sent " + std::to_string(sent.size()) +
         " bytes " + quoted_excerpt(sent, at) + ", got " + std::to_string(got.size()) + " bytes " +
         quoted_excerpt(got, at) + ")";
}

enum class Reply { kEcho, kPong, kStats, kOther };

// Classifies a frame from the backend. A CONV_MESSAGE must be the echo of `sent`, the body of the
// frame due back next (empty when none is due): the same bytes, or else the same user, buddy and
// whole text encoded differently. Anything else throws, naming `phase` and the message's index.
Reply classify(std::string_view body, std::string_view sent, const char* phase, int index) {
  if (!sent.empty() && body == sent) return Reply::kEcho;  // the cheap path: byte for byte
  WrapperMessage w;
  if (!w.ParseFromArray(body.data(), static_cast<int>(body.size())))
    throw std::runtime_error(std::string("unreadable frame from the backend (") + phase + ")");
  if (w.type() == WrapperMessage::TYPE_PONG) return Reply::kPong;
  if (w.type() == WrapperMessage::TYPE_STATS) return Reply::kStats;
  if (w.type() != WrapperMessage::TYPE_CONV_MESSAGE) return Reply::kOther;
  const std::string where = std::string(phase) + ", message " + std::to_string(index);
  if (sent.empty()) throw std::runtime_error("an echo nobody sent a message for (" + where + ")");
  WrapperMessage s;
  pbnetwork::ConversationMessage want, got;
  s.ParseFromArray(sent.data(), static_cast<int>(sent.size()));
  want.ParseFromString(s.payload());
  if (!got.ParseFromString(w.payload())) throw std::runtime_error("wrong echo (" + where + "): not a message");
  if (got.username() != want.username())
    throw std::runtime_error("wrong echo (" + where + "): " + difference("user", want.username(), got.username()));
  if (got.buddyname() != want.buddyname())
    throw std::runtime_error("wrong echo (" + where + "): " + difference("buddy", want.buddyname(), got.buddyname()));
  if (got.message() != want.message())
    throw std::runtime_error("wrong echo (" + where + "): " + difference("text", want.message(), got.message()));
  return Reply::kEcho;
}

// ---- process tree, memory and CPU from /proc -----------------------------------------------------

// `pid` and all its descendants (the children of each of its threads).
std::vector<pid_t> process_tree(pid_t pid) {
  std::vector<pid_t> all = {pid};
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(tasks.c_str());
  if (dir == nullptr) return all;
  while (const dirent* task = readdir(dir)) {
    if (task->d_name[0] == '.') continue;
    std::ifstream in(tasks + "/" + task->d_name + "/children");
    for (pid_t child; in >> child;) {
      const std::vector<pid_t> sub = process_tree(child);
      all.insert(all.end(), sub.begin(), sub.end());
    }
  }
  closedir(dir);
  return all;
}

struct Memory {
  long rss = 0, hwm = 0, anon = 0;  // KiB: VmRSS, VmHWM, RssAnon
  long pss = 0;                     // KiB: each shared page split among the processes that map it
};

long pss_of_process(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Pss:", 0) == 0) return std::atol(line.c_str() + 4);
  return 0;
}

Memory memory_of_process(pid_t pid) {
  Memory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    const auto value = [&](const char* key) { return std::atol(line.c_str() + std::strlen(key)); };
    if (line.rfind("VmRSS:", 0) == 0) m.rss = value("VmRSS:");
    if (line.rfind("VmHWM:", 0) == 0) m.hwm = value("VmHWM:");
    if (line.rfind("RssAnon:", 0) == 0) m.anon = value("RssAnon:");
  }
  m.pss = pss_of_process(pid);
  return m;
}

// A backend's memory: the whole process tree (a bridge with its child) and its top process alone.
struct TreeMemory {
  Memory tree, top;
};

TreeMemory memory_of(pid_t pid) {
  TreeMemory m;
  for (pid_t p : process_tree(pid)) {
    const Memory one = memory_of_process(p);
    m.tree.rss += one.rss;
    m.tree.hwm += one.hwm;
    m.tree.anon += one.anon;
    m.tree.pss += one.pss;
    if (p == pid) m.top = one;
  }
  return m;
}

// Clock ticks of CPU: the top process alone (utime + stime), and the whole tree including the
// children it has reaped (cutime + cstime, e.g. the shell binding's jq).
struct CpuTicks {
  long top = 0, tree = 0;
  CpuTicks operator-(const CpuTicks& o) const { return {top - o.top, tree - o.tree}; }
};

CpuTicks cpu_ticks_of(pid_t pid) {
  CpuTicks t;
  for (pid_t p : process_tree(pid)) {
    std::ifstream in("/proc/" + std::to_string(p) + "/stat");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::vector<long> f;
    std::string x;
    for (int i = 0; i < 15 && fields >> x; ++i) f.push_back(std::atol(x.c_str()));
    if (f.size() < 15) continue;
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
    if (p == pid) t.top = f[11] + f[12];
    t.tree += f[11] + f[12] + f[13] + f[14];
  }
  return t;
}

// µs of CPU per message, or null when too few ticks were measured to say.
Json cpu_us_per_message(long ticks, int messages) {
  if (ticks < kMinCpuTicks) return nullptr;
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)) / messages * 1e6;
}

// Samples a backend's memory every 10 ms on a thread until stopped, keeping the peaks.
class PeakMemory {
 public:
  explicit PeakMemory(pid_t pid) : pid_(pid), thread_([this] { run(); }) {}
  ~PeakMemory() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    running_ = false;
    thread_.join();
    sample();
  }
  long tree() const { return tree_; }
  long top() const { return top_; }

 private:
  void run() {
    while (running_) {
      sample();
      usleep(10000);
    }
  }
  void sample() {
    const TreeMemory m = memory_of(pid_);
    tree_ = std::max(tree_.load(), m.tree.rss);
    top_ = std::max(top_.load(), m.top.rss);
  }

  pid_t pid_;
  std::atomic<bool> running_{true};
  std::atomic<long> tree_{0}, top_{0};
  std::thread thread_;  // last: starts once the rest is ready
};

// ---- one backend process and its connection -----------------------------------------------------

class Session {
 public:
  // Starts the backend with Spectrum's arguments pointing at a fresh listening socket, and accepts
  // its connection.
  explicit Session(const std::vector<std::string>& command) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 1) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(listen_fd_);
      throw std::runtime_error("cannot listen on loopback");
    }
    std::vector<std::string> argv = command;
    for (const std::string& a :
         {std::string("--host"), std::string("127.0.0.1"), std::string("--port"), std::to_string(ntohs(addr.sin_port)),
          std::string("--service.backend_id=1"), std::string("-j"), std::string("bench.localhost")})
      argv.push_back(a);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    spawned_ = Clock::now();
    const int spawn_error = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0) {
      close(listen_fd_);
      throw std::runtime_error("cannot start " + argv[0]);
    }
    if (!wait_for_connection()) {
      stop_backend();
      throw std::runtime_error(argv[0] + (exited_ ? " exited before connecting" : " did not connect"));
    }
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  ~Session() { stop_backend(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Thread-safe: a paced sender and the PINGs share the socket, and frames must not interleave.
  void send(std::string_view bytes) {
    std::lock_guard<std::mutex> lock(send_mutex_);
    for (size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed: the backend closed the connection");
      sent += static_cast<size_t>(n);
    }
  }

  // The next frame's body, valid until the next call.
  std::string_view next() {
    s2j::FrameEvent e;
    while (!decoder_.next(e) || e.kind != s2j::FrameEvent::Kind::kFrame) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 60000) != 1) throw std::runtime_error("the backend stopped answering");
      const ssize_t n = recv(fd_, buffer_, sizeof buffer_, 0);
      if (n <= 0) throw std::runtime_error("the backend closed the connection");
      decoder_.feed(std::string_view(buffer_, static_cast<size_t>(n)));
    }
    return e.body;
  }

  // Reads frames until one of kind `want`; no echo may come meanwhile.
  void read_until(Reply want, const char* phase) {
    while (classify(next(), {}, phase, 0) != want) {
    }
  }

  // Cuts the connection, so that a send blocked on a full socket returns.
  void abort() { ::shutdown(fd_, SHUT_RDWR); }

  pid_t pid() const { return pid_; }
  Clock::time_point spawned() const { return spawned_; }

 private:
  // Accepts the backend's connection within 20 s; false if it exits or times out first.
  bool wait_for_connection() {
    for (int i = 0; i < 200; ++i) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) == 1) return (fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        exited_ = true;
        return false;
      }
    }
    return false;
  }

  // EXIT as Spectrum sends it, then EOF; killed if it has not ended within 10 s.
  void stop_backend() {
    if (fd_ >= 0) {
      (void)::send(fd_, kExit.data(), kExit.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(fd_, SHUT_WR);
    }
    for (int i = 0; !exited_ && i < 1000; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      if (i == 999) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      usleep(10000);
    }
    if (fd_ >= 0) close(fd_);
    close(listen_fd_);
  }

  int listen_fd_ = -1, fd_ = -1;
  pid_t pid_ = 0;
  bool exited_ = false;  // reaped already: its pid must not be waited for or killed again
  Clock::time_point spawned_;
  std::mutex send_mutex_;
  s2j::FrameDecoder decoder_{1u << 30};
  char buffer_[1 << 16];
};

// Runs `send` on its own thread while the caller reads the echoes. Should the caller give up (an
// exception), the connection is cut so that a send blocked on a full socket returns.
class SenderThread {
 public:
  SenderThread(Session& session, std::function<void()> send)
      : session_(session), thread_([this, send] {
          try {
            send();
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~SenderThread() {
    if (!thread_.joinable()) return;
    session_.abort();
    thread_.join();
  }

  void join() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  Session& session_;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is ready
};

// The p-th percentile, or null for no samples.
Json percentile(std::vector<double> v, double p) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

// ---- the measurements, one per function; each returns its figures -------------------------------

struct Counts {
  const char* who;                            // the backends measured with these counts
  int messages;                               // pipelined throughput, 60-byte texts
  int samples;                                // round trips, one message at a time
  int pings;                                  // PING→PONG, idle
  int load_rate;                              // msgs/s sent while PINGs are timed: the same for every backend compared
  int load_ms;                                // how long that load lasts
  std::vector<std::pair<size_t, int>> sweep;  // text size, messages
};

// From exec to the first PONG, and to the echo of a message sent with the first PING, right after
// the connection is accepted. A bridge answers PING itself at once; the echo shows when the backend
// behind it is ready to work.
Json start_up(Session& s) {
  const Messages m(1, 60);
  s.send(kPing + std::string(m.frame(0)));
  double pong_ms = -1, echo_ms = -1;
  bool stats = false;
  while (pong_ms < 0 || echo_ms < 0 || !stats) {
    const Reply r = classify(s.next(), echo_ms < 0 ? m.body(0) : std::string_view(), "start-up", 0);
    const double ms = seconds_since(s.spawned()) * 1000;
    if (r == Reply::kPong) pong_ms = ms;
    if (r == Reply::kEcho) echo_ms = ms;
    if (r == Reply::kStats) stats = true;
  }
  return {{"first_pong_ms", pong_ms}, {"first_echo_ms", echo_ms}};
}

Json idle_memory(pid_t pid, bool bridge) {
  const TreeMemory m = memory_of(pid);
  Json r = {{"rss_idle_kib", m.tree.rss}, {"pss_idle_kib", m.tree.pss}};
  if (bridge) r["bridge_rss_idle_kib"] = m.top.rss;
  return r;
}

Json ping_idle(Session& s, int count) {
  std::vector<double> us;
  for (int i = 0; i < count; ++i) {
    const auto t = Clock::now();
    s.send(kPing);
    s.read_until(Reply::kPong, "PING idle");
    us.push_back(seconds_since(t) * 1e6);
    s.read_until(Reply::kStats, "PING idle");
  }
  return {{"ping_idle_p50_us", percentile(us, 0.5)}, {"ping_idle_p99_us", percentile(us, 0.99)}};
}

Json round_trip(Session& s, int count) {
  const Messages m(count, 60);
  std::vector<double> us;
  for (int i = 0; i < count; ++i) {
    const auto t = Clock::now();
    s.send(m.frame(i));
    while (classify(s.next(), m.body(i), "round trip", i) != Reply::kEcho) {
    }
    us.push_back(seconds_since(t) * 1e6);
  }
  return {{"rt_p50_us", percentile(us, 0.5)}, {"rt_p99_us", percentile(us, 0.99)}};
}

// Pipelined: everything sent at once, as fast as the backend takes it, while the echoes are read and
// checked. This flood is also where the memory peak and the CPU per message are measured.
Json throughput(Session& s, int count, bool bridge) {
  const Messages m(count, 60);
  PeakMemory peak(s.pid());
  const CpuTicks before = cpu_ticks_of(s.pid());
  const auto start = Clock::now();
  SenderThread sender(s, [&] { s.send(m.frames(0, count)); });
  for (int i = 0; i < count; ++i)
    while (classify(s.next(), m.body(i), "throughput", i) != Reply::kEcho) {
    }
  const double elapsed = seconds_since(start);
  const CpuTicks cpu = cpu_ticks_of(s.pid()) - before;
  sender.join();
  peak.stop();
  const TreeMemory after = memory_of(s.pid());
  Json r = {{"msgs_per_s", count / elapsed},
            {"cpu_ticks", cpu.tree},
            {"cpu_us_per_msg", cpu_us_per_message(cpu.tree, count)},
            {"rss_flood_kib", peak.tree()},
            {"hwm_kib", after.tree.hwm},
            {"rss_anon_kib", after.tree.anon}};
  if (bridge) {
    // The bridge process alone; what its child (cat, Python, bash) spends is reported apart.
    r["bridge_cpu_ticks"] = cpu.top;
    r["bridge_cpu_us_per_msg"] = cpu_us_per_message(cpu.top, count);
    r["child_cpu_ticks"] = cpu.tree - cpu.top;
    r["child_cpu_us_per_msg"] = cpu_us_per_message(cpu.tree - cpu.top, count);
    r["bridge_rss_flood_kib"] = peak.top();
    r["bridge_hwm_kib"] = after.top.hwm;
    r["bridge_rss_anon_kib"] = after.top.anon;
  }
  return r;
}

// PING→PONG while messages flow at `rate` msgs/s for `ms`, a PING every 5 ms. Backends compared
// get the same rate; the rate actually achieved (echoes back per second) is reported with it.
Json ping_under_load(Session& s, int rate, int ms) {
  const int total = std::max(1, static_cast<int>(static_cast<long>(rate) * ms / 1000));
  const Messages m(total, 60);
  const auto start = Clock::now();
  double send_seconds = 0;
  SenderThread paced(s, [&] {
    // Whatever is due by now goes out in one write; a late wake-up catches up rather than lowers the rate.
    for (int sent = 0; sent < total;) {
      const int due = std::min(total, static_cast<int>(seconds_since(start) * rate) + 1);
      if (due > sent) s.send(m.frames(sent, due));
      sent = std::max(sent, due);
      usleep(200);
    }
    send_seconds = seconds_since(start);
  });
  std::vector<double> us;
  int echoes = 0;
  auto next_ping = start;
  Clock::time_point ping_sent;
  bool waiting = false;
  while (echoes < total) {
    if (!waiting && Clock::now() >= next_ping) {
      s.send(kPing);
      ping_sent = Clock::now();
      next_ping = ping_sent + std::chrono::milliseconds(5);
      waiting = true;
    }
    const Reply r = classify(s.next(), m.body(echoes), "under load", echoes);
    if (r == Reply::kEcho) ++echoes;
    if (r == Reply::kPong) {
      us.push_back(seconds_since(ping_sent) * 1e6);
      waiting = false;
    }
  }
  const double echo_seconds = seconds_since(start);
  paced.join();
  while (waiting)  // the PING still in flight
    if (classify(s.next(), {}, "under load", total) == Reply::kPong) {
      us.push_back(seconds_since(ping_sent) * 1e6);
      waiting = false;
    }
  return {
      {"load_rate_per_s", rate}, {"load_sent_per_s", total / send_seconds}, {"load_echoed_per_s", total / echo_seconds},
      {"load_pings", us.size()}, {"ping_load_p50_us", percentile(us, 0.5)}, {"ping_load_p99_us", percentile(us, 0.99)}};
}

// Pipelined throughput of larger messages, to show whether cost grows linearly with size.
Json size_sweep(Session& s, const std::vector<std::pair<size_t, int>>& sweep) {
  Json r = Json::object();
  for (const auto& [size, count] : sweep) {
    const Messages m(count, size);
    const auto start = Clock::now();
    SenderThread sender(s, [&] { s.send(m.frames(0, count)); });
    for (int i = 0; i < count; ++i)
      while (classify(s.next(), m.body(i), "size sweep", i) != Reply::kEcho) {
      }
    const double elapsed = seconds_since(start);
    sender.join();
    r["sweep_" + std::to_string(size) + "_msgs_per_s"] = count / elapsed;
    r["sweep_" + std::to_string(size) + "_mb_per_s"] = static_cast<double>(count * size) / elapsed / 1e6;
  }
  return r;
}

struct Backend {
  std::string key, name;
  std::vector<std::string> command;
  bool bridge;  // the command is the bridge: its own process is reported apart from its child's
  const Counts* counts;
};

// One run: a fresh backend process, every measurement in turn.
Json measure_once(const Backend& b, bool with_sweep) {
  const Counts& c = *b.counts;
  Session s(b.command);
  Json r = start_up(s);
  usleep(300000);  // let it settle before its idle memory is read
  r.update(idle_memory(s.pid(), b.bridge));
  r.update(ping_idle(s, c.pings));
  r.update(round_trip(s, c.samples));
  r.update(throughput(s, c.messages, b.bridge));
  r.update(ping_under_load(s, c.load_rate, c.load_ms));
  if (with_sweep) r.update(size_sweep(s, c.sweep));
  return r;
}

// The median of each figure over the runs; null when any run lacks it (e.g. too few CPU ticks).
Json medians(const std::vector<Json>& runs) {
  Json out = Json::object();
  for (const Json& run : runs)
    for (const auto& item : run.items()) out[item.key()] = nullptr;
  for (auto& item : out.items()) {
    std::vector<double> v;
    for (const Json& run : runs)
      if (run.contains(item.key()) && run[item.key()].is_number()) v.push_back(run[item.key()].get<double>());
    if (v.size() != runs.size()) continue;
    std::sort(v.begin(), v.end());
    const size_t mid = v.size() / 2;
    item.value() = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
  return out;
}

// ---- output --------------------------------------------------------------------------------------

// Pads to `width` columns, counting UTF-8 characters rather than bytes (µ, ×).
std::string pad(const std::string& s, size_t width, bool left = false) {
  const size_t chars =
      static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  const std::string fill(chars < width ? width - chars : 0, ' ');
  return left ? s + fill : fill + s;
}

std::string fmt(const Json& v, int decimals) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

struct Column {
  const char* title;
  const char* unit;
  const char* key;
  int decimals;
};

void print_table(const std::vector<Column>& columns, const Json& results) {
  std::string title = pad("", 4) + " " + pad("backend", 38, true), unit = pad("", 43);
  for (const Column& c : columns) {
    title += " " + pad(c.title, 10);
    unit += " " + pad(c.unit, 10);
  }
  std::printf("%s\n%s\n", title.c_str(), unit.c_str());
  for (const Json& r : results) {
    std::string line =
        pad("(" + r["key"].get<std::string>() + ")", 4, true) + " " + pad(r["backend"].get<std::string>(), 38, true);
    if (r.contains("error")) {
      std::printf("%s failed: %s\n", line.c_str(), r["error"].get<std::string>().c_str());
      continue;
    }
    for (const Column& c : columns) line += " " + pad(fmt(r.contains(c.key) ? r[c.key] : Json(), c.decimals), 10);
    std::printf("%s\n", line.c_str());
  }
}

// Targets, each a ratio against (a) or an absolute limit. In a smoke run they are listed, not judged.
class Targets {
 public:
  explicit Targets(bool judged) : judged_(judged) {}

  void at_least(const std::string& what, std::optional<double> value, double limit, const std::string& note = "") {
    add(what, value, limit, true, note);
  }
  void at_most(const std::string& what, std::optional<double> value, double limit, const std::string& note = "") {
    add(what, value, limit, false, note);
  }
  // A figure shown for context, with no limit.
  void info(const std::string& what, std::optional<double> value, const std::string& note = "") {
    print("info", what, value, note.empty() ? "" : "(" + note + ")");
    Json i = {{"what", what}, {"value", value ? Json(*value) : Json()}};
    if (!note.empty()) i["note"] = note;
    informative_.push_back(i);
  }

  Json targets() const { return targets_; }
  Json informative() const { return informative_; }

 private:
  // A missing value (not measured) or a note (the comparison did not hold, e.g. a load not reached)
  // counts as missed.
  void add(const std::string& what, std::optional<double> value, double limit, bool at_least, const std::string& note) {
    const bool met = value && note.empty() && (at_least ? *value >= limit : *value <= limit);
    const std::string bound = std::string(at_least ? ">= " : "<= ") + fmt(limit, 3);
    print(judged_ ? (met ? "met" : "MISSED") : "smoke", what, value, bound + (note.empty() ? "" : "  (" + note + ")"));
    Json t = {{"target", what},
              {"value", value ? Json(*value) : Json()},
              {"limit", limit},
              {"at_least", at_least},
              {"met", judged_ ? Json(met) : Json()}};
    if (!note.empty()) t["note"] = note;
    targets_.push_back(t);
  }
  static void print(const char* status, const std::string& what, std::optional<double> value,
                    const std::string& bound) {
    std::printf("  %s %s %s %s\n", pad(status, 6, true).c_str(), pad(what, 66, true).c_str(),
                pad(value ? fmt(*value, 3) : "-", 12).c_str(), bound.c_str());
  }

  bool judged_;
  Json targets_ = Json::array(), informative_ = Json::array();
};

// Why a CPU figure is missing: the ticks measured, and the bound they still set per message (a
// difference of two truncated tick counts is less than one tick short of the truth).
std::string cpu_note(std::optional<double> us_per_msg, std::optional<double> ticks, int messages) {
  if (us_per_msg || !ticks) return "";
  const double bound = (*ticks + 1) / static_cast<double>(sysconf(_SC_CLK_TCK)) / messages * 1e6;
  return "only " + fmt(*ticks, 0) + " clock ticks: under " + fmt(bound, 2) + " µs";
}

std::string counts_line(const Counts& c) {
  std::string s = std::string(c.who) + ": " + std::to_string(c.messages) + " pipelined, " + std::to_string(c.samples) +
                  " round trips, " + std::to_string(c.pings) + " PINGs idle, load " + std::to_string(c.load_rate) +
                  " msgs/s for " + std::to_string(c.load_ms) + " ms; sweep";
  for (const auto& [size, count] : c.sweep)
    s += " " + (size >= (1u << 20) ? std::to_string(size >> 20) + " MB" : std::to_string(size >> 10) + " KB") + " ×" +
         std::to_string(count);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  const auto started = Clock::now();
  bool quick = false, sweep = true;
  int runs = 0;
  std::string json_path = "bench-results.json", only;
  std::string command;  // replaces the bridge binary, e.g. a wrapper that runs it under perf
  const char* usage =
      "usage: spectrum2_bench [--quick] [--runs N] [--only a,b,b1,t,c,d,e] [--no-sweep] [--json FILE]\n"
      "                       [--command BRIDGE]\n"
      "  --quick      a smoke run: small counts, one run, targets listed but not judged\n"
      "  --runs N     runs per backend, interleaved; figures are medians (default 3, quick 1)\n"
      "  --only KEYS  the backends to run (default: all)\n"
      "  --no-sweep   leave out the message-size sweep\n"
      "  --json FILE  where the figures go (default bench-results.json)\n"
      "  --command    run this instead of the bridge binary (e.g. a wrapper that profiles it)\n";
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--quick")) {
      quick = true;
    } else if (!std::strcmp(argv[i], "--no-sweep")) {
      sweep = false;
    } else if (!std::strcmp(argv[i], "--json") && has_value) {
      json_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--only") && has_value) {
      only = argv[++i];
    } else if (!std::strcmp(argv[i], "--command") && has_value) {
      command = argv[++i];
    } else if (!std::strcmp(argv[i], "--runs") && has_value) {
      runs = std::atoi(argv[++i]);
    } else {
      const bool help = !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h");
      if (!help) std::fprintf(stderr, "spectrum2_bench: unknown or incomplete option '%s'\n", argv[i]);
      std::fputs(usage, help ? stdout : stderr);
      return help ? 0 : 2;
    }
  }
  if (runs <= 0) runs = quick ? 1 : 3;
  const std::string build = S2J_BUILD_DIR, root = S2J_SOURCE_DIR;
  const std::string bridge = command.empty() ? build + "/spectrum2_json_backend" : command;
  const std::string python = "/usr/bin/python3";  // Debian's, with python3-protobuf
  setenv("S2J_PB2_DIR", (build + "/bench").c_str(), 1);

  // Each group compared shares one load rate, well below what its slower backend sustains even on a
  // busy 2-core machine ((b) ~100k msgs/s pipelined, (c) ~25k, (d) ~2k), so both sides of a ratio
  // carry the same load. The counts keep a full run of three rounds within a few minutes.
  const Counts fast =
      quick
          ? Counts{"(a) (b) (b1) (t)", 5000, 200, 100, 20000, 300, {{1024, 1000}, {65536, 50}, {1 << 20, 5}}}
          : Counts{"(a) (b) (b1) (t)", 1000000, 2000, 1000, 20000, 2000, {{1024, 20000}, {65536, 1000}, {1 << 20, 50}}};
  const Counts python_counts =
      quick ? Counts{"(c) (e)", 2000, 100, 100, 5000, 300, {{1024, 500}, {65536, 20}, {1 << 20, 3}}}
            : Counts{"(c) (e)", 100000, 1000, 500, 5000, 2000, {{1024, 10000}, {65536, 500}, {1 << 20, 20}}};
  // bash + jq: thousands of messages per second, far fewer for large ones.
  const Counts shell_counts =
      quick ? Counts{"(d)", 500, 100, 50, 500, 300, {{1024, 100}, {65536, 10}, {1 << 20, 2}}}
            : Counts{"(d)", 20000, 2000, 500, 500, 2000, {{1024, 5000}, {65536, 200}, {1 << 20, 5}}};
  const std::vector<Backend> backends = {
      {"a", "native C++ echo (protobuf directly)", {build + "/bench/native_echo_backend"}, false, &fast},
      {"b", "bridge + /bin/cat", {bridge, "--child", "cat", "--log-level", "warn"}, true, &fast},
      // The same with a deep queue: under a pipelined flood the bridge holds up to buffer_limit
      // (1 MiB by default), which costs memory and, in fresh pages and cache misses, CPU.
      {"b1",
       "bridge + /bin/cat, buffer_limit 64 MiB",
       {bridge, "--child", "cat", "--log-level", "warn", "--json_backend.buffer_limit=67108864"},
       true,
       &fast},
      // Tap mode: the bridge relaying a native backend's frames unchanged, tracing nothing.
      {"t",
       "tap + native C++ echo",
       {bridge, "--tap", build + "/bench/native_echo_backend", "--log-level", "warn"},
       true,
       &fast},
      {"c",
       "bridge + Python binding echo",
       {bridge, "--child", python + " " + root + "/examples/echo_backend.py", "--log-level", "warn"},
       true,
       &python_counts},
      {"d",
       "bridge + shell binding echo",
       {bridge, "--child", "bash " + root + "/examples/echo_backend.sh", "--log-level", "warn"},
       true,
       &shell_counts},
      {"e",
       "Python asyncio + python3-protobuf",
       {python, root + "/bench/python_protobuf_echo.py"},
       false,
       &python_counts},
  };
  std::vector<const Backend*> selected;
  for (const Backend& b : backends)
    if (only.empty() || ("," + only + ",").find("," + b.key + ",") != std::string::npos) selected.push_back(&b);

  // Rounds: every backend once per round, so that a disturbance on the machine hits all of them.
  std::map<std::string, std::vector<Json>> samples;
  std::map<std::string, std::string> errors;
  for (int round = 1; round <= runs; ++round)
    for (const Backend* b : selected) {
      if (errors.count(b->key)) continue;
      std::cerr << "run " << round << "/" << runs << ": (" << b->key << ") " << b->name << "...\n";
      try {
        samples[b->key].push_back(measure_once(*b, sweep));
      } catch (const std::exception& e) {
        errors[b->key] = e.what();
        std::cerr << "  failed: " << e.what() << "\n";
      }
    }

  Json results = Json::array();
  std::map<std::string, Json> by_key;
  for (const Backend* b : selected) {
    Json r = {{"key", b->key}, {"backend", b->name}};
    if (errors.count(b->key)) {
      r["error"] = errors[b->key];
    } else {
      r.update(medians(samples[b->key]));
      if (runs > 1) r["runs"] = samples[b->key];
      by_key[b->key] = r;
    }
    results.push_back(r);
  }
  // A figure of a backend measured in this run (its median), if there is one.
  auto figure = [&](const std::string& key, const char* name) -> std::optional<double> {
    if (!by_key.count(key) || !by_key[key].contains(name) || !by_key[key][name].is_number()) return std::nullopt;
    return by_key[key][name].get<double>();
  };
  auto ratio = [&](const std::string& key, const std::string& base, const char* name) -> std::optional<double> {
    const auto x = figure(key, name), y = figure(base, name);
    if (!x || !y || *y == 0) return std::nullopt;
    return *x / *y;
  };
  for (Json& r : results)
    if (auto x = ratio(r["key"].get<std::string>(), "a", "msgs_per_s")) r["msgs_per_s_vs_a"] = *x;

  const std::string smoke = "smoke run: figures not comparable; targets not judged";
  if (quick)
    std::printf("\nspectrum2_bench --quick: %s\n", smoke.c_str());
  else
    std::printf("\nspectrum2_bench: every figure is the median of %d runs per backend (rounds interleaved)\n", runs);
  std::printf("counts per run:\n");
  for (const Counts* c : {&fast, &python_counts, &shell_counts}) std::printf("  %s\n", counts_line(*c).c_str());

  std::printf("\nspeed%s\n", quick ? (" — " + smoke).c_str() : "");
  print_table({{"msgs/s", "pipelined", "msgs_per_s", 0},
               {"×(a)", "", "msgs_per_s_vs_a", 3},
               {"rt p50", "µs", "rt_p50_us", 0},
               {"rt p99", "µs", "rt_p99_us", 0},
               {"PING p50", "idle µs", "ping_idle_p50_us", 0},
               {"PING p99", "idle µs", "ping_idle_p99_us", 0},
               {"load", "achieved/s", "load_echoed_per_s", 0},
               {"PING p50", "loaded µs", "ping_load_p50_us", 0},
               {"PING p99", "loaded µs", "ping_load_p99_us", 0},
               {"1 KB", "msgs/s", "sweep_1024_msgs_per_s", 0},
               {"64 KB", "msgs/s", "sweep_65536_msgs_per_s", 0},
               {"1 MB", "msgs/s", "sweep_1048576_msgs_per_s", 1}},
              results);
  std::printf("\nstart-up, memory, CPU%s\n", quick ? (" — " + smoke).c_str() : "");
  print_table({{"1st PONG", "ms", "first_pong_ms", 1},
               {"1st echo", "ms", "first_echo_ms", 1},
               {"RSS idle", "tree KiB", "rss_idle_kib", 0},
               {"RSS flood", "tree KiB", "rss_flood_kib", 0},
               {"bridge", "idle KiB", "bridge_rss_idle_kib", 0},
               {"bridge", "flood KiB", "bridge_rss_flood_kib", 0},
               {"CPU/msg", "tree µs", "cpu_us_per_msg", 2},
               {"CPU/msg", "bridge µs", "bridge_cpu_us_per_msg", 2},
               {"CPU/msg", "child µs", "child_cpu_us_per_msg", 2}},
              results);
  std::printf(
      "  tree: the backend's whole process tree (a bridge and its child); bridge: the bridge process alone\n"
      "  (informative); \"-\": not measured, or CPU of fewer than %ld clock ticks\n",
      kMinCpuTicks);

  // A PING-under-load comparison holds only if both sides carried the load they were given.
  auto load_note = [&](const std::string& x, const std::string& y) {
    std::string note;
    for (const std::string& k : {x, y}) {
      const auto rate = figure(k, "load_rate_per_s"), got = figure(k, "load_echoed_per_s");
      if (rate && got && *got < kLoadReached * *rate)
        note += (note.empty() ? "" : ", ") + std::string("(") + k + ") reached only " + fmt(*got, 0) + " msgs/s";
    }
    return note;
  };
  const std::string fast_load = std::to_string(fast.load_rate) + " msgs/s";

  std::printf("\ntargets%s\n", quick ? (" — " + smoke).c_str() : " (ratios of this run's medians)");
  Targets t(!quick);
  if (by_key.count("a") && by_key.count("b")) {
    t.at_least("(b) throughput / (a)", ratio("b", "a", "msgs_per_s"), 0.25);
    t.at_most("(b) round trip p50 / (a)", ratio("b", "a", "rt_p50_us"), 2);
    t.at_most("(b) PING->PONG p50 idle / (a)", ratio("b", "a", "ping_idle_p50_us"), 1.2);
    t.at_most("(b) PING->PONG p50 under equal load, " + fast_load + " / (a)", ratio("b", "a", "ping_load_p50_us"), 1.2,
              load_note("b", "a"));
    t.at_most("(b) CPU per echoed message, bridge process alone, µs", figure("b", "bridge_cpu_us_per_msg"), 1.5,
              cpu_note(figure("b", "bridge_cpu_us_per_msg"), figure("b", "bridge_cpu_ticks"), fast.messages));
    t.at_most("(b) RSS idle / (a), process trees", ratio("b", "a", "rss_idle_kib"), 1.3);
    t.at_most("(b) RSS under flood (buffer_limit 1 MiB, the default) / (a), process trees",
              ratio("b", "a", "rss_flood_kib"), 1.5);
    // Linear in size: (b)/(a) at each size against (b)/(a) at 60 bytes.
    const auto base = ratio("b", "a", "msgs_per_s");
    for (const auto& [size, label] :
         {std::pair<size_t, const char*>{1024, "1 KB"}, {65536, "64 KB"}, {1 << 20, "1 MB"}}) {
      const std::string key = "sweep_" + std::to_string(size) + "_msgs_per_s";
      const auto at_size = ratio("b", "a", key.c_str());
      t.at_least(std::string("(b)/(a) throughput at ") + label + " / (b)/(a) at 60 bytes",
                 at_size && base ? std::optional<double>(*at_size / *base) : std::nullopt, 0.8);
    }
    t.at_most("(b) first echo after exec, ms", figure("b", "first_echo_ms"), 10);
  }
  // What tap mode costs in front of a native backend: the same backend alone is (a).
  if (by_key.count("a") && by_key.count("t")) {
    t.at_least("(t) tap throughput / (a)", ratio("t", "a", "msgs_per_s"), 0.5);
    t.at_most("(t) tap round trip p50 / (a)", ratio("t", "a", "rt_p50_us"), 2);
    t.at_most("(t) tap PING->PONG p50 idle / (a)", ratio("t", "a", "ping_idle_p50_us"), 2);
    t.at_most("(t) tap PING->PONG p50 under equal load, " + fast_load + " / (a)", ratio("t", "a", "ping_load_p50_us"),
              2, load_note("t", "a"));
  }
  // The bindings' goals: the Python binding through the bridge keeps up with a pure-Python backend
  // speaking protobuf itself; the shell binding answers fast enough for a roster at login.
  if (by_key.count("c") && by_key.count("e")) t.at_least("(c) throughput / (e)", ratio("c", "e", "msgs_per_s"), 1.0);
  if (by_key.count("d")) {
    t.at_least("(d) shell binding throughput, msgs/s", figure("d", "msgs_per_s"), 1000);
    const auto rt = figure("d", "rt_p50_us");
    t.at_most("(d) shell binding round trip p50, ms", rt ? std::optional<double>(*rt / 1000) : std::nullopt, 5);
  }
  std::printf("\ninformative%s\n", quick ? (" — " + smoke).c_str() : "");
  const auto alone = [&](const std::string& key, const char* bridge_name,
                         const char* base_name) -> std::optional<double> {
    const auto x = figure(key, bridge_name), y = figure("a", base_name);
    if (!x || !y || *y == 0) return std::nullopt;
    return *x / *y;
  };
  if (by_key.count("a")) {
    if (by_key.count("b")) {
      t.info("(b) bridge process alone, RSS idle / (a)", alone("b", "bridge_rss_idle_kib", "rss_idle_kib"));
      t.info("(b) bridge process alone, RSS under flood / (a)", alone("b", "bridge_rss_flood_kib", "rss_flood_kib"));
    }
    if (by_key.count("b1")) {
      t.info("(b1) deep queue: throughput / (a)", ratio("b1", "a", "msgs_per_s"));
      t.info("(b1) deep queue: RSS under flood / (a), process trees", ratio("b1", "a", "rss_flood_kib"));
    }
  }
  if (by_key.count("b"))
    t.info("(b) cat's CPU per echoed message, µs", figure("b", "child_cpu_us_per_msg"),
           cpu_note(figure("b", "child_cpu_us_per_msg"), figure("b", "child_cpu_ticks"), fast.messages));
  if (by_key.count("c") && by_key.count("e"))
    t.info("(c) first echo after exec / (e)", ratio("c", "e", "first_echo_ms"));

  const double total_seconds = seconds_since(started);
  std::ofstream(json_path) << Json{{"quick", quick},
                                   {"runs", runs},
                                   {"note", quick ? smoke : "figures are medians of the runs"},
                                   {"counts",
                                    {counts_line(fast), counts_line(python_counts), counts_line(shell_counts)}},
                                   {"results", results},
                                   {"targets", t.targets()},
                                   {"informative", t.informative()},
                                   {"total_seconds", total_seconds}}
                                  .dump(2)
                           << "\n";
  std::printf("\nwritten to %s; total time %.0f s\n", json_path.c_str(), total_seconds);
  // A failed backend or a wrong echo fails the run, smoke or not.
  return errors.empty() ? 0 : 1;
}
