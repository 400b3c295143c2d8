// Fault injection against the real binary: misbehaving children, a misbehaving or vanishing
// Spectrum, signals under load, and counted proof that nothing is lost or reordered.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/frame_codec.h"
#include "core/json_translator.h"
#include "fake_spectrum.h"
#include "protocol.pb.h"

namespace s2j::testing {
namespace {

using pbnetwork::WrapperMessage;

#ifdef S2J_SANITIZE
constexpr bool kSanitized = true;  // ASan's shadow memory and quarantine make RSS meaningless
#else
constexpr bool kSanitized = false;
#endif

std::string numbered_frames(int from, int count, const std::string& pad = "") {
  std::string out;
  for (int i = from; i < from + count; ++i) {
    pbnetwork::ConversationMessage m;
    m.set_username("alice@example.org");
    m.set_buddyname("bob");
    m.set_message(std::to_string(i) + pad);
    const std::string payload = m.SerializeAsString();
    append_frame(out, make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &payload));
  }
  return out;
}

void append_varint(std::string& out, uint64_t value) {
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<char>((value & 0x7f) | 0x80));
  out.push_back(static_cast<char>(value));
}

// WrapperMessage {type = 1 (varint), payload = 2 (bytes)} in wire format.
std::string wrapper_bytes(uint32_t type, const std::string& payload) {
  std::string out("\x08", 1);
  append_varint(out, type);
  out.push_back('\x12');
  append_varint(out, payload.size());
  return out + payload;
}

int number_of(const WrapperMessage& w) {
  pbnetwork::ConversationMessage m;
  if (w.type() != WrapperMessage::TYPE_CONV_MESSAGE || !m.ParseFromString(w.payload())) return -1;
  return std::stoi(m.message());
}

// Sends `bytes` from another thread, so the test can read at the same time. Joined on scope exit;
// a failed assertion first shuts the connection down so that a blocked send returns.
class Sender {
 public:
  Sender(FakeSpectrum& spectrum, std::function<void()> work) : spectrum_(spectrum) {
    thread_ = std::thread([work = std::move(work), this] {
      try {
        work();
      } catch (...) {  // the bridge went away: the test's assertions say whether that was expected
      }
      done_ = true;
    });
  }
  ~Sender() {
    if (!done_) spectrum_.shutdown();
    thread_.join();
  }
  bool done() const { return done_; }

 private:
  FakeSpectrum& spectrum_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

class FaultTest : public BridgeFixture {};

TEST_F(FaultTest, ChildKilledMidStreamLosesNothingItHadWritten) {
  // tee writes each chunk to its stdout before it appends it to the file, so every complete line in
  // the file had been written to the bridge when the child was killed.
  const std::string record = dir_ + "/written.jsonl";
  start("tee " + record, {"--json_backend.buffer_limit=65536"});
  Sender sender(spectrum_, [&] { spectrum_.send_bytes(numbered_frames(0, 200000)); });
  int expected = 0;
  for (; expected < 1000; ++expected) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f);
    ASSERT_EQ(number_of(*f), expected);
  }
  // Not reading makes the bridge stop reading the child: its last lines wait in the pipe.
  ASSERT_TRUE(wait_until([&] {
    return bridge_.stderr_text().find("pausing reads from the child") != std::string::npos;
  })) << bridge_.stderr_text();
  const auto kids = children_of(bridge_.pid());
  ASSERT_EQ(kids.size(), 1u);
  kill(kids[0], SIGKILL);
  while (auto f = spectrum_.read()) ASSERT_EQ(number_of(*f), expected++) << "in order, no gap, no duplicate";
  EXPECT_EQ(bridge_.wait(), 128 + SIGKILL) << bridge_.stderr_text();
  const std::string written = read_file(record);
  const std::string kMessageStart = R"({"type":"conv_message",)";
  int complete = 0;  // messages on complete lines the child wrote before it died
  for (size_t at = 0, end; (end = written.find('\n', at)) != std::string::npos; at = end + 1) {
    if (written.compare(at, kMessageStart.size(), kMessageStart) == 0) ++complete;
  }
  ASSERT_GT(complete, 1000);
  EXPECT_GE(expected, complete) << "every line the child had written reached Spectrum";
  EXPECT_LE(expected, complete + 1000) << "tee's stdout is at most one read chunk ahead of its file";
}

