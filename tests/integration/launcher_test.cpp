// Which launcher starts the child (io/parent_death.h): spectrum2_json_launcher beside the bridge (a
// build tree, or both programs copied together) or where the install puts it relative to the bridge;
// without one, the bridge's own executable. Whichever it is, the child dies with a SIGKILLed bridge.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "fake_spectrum.h"
#include "protocol.pb.h"

namespace s2j::testing {
namespace {

using pbnetwork::WrapperMessage;

const std::string kLauncher = S2J_LAUNCHER_BINARY;

class LauncherTest : public BridgeFixture {
 protected:
  // The bridge binary in DIR/bin, as if installed or copied there (a hard link where it can be: its
  // /proc/PID/exe names the link).
  std::string place_bridge() {
    std::filesystem::create_directories(dir_ + "/bin");
    const std::string bridge = dir_ + "/bin/spectrum2_json_backend";
    std::error_code ec;
    std::filesystem::create_hard_link(S2J_BRIDGE_BINARY, bridge, ec);
    if (ec) std::filesystem::copy_file(S2J_BRIDGE_BINARY, bridge);
    return bridge;
  }
  // A launcher at `path` that notes its arguments, one a line, and then is the real one.
  void place_noting_launcher(const std::string& path) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file(path, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + note() + "'\nexec '" + kLauncher + "' \"$@\"\n", true);
  }
  // Starts `bridge` with debug logging and `mode` ({"--child", …} or {"--tap", …}), accepts it.
  void start_at(const std::string& bridge, const std::vector<std::string>& mode) {
    std::vector<std::string> argv = {bridge,        "--host", "127.0.0.1", "--port", std::to_string(spectrum_.port()),
                                     "--log-level", "debug"};
    argv.insert(argv.end(), mode.begin(), mode.end());
    bridge_.start_command(argv);
    ASSERT_TRUE(spectrum_.accept()) << bridge_.stderr_text();
  }
  // What the noting launcher was given, after the program's name.
  std::string noted() { return read_file(note()); }
  std::string tied_argv(const std::string& path, const std::string& command) {
    return "--launch-tied-to-parent\n" + std::to_string(bridge_.pid()) + "\n" + path + "\n" + command;
  }
  // SIGKILLs the bridge: the child must end with it.
  void expect_child_dies_with_bridge(pid_t child) {
    bridge_.signal(SIGKILL);
    EXPECT_EQ(bridge_.wait(), 128 + SIGKILL);
    EXPECT_TRUE(wait_until([&] { return process_gone(child); })) << "child " << child << " outlived the bridge";
    if (!process_gone(child)) kill(child, SIGKILL);
  }

  std::string note() const { return dir_ + "/noted"; }

  // The bridge's log holds `text`.
  void expect_logged(const std::string& text) {
    EXPECT_NE(bridge_.stderr_text().find(text), std::string::npos) << bridge_.stderr_text();
  }
};

TEST_F(LauncherTest, TheBuildTreesLauncherBesideTheBridgeStartsTheChild) {
  start("sleep 3600", {"--log-level", "debug"});
  const pid_t child = child_running("sleep");
  ASSERT_NE(child, 0) << bridge_.stderr_text();
  expect_logged("debug: children start through " + std::filesystem::canonical(kLauncher).string() + "\n");
  expect_child_dies_with_bridge(child);
}

TEST_F(LauncherTest, ALauncherCopiedBesideTheBridgeIsUsed) {
  const std::string bridge = place_bridge();
  place_noting_launcher(dir_ + "/bin/spectrum2_json_launcher");
  start_at(bridge, {"--child", "/bin/sleep 3600"});
  const pid_t child = child_running("sleep");
  ASSERT_NE(child, 0) << bridge_.stderr_text();
  EXPECT_EQ(noted(), tied_argv("/bin/sleep", "/bin/sleep\n3600\n")) << bridge_.stderr_text();
  expect_logged("debug: children start through " + dir_ + "/bin/spectrum2_json_launcher\n");
  expect_child_dies_with_bridge(child);
}

TEST_F(LauncherTest, TheInstalledLauncherIsFoundRelativeToTheBridge) {
  const std::string bridge = place_bridge();
  const std::string launcher =
      std::filesystem::path(dir_ + "/bin/" S2J_LAUNCHER_DIR "/spectrum2_json_launcher").lexically_normal().string();
  place_noting_launcher(launcher);
  start_at(bridge, {"--child", "/bin/cat"});
  expect_pong();
  const std::string expected = tied_argv("/bin/cat", "/bin/cat\n");
  spectrum_.send(WrapperMessage::TYPE_EXIT);
  EXPECT_EQ(bridge_.wait(), 0) << bridge_.stderr_text();
  EXPECT_EQ(noted(), expected) << bridge_.stderr_text();
  expect_logged("debug: children start through " + launcher + "\n");
}

TEST_F(LauncherTest, WithoutALauncherTheBridgeItselfStartsTheChildTiedToIt) {
  const std::string bridge = place_bridge();
  start_at(bridge, {"--child", "sleep 3600"});
  const pid_t child = child_running("sleep");
  ASSERT_NE(child, 0) << bridge_.stderr_text();
  expect_logged("debug: no spectrum2_json_launcher next to '" + bridge +
                "' or in its " S2J_LAUNCHER_DIR "; children start through this executable");
  expect_child_dies_with_bridge(child);
}

TEST_F(LauncherTest, TapModeStartsTheNativeBackendThroughTheLauncher) {
  const std::string bridge = place_bridge();
  place_noting_launcher(dir_ + "/bin/spectrum2_json_launcher");
  // A backend that never connects: started is all this test needs.
  start_at(bridge, {"--service.backend_id=3", "--tap", "/bin/sh -c 'exec sleep 3600'"});
  const pid_t backend = child_running("sleep");
  ASSERT_NE(backend, 0) << bridge_.stderr_text();
  EXPECT_EQ(noted().rfind(tied_argv("/bin/sh", "/bin/sh\n-c\nexec sleep 3600\n--host\n127.0.0.1\n--port\n"), 0), 0u)
      << noted();
  expect_child_dies_with_bridge(backend);
}

}  // namespace
}  // namespace s2j::testing
