// spectrum2_bench: drives backends the way Spectrum does, over loopback, and measures them side by
// side in one run: throughput, round trip, PING→PONG (idle and under load), first PONG, memory,
// CPU per message and a message-size sweep. Prints a table with ratios and writes JSON.
#include <arpa/inet.h>
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
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "protocol.pb.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using pbnetwork::WrapperMessage;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string message_frame(int i, size_t size) {
  pbnetwork::ConversationMessage m;
  m.set_username("alice@localhost");
  m.set_buddyname("echo");  // the binding examples echo what is sent to "echo"
  std::string text = std::to_string(i) + ":";
  if (text.size() < size) text += std::string(size - text.size(), 'x');
  m.set_message(text);
  const std::string payload = m.SerializeAsString();
  std::string out;
  s2j::append_frame(out, s2j::make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &payload));
  return out;
}

int number_in(const WrapperMessage& w) {
  pbnetwork::ConversationMessage m;
  if (!m.ParseFromString(w.payload())) return -1;
  return std::atoi(m.message().c_str());
}

// ---- process memory and CPU from /proc --------------------------------------------------------

std::vector<pid_t> tree(pid_t pid) {
  std::vector<pid_t> all = {pid};
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (pid_t child; in >> child;) {
    auto sub = tree(child);
    all.insert(all.end(), sub.begin(), sub.end());
  }
  return all;
}

std::map<std::string, long> status_kib(pid_t pid) {
  std::map<std::string, long> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    for (const char* key : {"VmRSS", "VmHWM", "RssAnon"})
      if (line.rfind(std::string(key) + ":", 0) == 0) out[key] = std::stol(line.substr(std::strlen(key) + 1));
  return out;
}

struct Memory {
  long rss = 0, hwm = 0, anon = 0;                 // KiB, summed over the process tree
  long self_rss = 0, self_hwm = 0, self_anon = 0;  // the top process alone (the bridge)
};

Memory memory_of(pid_t pid) {
  Memory m;
  for (pid_t p : tree(pid)) {
    auto s = status_kib(p);
    m.rss += s["VmRSS"];
    m.hwm += s["VmHWM"];
    m.anon += s["RssAnon"];
    if (p == pid) {
      m.self_rss = s["VmRSS"];
      m.self_hwm = s["VmHWM"];
      m.self_anon = s["RssAnon"];
    }
  }
  return m;
}

double cpu_seconds(pid_t pid) {
  double ticks = 0;
  for (pid_t p : tree(pid)) {
    std::ifstream in("/proc/" + std::to_string(p) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    // after "(comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17
    if (f.size() > 14) ticks += std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14]);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// ---- one backend process and its connection -----------------------------------------------------

class Session {
 public:
  explicit Session(const std::vector<std::string>& command) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
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
    start_ = Clock::now();
    if (posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0)
      throw std::runtime_error("cannot start " + argv[0]);
    posix_spawn_file_actions_destroy(&actions);
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20000) != 1) throw std::runtime_error(argv[0] + " did not connect");
    fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    send(std::string("\x00\x00\x00\x02\x08\x09", 6));  // PING at once, as Spectrum does
    first_pong_ms_ = -1;
    while (first_pong_ms_ < 0) {
      const WrapperMessage w = read();
      if (w.type() == WrapperMessage::TYPE_PONG) first_pong_ms_ = seconds_since(start_) * 1000;
    }
    (void)read_until(WrapperMessage::TYPE_STATS);
  }

  ~Session() {
    send(std::string("\x00\x00\x00\x02\x08\x1d", 6));  // EXIT
    ::shutdown(fd_, SHUT_WR);
    for (int i = 0; i < 1000; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      if (i == 999) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      usleep(10000);
    }
    close(fd_);
    close(listen_fd_);
  }

  void send(const std::string& bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<size_t>(n);
    }
  }

  WrapperMessage read() {
    s2j::FrameEvent e;
    while (!decoder_.next(e)) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 60000) != 1) throw std::runtime_error("backend stopped answering");
      const ssize_t n = recv(fd_, buffer_, sizeof buffer_, 0);
      if (n <= 0) throw std::runtime_error("backend closed the connection");
      decoder_.feed(std::string_view(buffer_, static_cast<size_t>(n)));
    }
    WrapperMessage w;
    if (!w.ParseFromArray(e.body.data(), static_cast<int>(e.body.size()))) throw std::runtime_error("bad frame");
    return w;
  }

  WrapperMessage read_until(int type) {
    for (;;) {
      WrapperMessage w = read();
      if (w.type() == type) return w;
    }
  }

  pid_t pid() const { return pid_; }
  double first_pong_ms() const { return first_pong_ms_; }

 private:
  int listen_fd_ = -1, fd_ = -1;
  pid_t pid_ = 0;
  Clock::time_point start_;
  double first_pong_ms_ = 0;
  s2j::FrameDecoder decoder_{1u << 30};
  char buffer_[1 << 16];
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// ---- the measurements ----------------------------------------------------------------------------