TEST_F(FaultTest, ChildClosingStdoutButStayingAliveKeepsTheBridgeServing) {
  const std::string record = dir_ + "/in.jsonl";
  start("sh -c 'exec 1>&-; exec cat > \"$0\"' " + record);
  expect_pong();
  spectrum_.send_bytes(numbered_frames(0, 100));
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  const auto lines = child_lines(record);
  ASSERT_EQ(lines.size(), 102u);  // hello, 100 messages, exit
  EXPECT_EQ(nlohmann::json::parse(lines[100])["message"], "99");
}

TEST_F(FaultTest, LineOverTheLimitIsRejectedAndValidLinesAfterItArrive) {
  const std::string script = dir_ + "/big.py";
  write_file(script,
             "import sys, json\n"
             "sys.stdout.write('{\"type\":\"connected\",\"user\":\"' + 'x' * 3000000 + '\"}\\n')\n"
             "for i in range(3):\n"
             "    sys.stdout.write(json.dumps({'type': 'connected', 'user': 'u%d' % i}) + '\\n')\n"
             "sys.stdout.flush()\n"
             "for line in sys.stdin:\n"
             "    if '\"bridge.error\"' in line:\n"
             "        e = json.loads(line)\n"
             "        sys.stdout.write(json.dumps({'type': 'connected', 'user': 'error %d %d' % (e['line_number'], "
             "len(e['line']))}) + '\\n')\n"
             "        sys.stdout.flush()\n");
  start(kPython + " " + script, {"--json_backend.max_message_size=1048576"});
  for (const std::string expected : {"u0", "u1", "u2", "error 1 1024"}) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f) << bridge_.stderr_text();
    pbnetwork::Connected c;
    ASSERT_TRUE(c.ParseFromString(f->payload()));
    EXPECT_EQ(c.user(), expected);
  }
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
}

TEST_F(FaultTest, ChildThatDoesNotReadKeepsMemoryBoundedAndGetsEverythingLater) {
  const std::string flag = dir_ + "/go";
  start(echo_once_flag_exists(dir_, flag), {"--json_backend.buffer_limit=1048576"});
  expect_pong();
  const long baseline = rss_kib(bridge_.pid());
  const int count = 100000;
  Sender sender(spectrum_, [&] { spectrum_.send_bytes(numbered_frames(0, count, std::string(40, '.'))); });
  // The bridge stops reading once 1 MiB is queued for the child; the sender then stalls.
  ASSERT_TRUE(wait_until([&] {
    return bridge_.stderr_text().find("pausing reads from Spectrum") != std::string::npos;
  })) << bridge_.stderr_text();
  usleep(300000);
  EXPECT_FALSE(sender.done()) << "7 MB cannot all be in flight with a 1 MiB limit";
  const long held = rss_kib(bridge_.pid());
  if (!kSanitized) {
    EXPECT_LT(held - baseline, 12 * 1024) << "baseline " << baseline << " KiB, held " << held;
  }
  write_file(flag, "");
  for (int i = 0; i < count; ++i) {
    auto f = spectrum_.read(30);
    ASSERT_TRUE(f) << i << bridge_.stderr_text();
    ASSERT_EQ(number_of(*f), i);
  }
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
  if (!kSanitized) RecordProperty("bridge_rss_growth_kib", std::to_string(held - baseline));
}

TEST_F(FaultTest, ChildSpewingWhileSpectrumDoesNotReadKeepsMemoryBounded) {
  const std::string script = dir_ + "/spew.py";
  write_file(script,
             "import sys, json\n"
             "line = json.dumps({'type': 'connected', 'user': 'x' * 1000}) + '\\n'\n"
             "for i in range(20000):\n"
             "    sys.stdout.write(line)\n"
             "sys.stdout.flush()\n"
             "sys.stdin.read()\n");
  start(kPython + " " + script, {"--json_backend.buffer_limit=1048576"});
  ASSERT_TRUE(
      wait_until([&] { return bridge_.stderr_text().find("pausing reads from the child") != std::string::npos; }));
  usleep(300000);
  const long held = rss_kib(bridge_.pid());
  if (!kSanitized) {
    EXPECT_LT(held, 24 * 1024) << "20 MB of output must not pile up in the bridge";
  }
  int got = 0;
  while (got < 20000) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f) << got;
    ++got;
  }
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
}

TEST_F(FaultTest, SpectrumClosingMidFrameEndsCleanly) {
  start("cat");
  expect_pong();
  const std::string frames = numbered_frames(0, 1);
  spectrum_.send_bytes(frames.substr(0, frames.size() / 2));
  usleep(50000);
  spectrum_.close_connection();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  EXPECT_NE(bridge_.stderr_text().find("in the middle of a frame"), std::string::npos);
}

