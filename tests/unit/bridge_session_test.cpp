// The message layer and the lifecycle together, bytes in and out, with a fake clock.
#include "core/bridge_session.h"

#include <gtest/gtest.h>

#include <csignal>

#include "core/json_translator.h"
#include "protocol.pb.h"

namespace s2j {
namespace {

using Kind = LifecycleAction::Kind;
using pbnetwork::WrapperMessage;

std::string frame_of(int type) {
  std::string out;
  append_frame(out, make_wrapper(type));
  return out;
}

class BridgeSessionTest : public ::testing::Test {
 protected:
  BridgeSessionTest()
      : log_(LogLevel::kDebug, [this](LogLevel, std::string_view m) { logs_ += std::string(m) + "\n"; }) {}

  BridgeSession& running(LifecycleSettings settings = {}) {
    BridgeSettings bridge;
    bridge.pid = "4242";
    bridge.backend_config = "[registration]\nneedPassword=1\nneedRegistration=0\n";
    session_ = std::make_unique<BridgeSession>(bridge, settings, log_, nullptr, [](int child_pid) {
      return MemoryStats{child_pid == 42 ? 3000 : 0, 10};
    });
    session_->start(0);
    session_->on_connected(0, "127.0.0.1:1", "", 0);
    session_->on_child_started(0, 42, "child", "", 0);
    return *session_;
  }
  bool has(const std::vector<LifecycleAction>& actions, Kind kind) {
    for (const LifecycleAction& a : actions)
      if (a.kind == kind) return true;
    return false;
  }

  std::string logs_;
  Logger log_;
  std::unique_ptr<BridgeSession> session_;
};

TEST_F(BridgeSessionTest, TheChildIsGreetedThenPingedAndThePingIsNotTheShellsBusiness) {
  BridgeSession& s = running();
  const auto actions = s.take_actions();
  EXPECT_TRUE(has(actions, Kind::kStartBridge));
  EXPECT_FALSE(has(actions, Kind::kSendChildPing)) << "done inside";
  const std::string to_child = std::exchange(s.child_output(), {});
  EXPECT_EQ(to_child.rfind("{\"type\":\"bridge.hello\"", 0), 0u) << to_child;
  EXPECT_NE(to_child.find("\n{\"type\":\"bridge.ping\",\"id\":\"1\"}\n"), std::string::npos) << to_child;
  EXPECT_FALSE(s.spectrum_output().empty()) << "BACKEND_CONFIG";
}

TEST_F(BridgeSessionTest, PongLinesFromTheChildKeepItFromBeingJudgedHung) {
  LifecycleSettings settings;
  settings.child_ping_timeout = 6;
  BridgeSession& s = running(settings);
  s.take_actions();
  s.on_child_data("{\"type\":\"bridge.pong\",\"id\":\"1\"}\n", 1);
  for (int id = 2; id <= 10; ++id) {
    s.on_time(2.0 * (id - 1));
    s.on_child_data("{\"type\":\"bridge.pong\",\"id\":\"" + std::to_string(id) + "\"}\n", 2.0 * (id - 1) + 0.5);
    s.on_spectrum_data(frame_of(WrapperMessage::TYPE_PING), 2.0 * (id - 1));
  }
  EXPECT_EQ(s.phase(), Lifecycle::Phase::kRunning);
  EXPECT_FALSE(has(s.take_actions(), Kind::kCloseSpectrum));
  s.on_time(20);  // ping 11, never answered
  s.on_time(25.9);
  EXPECT_FALSE(has(s.take_actions(), Kind::kCloseSpectrum));
  s.on_time(26);
  EXPECT_TRUE(has(s.take_actions(), Kind::kCloseSpectrum));
  EXPECT_NE(logs_.find("it is hung"), std::string::npos);
}

TEST_F(BridgeSessionTest, ExitFromSpectrumReachesTheChildThenClosesItsInput) {
  BridgeSession& s = running();
  s.take_actions();
  s.child_output().clear();
  s.on_spectrum_data(frame_of(WrapperMessage::TYPE_EXIT), 1);
  EXPECT_EQ(s.child_output(), "{\"type\":\"exit\"}\n");
  EXPECT_TRUE(has(s.take_actions(), Kind::kCloseChildInput));
}

TEST_F(BridgeSessionTest, PingIsAnsweredWithTheTreesMemoryAndRestartsTheWatchdog) {
  LifecycleSettings settings;
  settings.child_ping_timeout = 0;
  BridgeSession& s = running(settings);
  s.take_actions();
  s.spectrum_output().clear();
  s.on_spectrum_data(frame_of(WrapperMessage::TYPE_PING), 50);
  EXPECT_DOUBLE_EQ(*s.next_deadline(), 110);
  const std::string out = s.spectrum_output();
  EXPECT_EQ(out.substr(0, 6), std::string("\x00\x00\x00\x02\x08\x0a", 6));
  Wrapper stats;
  ASSERT_EQ(parse_wrapper(out.substr(10), stats), "");
  pbnetwork::Stats st;
  ASSERT_TRUE(st.ParseFromString(stats.payload));
  EXPECT_EQ(st.res(), 3000) << "the probe was asked about the child's pid";
  EXPECT_EQ(st.id(), "4242");
}

}  // namespace
}  // namespace s2j
