// launch_tied_to_this_process, find_launcher and both launchers (spectrum2_json_launcher, and a
// program's own executable through run_launcher_if_asked): the launcher execs the command under the
// PID the spawn reported, the command dies with its parent even when the parent is SIGKILLed, and a
// launcher that cannot run the command says so. The parent is io_launcher_helper, since the fallback
// launcher is the running program's own executable.
#include "io/parent_death.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "io/child_process.h"
#include "io/executable_path.h"
#include "io/loop.h"
#include "io/timer.h"
#include "io_test_support.h"

namespace s2j {
namespace {

using io_test::LoopCheck;

constexpr const char* kHelper = S2J_LAUNCHER_HELPER;
constexpr const char* kLauncherProgram = S2J_LAUNCHER_PROGRAM;
// Well within the loop's guard, and far longer than the kernel needs to deliver a signal.
constexpr double kOutlivedSeconds = 20;

struct Exit {
  int calls = 0;
  int64_t status = -1;
  int signal = -1;
};

std::string first_line(const std::string& file) {
  std::string line;
  std::getline(std::ifstream(file), line);
  return line;
}

// A field of /proc/PID/status, such as "PPid".
std::string status_field(int pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.compare(0, name.size() + 1, name + ":") == 0)
      return line.substr(line.find_first_not_of(" \t", name.size() + 1));
  return "";
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// io_launcher_helper tying `sleep 3600` to itself through `launcher` (a launcher program, or
// kSelfLauncher: the helper's own executable), and the end of that sleep, watched through a pidfd (it
// is not this process's child: nothing else would report its end).
class TiedSleep {
 public:
  TiedSleep(Loop& loop, const std::string& launcher) : loop_(loop), launcher_(launcher) {}
  TiedSleep(const TiedSleep&) = delete;
  TiedSleep& operator=(const TiedSleep&) = delete;

  // Whatever a failed test left running goes now; the sleep with the helper, should the tie hold.
  ~TiedSleep() {
    if (pidfd_ >= 0) {
      if (ends_ == 0) syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
      ::close(pidfd_);
    }
    if (helper.running()) helper.kill(SIGKILL);
  }

  // `on_running` gets the sleep's pid once the sleep runs (the launcher has exec'd it).
  int start(std::function<void(int pid)> on_running) {
    on_running_ = std::move(on_running);
    std::vector<std::string> argv = {kHelper, "tie", "sleep", "3600"};
    if (launcher_ != kSelfLauncher) argv.insert(argv.begin() + 2, {"--launcher", launcher_});
    const int status = helper.spawn(loop_.get(), argv, {}, [this](int64_t code, int sig) {
      ++helper_exit.calls;
      helper_exit.status = code;
      helper_exit.signal = sig;
    });
    if (status != 0) return status;
    return helper.out().start_reading(
        [this](std::string_view data) {
          said_ += data;
          if (pid_ != 0 || said_.find('\n') == std::string::npos) return;
          pid_ = std::stoi(said_);
          on_running_(pid_);
        },
        [this](int) { helper.out().close(); });
  }

  // Counts in ends() the sleep's end (gone or a zombie). Should it outlive kOutlivedSeconds, the test
  // fails and the sleep is killed.
  int watch_end() {
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) return -errno;
    int status = uv_poll_init(loop_.get(), &end_, pidfd_);
    if (status != 0) return status;
    polling_ = true;
    end_.data = this;
    status = uv_poll_start(&end_, UV_READABLE, [](uv_poll_t* poll, int status, int) {
      auto* self = static_cast<TiedSleep*>(poll->data);
      EXPECT_EQ(status, 0);
      ++self->ends_;
      self->stop_watching();
    });
    if (status == 0) status = deadline_.init(loop_.get());
    if (status == 0)
      status = deadline_.start(kOutlivedSeconds, [this] {
        ADD_FAILURE() << "sleep (pid " << pid_ << ") still runs " << kOutlivedSeconds << " s after its parent's end";
        outlived = true;
        syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);  // its end stops the watch
      });
    return status;
  }

  void close() {
    stop_watching();
    helper.close();
  }

  int pid() const { return pid_; }
  int ends() const { return ends_; }

  ChildProcess helper;
  Exit helper_exit;
  bool outlived = false;

 private:
  void stop_watching() {
    deadline_.close();
    if (polling_) uv_close(reinterpret_cast<uv_handle_t*>(&end_), nullptr);
    polling_ = false;
  }

  Loop& loop_;
  const std::string launcher_;
  std::string said_;
  int pid_ = 0;
  int pidfd_ = -1;
  uv_poll_t end_{};
  bool polling_ = false;
  int ends_ = 0;
  Timer deadline_;
  std::function<void(int)> on_running_;
};