TEST_F(FaultTest, HugeLengthPrefixIsSkippedWithoutMemoryGrowth) {
  start("cat");
  expect_pong();
  const long baseline = rss_kib(bridge_.pid());
  std::string junk("\xff\xff\xff\xff", 4);
  junk += std::string(8 << 20, 'j');
  spectrum_.send_bytes(junk);
  ASSERT_TRUE(wait_until([&] { return bridge_.stderr_text().find("exceeds max_message_size") != std::string::npos; }));
  if (!kSanitized) {
    EXPECT_LT(rss_kib(bridge_.pid()) - baseline, 4 * 1024);
  }
  spectrum_.close_connection();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
}

// Ten megabytes of frames with valid lengths (and a few over the limit) but random types and
// payloads, some not even a WrapperMessage, with numbered marker messages and PINGs in between.
TEST_F(FaultTest, TenMegabytesOfNoiseFramesKeepPingAnsweredAndValidFramesFlowing) {
  constexpr size_t kLimit = 16384;
  // Only the markers come back: the child echoes the lines that name the marker user.
  start("grep --line-buffered marker@noise", {"--json_backend.max_message_size=" + std::to_string(kLimit)});
  expect_pong();
  std::mt19937 rng(42);
  auto random_bytes = [&](size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng());
    return out;
  };
  // A PING, PONG or EXIT in the noise would change what the test counts or end the session.
  auto harmless = [](const std::string& body) {
    WrapperMessage w;
    if (!w.ParsePartialFromString(body) || !w.has_type()) return true;
    return w.type() != WrapperMessage::TYPE_PING && w.type() != WrapperMessage::TYPE_PONG &&
           w.type() != WrapperMessage::TYPE_EXIT;
  };
  std::string stream;
  int markers = 0;
  int pings = 0;
  while (stream.size() < (10u << 20)) {
    std::string body;
    do {
      const size_t length = rng() % 50 == 0 ? kLimit + 1 + rng() % 4096 : rng() % 8192;
      if (rng() % 2) {
        // A well-formed wrapper with a random type, known or not, and a garbage payload, encoded by
        // hand: protobuf's setter refuses a type outside the enum.
        body = wrapper_bytes(rng() % 256, random_bytes(length));
      } else {
        body = random_bytes(length);
      }
    } while (!harmless(body));
    append_frame(stream, body);
    if (rng() % 10 == 0) {
      pbnetwork::ConversationMessage m;
      m.set_username("marker@noise");
      m.set_buddyname("bob");
      m.set_message("marker " + std::to_string(markers++));
      const std::string payload = m.SerializeAsString();
      append_frame(stream, make_wrapper(WrapperMessage::TYPE_CONV_MESSAGE, &payload));
    }
    if (rng() % 20 == 0) {
      append_frame(stream, make_wrapper(WrapperMessage::TYPE_PING));
      ++pings;
    }
  }
  ASSERT_GT(markers, 200);
  ASSERT_GT(pings, 100);
  Sender sender(spectrum_, [&] { spectrum_.send_bytes(stream); });
  int got_markers = 0;
  int pongs = 0;
  while (got_markers < markers || pongs < pings) {
    auto f = spectrum_.read();
    ASSERT_TRUE(f) << got_markers << " of " << markers << " markers, " << pongs << " of " << pings << " PONGs\n"
                   << bridge_.stderr_text().substr(0, 2000);
    if (f->type() == WrapperMessage::TYPE_PONG) ++pongs;
    if (f->type() != WrapperMessage::TYPE_CONV_MESSAGE) continue;
    pbnetwork::ConversationMessage m;
    ASSERT_TRUE(m.ParseFromString(f->payload()));
    ASSERT_EQ(m.message(), "marker " + std::to_string(got_markers)) << "in order, none lost";
    ++got_markers;
  }
  expect_pong();
  spectrum_.close_connection();
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text().substr(0, 2000);
}

TEST_F(FaultTest, SigtermAndSigintDuringHeavyTrafficEndCleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    FakeSpectrum spectrum;
    BridgeProcess bridge;
    bridge.start({"--host", "127.0.0.1", "--port", std::to_string(spectrum.port()), "--child", "cat"});
    ASSERT_TRUE(spectrum.accept());
    std::atomic<bool> stop{false};
    Sender sender(spectrum, [&] {
      while (!stop) spectrum.send_bytes(numbered_frames(0, 1000));
    });
    int echoed = 0;
    while (echoed < 5000 && spectrum.read()) ++echoed;
    ASSERT_EQ(echoed, 5000);
    bridge.signal(sig);
    EXPECT_EQ(bridge.wait(), 0) << bridge.stderr_text();
    stop = true;
  }
}