struct Counts {
  int messages, samples, pings, load_ms;
  std::vector<std::pair<size_t, int>> sweep;  // size, count
};

nlohmann::ordered_json measure(const std::string& name, const std::vector<std::string>& command, const Counts& c,
                               bool bridge, bool with_sweep) {
  nlohmann::ordered_json r;
  r["backend"] = name;
  Session s(command);
  r["first_pong_ms"] = s.first_pong_ms();
  usleep(300000);  // let it settle
  const Memory idle = memory_of(s.pid());
  r["rss_idle_kib"] = idle.rss;
  if (bridge) r["bridge_rss_idle_kib"] = idle.self_rss;

  std::vector<double> ping;
  for (int i = 0; i < c.pings; ++i) {
    const auto t = Clock::now();
    s.send(std::string("\x00\x00\x00\x02\x08\x09", 6));
    s.read_until(WrapperMessage::TYPE_PONG);
    ping.push_back(seconds_since(t) * 1e6);
    s.read_until(WrapperMessage::TYPE_STATS);
  }
  r["ping_idle_p50_us"] = percentile(ping, 0.5);
  r["ping_idle_p99_us"] = percentile(ping, 0.99);

  std::vector<double> rt;
  for (int i = 0; i < c.samples; ++i) {
    const std::string f = message_frame(i, 60);
    const auto t = Clock::now();
    s.send(f);
    const WrapperMessage w = s.read_until(WrapperMessage::TYPE_CONV_MESSAGE);
    rt.push_back(seconds_since(t) * 1e6);
    if (number_in(w) != i) throw std::runtime_error(name + ": wrong echo in round trip");
  }
  r["rt_p50_us"] = percentile(rt, 0.5);
  r["rt_p99_us"] = percentile(rt, 0.99);

  // Pipelined throughput, every echo checked for content and order.
  std::string all;
  for (int i = 0; i < c.messages; ++i) all += message_frame(i, 60);
  std::atomic<long> peak_rss{0}, peak_self{0};
  std::atomic<bool> running{true};
  std::thread sampler([&] {
    while (running) {
      const Memory m = memory_of(s.pid());
      peak_rss = std::max(peak_rss.load(), m.rss);
      peak_self = std::max(peak_self.load(), m.self_rss);
      usleep(20000);
    }
  });
  const double cpu0 = cpu_seconds(s.pid());
  const auto t0 = Clock::now();
  std::thread sender([&] { s.send(all); });
  for (int i = 0; i < c.messages; ++i) {
    const WrapperMessage w = s.read_until(WrapperMessage::TYPE_CONV_MESSAGE);
    if (number_in(w) != i) throw std::runtime_error(name + ": echo out of order or lost at " + std::to_string(i));
  }
  const double elapsed = seconds_since(t0);
  sender.join();
  const double cpu = cpu_seconds(s.pid()) - cpu0;
  running = false;
  sampler.join();
  const double throughput = c.messages / elapsed;
  r["msgs_per_s"] = throughput;
  r["cpu_us_per_msg"] = cpu / c.messages * 1e6;
  r["rss_load_kib"] = peak_rss.load();
  if (bridge) r["bridge_rss_load_kib"] = peak_self.load();
  const Memory after = memory_of(s.pid());
  r["hwm_kib"] = after.hwm;
  r["rss_anon_kib"] = after.anon;
  if (bridge) {
    r["bridge_hwm_kib"] = after.self_hwm;
    r["bridge_rss_anon_kib"] = after.self_anon;
  }

  // PING while messages flow at half the measured throughput.
  {
    const double rate = throughput / 2;
    const int total = static_cast<int>(rate * c.load_ms / 1000.0);
    std::atomic<bool> done{false};
    std::thread paced([&] {
      const auto start = Clock::now();
      int sent = 0;
      std::string batch;
      while (sent < total) {
        const int due = std::min(total, static_cast<int>(seconds_since(start) * rate) + 1);
        batch.clear();
        for (; sent < due; ++sent) batch += message_frame(sent, 60);
        if (!batch.empty()) s.send(batch);
        usleep(500);
      }
      done = true;
    });
    std::vector<double> load_ping;
    int echoes = 0;
    auto next_ping = Clock::now();
    Clock::time_point ping_sent;
    bool waiting = false;
    while (echoes < total || waiting) {
      if (!waiting && Clock::now() >= next_ping && echoes < total) {
        s.send(std::string("\x00\x00\x00\x02\x08\x09", 6));
        ping_sent = Clock::now();
        waiting = true;
        next_ping = ping_sent + std::chrono::milliseconds(5);
      }
      const WrapperMessage w = s.read();
      if (w.type() == WrapperMessage::TYPE_CONV_MESSAGE) ++echoes;
      if (w.type() == WrapperMessage::TYPE_PONG) {
        load_ping.push_back(seconds_since(ping_sent) * 1e6);
        waiting = false;
      }
    }
    paced.join();
    r["ping_load_p50_us"] = percentile(load_ping, 0.5);
    r["ping_load_p99_us"] = percentile(load_ping, 0.99);
  }

  // Size sweep.
  nlohmann::ordered_json sweep = nlohmann::ordered_json::object();
  for (const auto& [size, count] : with_sweep ? c.sweep : decltype(c.sweep){}) {
    std::string frames;
    for (int i = 0; i < count; ++i) frames += message_frame(i, size);
    const auto t = Clock::now();
    std::thread sender2([&] { s.send(frames); });
    for (int i = 0; i < count; ++i)
      if (number_in(s.read_until(WrapperMessage::TYPE_CONV_MESSAGE)) != i)
        throw std::runtime_error(name + ": sweep echo out of order");
    const double e = seconds_since(t);
    sender2.join();
    sweep[std::to_string(size)] = {{"msgs_per_s", count / e}, {"mb_per_s", count * size / e / 1e6}};
  }
  r["sweep"] = sweep;
  return r;
}