TEST(ParentDeathTest, LauncherArgvNamesThisExecutableThisProcessAndTheCommand) {
  const std::vector<std::string> argv = launch_tied_to_this_process({"sleep", "1"}, "/usr/bin/sleep");
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_EQ(argv[0], "/proc/self/exe") << "the executable, even once its file is replaced";
  EXPECT_EQ(argv[1].compare(0, 2, "--"), 0) << "a flag no one would pass by chance";
  EXPECT_EQ(argv[2], std::to_string(getpid()));
  EXPECT_EQ(argv[3], "/usr/bin/sleep");
  EXPECT_EQ(argv[4], "sleep");
  EXPECT_EQ(argv[5], "1");
}

TEST(ParentDeathTest, OrdinaryCommandLinesAreLeftAlone) {
  // Taken for a launcher's, any of these would end this process or replace it.
  const std::string flag = launch_tied_to_this_process({"true"}, "/bin/true")[1];
  const std::string pid = std::to_string(getpid());
  const std::vector<std::vector<std::string>> lines = {
      {"program"},
      {"program", "--config", pid, "/bin/true", "true"},
      {"program", flag, pid, "/bin/true"},  // no command
  };
  for (const std::vector<std::string>& line : lines) {
    std::vector<char*> argv;
    for (const std::string& arg : line) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    run_launcher_if_asked(static_cast<int>(line.size()), argv.data());
  }
}

TEST(ParentDeathTest, LauncherArgvNamesTheLauncherProgramGiven) {
  const std::vector<std::string> argv =
      launch_tied_to_this_process({"sleep", "1"}, "/usr/bin/sleep", "/usr/libexec/x/spectrum2_json_launcher");
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_EQ(argv[0], "/usr/libexec/x/spectrum2_json_launcher");
  EXPECT_EQ(argv[1], launch_tied_to_this_process({"true"}, "/bin/true")[1]) << "the same flag for both launchers";
  EXPECT_EQ(argv[2], std::to_string(getpid()));
}

// A tree of files: `executable` ones get mode 0755, the rest 0644.
class FindLauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/s2j-io-launcher-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    bridge_ = dir_ + "/bin/spectrum2_json_backend";
    place(bridge_, true);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void place(const std::string& path, bool executable) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << "#!/bin/sh\n";
    chmod(path.c_str(), executable ? 0755 : 0644);
  }
  std::string find() const { return find_launcher(bridge_, {".", "../libexec/s2j"}); }

  std::string dir_;
  std::string bridge_;
};

TEST_F(FindLauncherTest, FindsTheLauncherBesideTheProgram) {
  place(dir_ + "/bin/spectrum2_json_launcher", true);
  place(dir_ + "/libexec/s2j/spectrum2_json_launcher", true);
  EXPECT_EQ(find(), dir_ + "/bin/spectrum2_json_launcher") << "the first directory that has one";
}

TEST_F(FindLauncherTest, FindsTheLauncherInADirectoryRelativeToTheProgram) {
  place(dir_ + "/libexec/s2j/spectrum2_json_launcher", true);
  EXPECT_EQ(find(), dir_ + "/libexec/s2j/spectrum2_json_launcher") << "a clean path, without ..";
}

TEST_F(FindLauncherTest, SkipsWhatIsNotAnExecutableFile) {
  place(dir_ + "/bin/spectrum2_json_launcher", false);
  std::filesystem::create_directories(dir_ + "/libexec/s2j/spectrum2_json_launcher");
  EXPECT_EQ(find(), "");
}

TEST_F(FindLauncherTest, FindsNothingWithoutALauncherOrAProgramPath) {
  EXPECT_EQ(find(), "");
  place(dir_ + "/bin/spectrum2_json_launcher", true);
  EXPECT_EQ(find_launcher("", {"."}), "") << "/proc did not name the program";
  EXPECT_EQ(find_launcher("spectrum2_json_backend", {"."}), "") << "not relative to the working directory";
}

TEST(ParentDeathTest, ThisExecutableIsTheRunningProgram) {
  EXPECT_TRUE(same_file(this_executable(), "/proc/self/exe")) << this_executable();
  EXPECT_EQ(this_executable().front(), '/');
}

// Runs `argv` (from launch_tied_to_this_process) as if started by this process, the helper standing in
// for this executable, stdout and stderr read together.
void run_launcher(Loop& loop, ChildProcess& child, std::vector<std::string> argv, std::string& output, Exit& exit) {
  if (argv[0] == kSelfLauncher) argv[0] = kHelper;
  argv.insert(argv.begin(), {"sh", "-c", "exec \"$@\" 2>&1", "sh"});  // exec: the launcher's parent is this process
  ASSERT_EQ(child.spawn(loop.get(), argv, {},
                        [&exit](int64_t status, int signal) {
                          ++exit.calls;
                          exit.status = status;
                          exit.signal = signal;
                        }),
            0);
  ASSERT_EQ(child.out().start_reading([&output](std::string_view data) { output += data; },
                                      [&child](int) { child.out().close(); }),
            0);
}