TEST_F(FaultTest, ExitWhileTheChildIsMidLineStillDeliversTheLine) {
  const std::string script = dir_ + "/midline.py";
  write_file(script,
             "import sys\n"
             "sys.stdout.write('{\"type\":\"connected\",')\n"
             "sys.stdout.flush()\n"
             "open(sys.argv[1], 'w').close()\n"
             "sys.stdin.read()  # until the bridge closes stdin after EXIT\n"
             "sys.stdout.write('\"user\":\"late@x\"}\\n')\n");
  const std::string ready = dir_ + "/ready";
  start(kPython + " " + script + " " + ready, {"--json_backend.shutdown_timeout=60"});
  ASSERT_TRUE(wait_until([&] { return access(ready.c_str(), F_OK) == 0; })) << bridge_.stderr_text();
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  auto f = spectrum_.read_until(WrapperMessage::TYPE_CONNECTED);
  ASSERT_TRUE(f) << bridge_.stderr_text();
  pbnetwork::Connected c;
  ASSERT_TRUE(c.ParseFromString(f->payload()));
  EXPECT_EQ(c.user(), "late@x");
  EXPECT_EQ(bridge_.wait(), 0);
}

TEST_F(FaultTest, AMillionNumberedMessagesEachWayArriveCompleteAndInOrder) {
  const int count = kSanitized ? 200000 : 1000000;
  start("cat");
  Sender sender(spectrum_, [&] {
    for (int from = 0; from < count; from += 10000) spectrum_.send_bytes(numbered_frames(from, 10000));
  });
  for (int i = 0; i < count; ++i) {
    auto f = spectrum_.read(30);
    ASSERT_TRUE(f) << i;
    ASSERT_EQ(number_of(*f), i);
  }
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
}

// ---- security -----------------------------------------------------------------------------------

TEST_F(FaultTest, PasswordsNeverReachTheLogOrTheTrace) {
  const std::string trace = dir_ + "/trace.jsonl";
  start("cat", {"--log-level", "debug", "--trace", trace});
  pbnetwork::Login login;
  login.set_user("a@b");
  login.set_legacyname("a");
  login.set_password("hunter2-secret");
  spectrum_.send(WrapperMessage::TYPE_LOGIN, &login);
  pbnetwork::Room room;
  room.set_username("a@b");
  room.set_nickname("n");
  room.set_room("#r");
  room.set_password("room-secret");
  spectrum_.send(WrapperMessage::TYPE_JOIN_ROOM, &room);
  expect_pong();
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
  for (const std::string& text : {bridge_.stderr_text(), read_file(trace)}) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("room-secret"), std::string::npos) << text;
  }
  EXPECT_NE(read_file(trace).find("\"password\":\"***\""), std::string::npos);
}

TEST_F(FaultTest, BridgeOpensNoListeningSocket) {
  start("cat");
  expect_pong();
  std::set<std::string> inodes;
  const std::string fd_dir = "/proc/" + std::to_string(bridge_.pid()) + "/fd";
  DIR* d = opendir(fd_dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    char target[256] = {};
    if (readlink((fd_dir + "/" + e->d_name).c_str(), target, sizeof target - 1) > 0 &&
        std::string(target).rfind("socket:[", 0) == 0)
      inodes.insert(std::string(target).substr(8, std::string(target).size() - 9));
  }
  closedir(d);
  int tcp = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      fields >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (!inodes.count(inode)) continue;
      ++tcp;
      EXPECT_NE(state, "0A") << "TCP socket " << inode << " is listening";
    }
  }
  EXPECT_EQ(tcp, 1) << "one TCP socket: the connection to Spectrum";
  std::ifstream unix_sockets("/proc/net/unix");
  std::string line;
  std::getline(unix_sockets, line);
  while (std::getline(unix_sockets, line)) {  // the child's pipes are socket pairs: none may listen
    std::istringstream fields(line);
    std::string num, refs, protocol, flags, type, state, inode;
    fields >> num >> refs >> protocol >> flags >> type >> state >> inode;
    if (inodes.count(inode)) {
      EXPECT_EQ(flags, "00000000") << "unix socket " << inode << " is listening";
    }
  }
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
}

TEST_F(FaultTest, ChildCommandIsNotRunThroughAShell) {
  const std::string out = dir_ + "/args";
  start("sh -c 'printf \"%s|\" \"$@\" > \"$0\"' " + out + " $HOME `id` ;ls >x");
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0);
  EXPECT_EQ(read_file(out), "$HOME|`id`|;ls|>x|");
}

}  // namespace
}  // namespace s2j::testing