std::string fmt(double v, int decimals = 0) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  bool quick = false;
  std::string json_path = "bench-results.json", only;
  std::string command;  // replaces the bridge binary, e.g. a wrapper that runs it under perf
  bool sweep = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    if (!std::strcmp(argv[i], "--command") && i + 1 < argc) command = argv[++i];
    if (!std::strcmp(argv[i], "--no-sweep")) sweep = false;
  }
  const std::string build = S2J_BUILD_DIR, root = S2J_SOURCE_DIR;
  const std::string bridge = command.empty() ? build + "/spectrum2_json_backend" : command;
  const std::string python = "/usr/bin/python3";  // Debian's, with python3-protobuf
  setenv("S2J_PB2_DIR", (build + "/bench").c_str(), 1);

  struct Backend {
    std::string key, name;
    std::vector<std::string> command;
    bool bridge;
    Counts counts;
  };
  const Counts fast = quick ? Counts{5000, 200, 100, 300, {{1024, 1000}, {65536, 50}, {1 << 20, 5}}}
                            : Counts{200000, 2000, 1000, 2000, {{1024, 20000}, {65536, 1000}, {1 << 20, 50}}};
  const Counts python_counts = quick ? Counts{2000, 100, 100, 300, {{1024, 500}, {65536, 20}, {1 << 20, 3}}}
                                     : Counts{100000, 1000, 500, 2000, {{1024, 10000}, {65536, 500}, {1 << 20, 20}}};
  // bash + jq: thousands of messages per second, far fewer for large ones.
  const Counts shell_counts = quick ? Counts{500, 100, 50, 300, {{1024, 100}, {65536, 10}, {1 << 20, 2}}}
                                    : Counts{20000, 2000, 500, 2000, {{1024, 5000}, {65536, 200}, {1 << 20, 5}}};
  const std::vector<Backend> backends = {
      {"a", "native C++ echo (protobuf directly)", {build + "/bench/native_echo_backend"}, false, fast},
      {"b", "bridge + /bin/cat", {bridge, "--child", "cat", "--log-level", "warn"}, true, fast},
      // The same with a small queue: under a pipelined flood the bridge holds up to buffer_limit.
      {"b1",
       "bridge + /bin/cat, buffer_limit 1 MiB",
       {bridge, "--child", "cat", "--log-level", "warn", "--json_backend.buffer_limit=1048576"},
       true,
       fast},
      // Tap mode: the bridge relaying a native backend's frames unchanged, tracing nothing.
      {"t",
       "tap + native C++ echo",
       {bridge, "--tap", build + "/bench/native_echo_backend", "--log-level", "warn"},
       true,
       fast},
      {"c",
       "bridge + Python binding echo",
       {bridge, "--child", python + " " + root + "/examples/echo_backend.py", "--log-level", "warn"},
       true,
       python_counts},
      {"d",
       "bridge + shell binding echo",
       {bridge, "--child", "bash " + root + "/examples/echo_backend.sh", "--log-level", "warn"},
       true,
       shell_counts},
      {"e",
       "Python asyncio + python3-protobuf",
       {python, root + "/bench/python_protobuf_echo.py"},
       false,
       python_counts},
  };

  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::map<std::string, nlohmann::ordered_json> by_key;
  for (const Backend& b : backends) {
    if (!only.empty() && ("," + only + ",").find("," + b.key + ",") == std::string::npos) continue;
    std::cerr << "measuring (" << b.key << ") " << b.name << "...\n";
    try {
      nlohmann::ordered_json r = measure(b.name, b.command, b.counts, b.bridge, sweep);
      r["key"] = b.key;
      r["messages"] = b.counts.messages;
      by_key[b.key] = r;
      results.push_back(r);
    } catch (const std::exception& e) {
      std::cerr << "  failed: " << e.what() << "\n";
      results.push_back({{"key", b.key}, {"backend", b.name}, {"error", e.what()}});
    }
  }

  // The table.
  std::printf("\n%-4s %-36s %10s %7s %8s %8s %9s %9s %9s %9s %8s %9s %9s %9s %8s %10s %10s %10s\n", "", "backend",
              "msgs/s", "×(a)", "rt p50", "rt p99", "ping p50", "ping p99", "load p50", "load p99", "1st PONG",
              "RSS idle", "RSS load", "bridge", "CPU/msg", "1 KB/s", "64 KB/s", "1 MB/s");
  std::printf("%-4s %-36s %10s %7s %8s %8s %9s %9s %9s %9s %8s %9s %9s %9s %8s %10s %10s %10s\n", "", "", "", "", "µs",
              "µs", "µs", "µs", "µs", "µs", "ms", "KiB", "KiB", "KiB", "µs", "msgs", "msgs", "msgs");
  const double base = by_key.count("a") ? by_key["a"]["msgs_per_s"].get<double>() : 0;
  for (const auto& r : results) {
    if (r.contains("error")) {
      std::printf("%-4s %-36s failed: %s\n", ("(" + r["key"].get<std::string>() + ")").c_str(),
                  r["backend"].get<std::string>().c_str(), r["error"].get<std::string>().c_str());
      continue;
    }
    auto sweep = [&](const char* size) {
      return r["sweep"].contains(size) ? fmt(r["sweep"][size]["msgs_per_s"].get<double>()) : std::string("-");
    };
    std::printf("%-4s %-36s %10s %7s %8s %8s %9s %9s %9s %9s %8s %9s %9s %9s %8s %10s %10s %10s\n",
                ("(" + r["key"].get<std::string>() + ")").c_str(), r["backend"].get<std::string>().c_str(),
                fmt(r["msgs_per_s"].get<double>()).c_str(),
                base > 0 ? fmt(r["msgs_per_s"].get<double>() / base, 3).c_str() : "-",
                fmt(r["rt_p50_us"].get<double>()).c_str(), fmt(r["rt_p99_us"].get<double>()).c_str(),
                fmt(r["ping_idle_p50_us"].get<double>()).c_str(), fmt(r["ping_idle_p99_us"].get<double>()).c_str(),
                fmt(r["ping_load_p50_us"].get<double>()).c_str(), fmt(r["ping_load_p99_us"].get<double>()).c_str(),
                fmt(r["first_pong_ms"].get<double>(), 1).c_str(), fmt(r["rss_idle_kib"].get<double>()).c_str(),
                fmt(r["rss_load_kib"].get<double>()).c_str(),
                r.contains("bridge_rss_load_kib") ? fmt(r["bridge_rss_load_kib"].get<double>()).c_str() : "-",
                fmt(r["cpu_us_per_msg"].get<double>(), 2).c_str(), sweep("1024").c_str(), sweep("65536").c_str(),
                sweep("1048576").c_str());
  }

  // The targets, as ratios measured in this run.
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  auto target = [&](const std::string& what, double value, double limit, bool at_least) {
    const bool met = at_least ? value >= limit : value <= limit;
    targets.push_back({{"target", what}, {"value", value}, {"limit", limit}, {"met", met}});
    std::printf("  %-4s %-62s %10.3f %s %.3f\n", met ? "ok" : "MISS", what.c_str(), value,
                at_least ? ">=" : "<=", limit);
  };
  if (by_key.count("a") && by_key.count("b")) {
    auto& a = by_key["a"];
    auto& b = by_key["b"];
    std::printf("\ntargets (this run):\n");
    target("(b) throughput / (a) throughput", b["msgs_per_s"].get<double>() / a["msgs_per_s"].get<double>(), 0.15,
           true);
    target("(b) throughput, msgs/s (Spectrum's C++ plugin: ~236k)", b["msgs_per_s"].get<double>(), 236000, true);
    target("(b) round trip p50 / (a)", b["rt_p50_us"].get<double>() / a["rt_p50_us"].get<double>(), 2, false);
    target("(b) PING->PONG p50 idle / (a)", b["ping_idle_p50_us"].get<double>() / a["ping_idle_p50_us"].get<double>(),
           1.5, false);
    target("(b) PING->PONG p50 under load / (a)",
           b["ping_load_p50_us"].get<double>() / a["ping_load_p50_us"].get<double>(), 1.5, false);
    target("bridge RSS idle / (a) RSS idle", b["bridge_rss_idle_kib"].get<double>() / a["rss_idle_kib"].get<double>(),
           1.3, false);
    target("bridge RSS under load / (a) RSS under load",
           b["bridge_rss_load_kib"].get<double>() / a["rss_load_kib"].get<double>(), 1.3, false);
    target("(b) first PONG after exec, ms", b["first_pong_ms"].get<double>(), 10, false);
    if (by_key.count("b1"))
      target("(b1) bridge RSS under load, buffer_limit 1 MiB / (a)",
             by_key["b1"]["bridge_rss_load_kib"].get<double>() / a["rss_load_kib"].get<double>(), 1.3, false);
  }
  // What tap mode costs in front of a native backend: the same backend alone is (a).
  if (by_key.count("a") && by_key.count("t")) {
    auto& a = by_key["a"];
    auto& t = by_key["t"];
    target("(t) tap throughput / (a)", t["msgs_per_s"].get<double>() / a["msgs_per_s"].get<double>(), 0.5, true);
    target("(t) tap round trip p50 / (a)", t["rt_p50_us"].get<double>() / a["rt_p50_us"].get<double>(), 2, false);
    target("(t) tap PING->PONG p50 idle / (a)",
           t["ping_idle_p50_us"].get<double>() / a["ping_idle_p50_us"].get<double>(), 2, false);
  }
  // The bindings' goals: the Python binding through the bridge keeps up with a pure-Python backend
  // speaking protobuf itself; the shell binding answers fast enough for a roster at login.
  if (by_key.count("c") && by_key.count("e"))
    target("(c) throughput / (e) throughput",
           by_key["c"]["msgs_per_s"].get<double>() / by_key["e"]["msgs_per_s"].get<double>(), 1.0, true);
  if (by_key.count("d")) {
    target("(d) shell binding throughput, msgs/s", by_key["d"]["msgs_per_s"].get<double>(), 1000, true);
    target("(d) shell binding round trip p50, ms", by_key["d"]["rt_p50_us"].get<double>() / 1000, 5, false);
  }

  std::ofstream(json_path) << nlohmann::ordered_json{{"quick", quick}, {"results", results}, {"targets", targets}}.dump(
                                  2)
                           << "\n";
  std::printf("\nwritten to %s\n", json_path.c_str());
  for (const auto& r : results)
    if (r.contains("error")) return 1;
  return 0;
}