TEST(ParentDeathTest, TheLauncherProgramRefusesOtherArgumentsWithUsageAnd127) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  std::string output;
  Exit exit;
  run_launcher(loop, child, {kLauncherProgram, "--help"}, output, exit);
  loop.run();
  child.close();
  EXPECT_EQ(output.rfind("usage: spectrum2_json_launcher --launch-tied-to-parent PARENT_PID PATH ARGV0", 0), 0u)
      << output;
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 127);
}

// Each test runs with both launchers: the launcher program, and the fallback (the parent's own
// executable in launcher mode).
class LauncherTest : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string& launcher() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Launchers, LauncherTest, ::testing::Values(kLauncherProgram, kSelfLauncher),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == kSelfLauncher ? std::string("OwnExecutable")
                                                              : std::string("LauncherProgram");
                         });

TEST_P(LauncherTest, CommandRunsUnderTheSpawnedPidAsTheParentsChild) {
  std::string sleep_path;
  ASSERT_EQ(find_executable("sleep", sleep_path), 0);
  Loop loop;
  TiedSleep tied(loop, launcher());
  LoopCheck check(loop);
  std::string comm, ppid;
  bool is_sleep = false;
  ASSERT_EQ(tied.start([&](int pid) {
    const std::string proc = "/proc/" + std::to_string(pid);
    comm = first_line(proc + "/comm");
    ppid = status_field(pid, "PPid");
    is_sleep = same_file(proc + "/exe", sleep_path);
    EXPECT_EQ(tied.watch_end(), 0);
    EXPECT_EQ(tied.helper.kill(SIGTERM), 0);  // any end of the parent takes the command along
  }),
            0);
  loop.run();
  tied.close();
  EXPECT_GT(tied.pid(), 0) << "the helper never said the sleep runs";
  EXPECT_EQ(comm, "sleep");
  EXPECT_TRUE(is_sleep) << "/proc/" << tied.pid() << "/exe is not " << sleep_path;
  EXPECT_EQ(ppid, std::to_string(tied.helper.pid())) << "the helper's child, not the launcher's";
  EXPECT_EQ(tied.ends(), 1);
  EXPECT_FALSE(tied.outlived);
  EXPECT_EQ(tied.helper_exit.signal, SIGTERM);
}

TEST_P(LauncherTest, SigkilledParentTakesTheCommandAlong) {
  Loop loop;
  TiedSleep tied(loop, launcher());
  LoopCheck check(loop);
  ASSERT_EQ(tied.start([&](int) {
    EXPECT_EQ(tied.watch_end(), 0);
    EXPECT_EQ(tied.helper.kill(SIGKILL), 0);  // no chance to clean up: only the kernel can act
  }),
            0);
  loop.run();
  tied.close();
  EXPECT_GT(tied.pid(), 0) << "the helper never said the sleep runs";
  EXPECT_EQ(tied.helper_exit.calls, 1);
  EXPECT_EQ(tied.helper_exit.signal, SIGKILL);
  EXPECT_EQ(tied.ends(), 1);
  EXPECT_FALSE(tied.outlived) << "the command outlived its SIGKILLed parent";
}

TEST_P(LauncherTest, LauncherRunsTheCommandWithItsArguments) {
  std::string sh_path;
  ASSERT_EQ(find_executable("sh", sh_path), 0);
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  std::string output;
  Exit exit;
  run_launcher(loop, child,
               launch_tied_to_this_process({"renamed", "-c", "printf '%s|%s' \"$0\" \"$1\"", "zero", "one"}, sh_path,
                                           launcher()),
               output, exit);
  loop.run();
  child.close();
  EXPECT_EQ(output, "zero|one");
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 0);
  EXPECT_EQ(exit.signal, 0);
}

TEST_P(LauncherTest, LauncherThatCannotStartTheCommandSaysSoAndExits127) {
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  std::string output;
  Exit exit;
  run_launcher(loop, child, launch_tied_to_this_process({"missing"}, "/nonexistent/s2j-io-test", launcher()), output,
               exit);
  loop.run();
  child.close();
  EXPECT_NE(output.find("cannot start child '/nonexistent/s2j-io-test'"), std::string::npos) << output;
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 127);
  EXPECT_EQ(exit.signal, 0);
}

TEST_P(LauncherTest, LauncherWhoseParentIsGoneRunsNothing) {
  std::string sh_path;
  ASSERT_EQ(find_executable("sh", sh_path), 0);
  Loop loop;
  ChildProcess child;
  LoopCheck check(loop);
  std::string output;
  Exit exit;
  std::vector<std::string> argv = launch_tied_to_this_process({"sh", "-c", "echo ran"}, sh_path, launcher());
  argv[2] = "1";  // not its parent: the parent named died before the tie took effect
  run_launcher(loop, child, argv, output, exit);
  loop.run();
  child.close();
  EXPECT_EQ(output, "");
  EXPECT_EQ(exit.calls, 1);
  EXPECT_EQ(exit.status, 128 + SIGKILL) << "as if the tie had killed it";
}

}  // namespace
}  // namespace s2j
