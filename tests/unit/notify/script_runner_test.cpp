// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify/script_runner.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/unique_fd.hpp"

namespace xvrrp::notify {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Drives the runner like xvrrpd does: SIGCHLD blocked and read from a signalfd, the poll
// timeout taken from next_deadline_ns(). Returns false if scripts are still running at `limit`.
bool run_event_loop(ScriptRunner& runner, std::chrono::milliseconds limit) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  UniqueFd sfd(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  EXPECT_TRUE(sfd.valid());
  const int64_t end = monotonic_now_ns() + limit.count() * 1'000'000;
  // A child may have exited before the signalfd existed; its SIGCHLD is pending, so the
  // first poll sees it anyway.
  while (runner.running() > 0) {
    int64_t now = monotonic_now_ns();
    if (now >= end) return false;
    int64_t wake = std::min(end, runner.next_deadline_ns());
    int timeout_ms = static_cast<int>(std::max<int64_t>(0, (wake - now + 999'999) / 1'000'000));
    pollfd pfd{sfd.get(), POLLIN, 0};
    int n = poll(&pfd, 1, timeout_ms);
    if (n > 0) {
      signalfd_siginfo info;
      while (read(sfd.get(), &info, sizeof info) == sizeof info) {
      }
      runner.on_sigchld();
    }
    runner.on_timer(monotonic_now_ns());
  }
  return true;
}

class ScriptRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, &old_mask_), 0);
    dir_ = fs::temp_directory_path() /
           ("xvrrp-notify-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  sigset_t old_mask_;
  fs::path dir_;
};

TEST(ScriptRunnerStatic, ShellQuoting) {
  EXPECT_EQ(ScriptRunner::shell_quote("abc"), "'abc'");
  EXPECT_EQ(ScriptRunner::shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(ScriptRunner::shell_quote(""), "''");
  EXPECT_EQ(ScriptRunner::build_command("/bin/x.sh --opt", {"a b", "$HOME"}),
            "/bin/x.sh --opt 'a b' '$HOME'");
}

TEST(ScriptRunnerStatic, KeepalivedNotifyArgs) {
  auto args = notify_args("service-100", "MASTER", 100);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0], "INSTANCE");
  EXPECT_EQ(args[1], "service-100");
  EXPECT_EQ(args[2], "MASTER");
  EXPECT_EQ(args[3], "100");
}

TEST_F(ScriptRunnerTest, ScriptRunsWithArgumentsAndSideEffectAppears) {
  fs::path script = dir_ / "notify.sh";
  fs::path out = dir_ / "out";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\n"
         "printf '%s|' \"$@\" > '"
      << out.string()
      << "'\n"
         "read line || echo stdin-empty >> '"
      << out.string() << "'\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  ScriptRunner runner(5s);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  pid_t pid = runner.run(script.string(), notify_args("it's service-100", "BACKUP", 50));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(slurp(out), "INSTANCE|it's service-100|BACKUP|50|stdin-empty\n");
  EXPECT_EQ(exit_seen.pid, pid);
  EXPECT_EQ(exit_seen.exit_code, 0);
  EXPECT_FALSE(exit_seen.timed_out);
}

TEST_F(ScriptRunnerTest, RunReturnsImmediately) {
  ScriptRunner runner(5s);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_GT(runner.run("sleep 1"), 0);
  auto spent = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(spent, 100ms) << "run() must not wait for the script";
  EXPECT_EQ(runner.running(), 1u);
  EXPECT_NE(runner.next_deadline_ns(), INT64_MAX);
  runner.on_sigchld();  // nothing finished yet: must not block
  EXPECT_EQ(runner.running(), 1u);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(runner.next_deadline_ns(), INT64_MAX);
}

TEST_F(ScriptRunnerTest, HungScriptIsKilledAfterTimeoutWithItsChildren) {
  fs::path pidfile = dir_ / "sleep.pid";
  ScriptRunner runner(300ms);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ::testing::internal::CaptureStderr();
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_GT(runner.run("sleep 60 & echo $! > '" + pidfile.string() + "'; wait"), 0);
  bool finished = run_event_loop(runner, 5s);
  auto spent = std::chrono::steady_clock::now() - t0;
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(finished) << log;
  EXPECT_GE(spent, 300ms);
  EXPECT_LT(spent, 2s);
  EXPECT_TRUE(exit_seen.timed_out);
  EXPECT_EQ(exit_seen.signal, SIGTERM);
  EXPECT_NE(log.find("timed out after 300 ms, killed"), std::string::npos) << log;
  // The grandchild (sleep) was in the script's process group and got SIGTERM too.
  pid_t sleep_pid = std::atoi(slurp(pidfile).c_str());
  ASSERT_GT(sleep_pid, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::string stat = slurp("/proc/" + std::to_string(sleep_pid) + "/stat");
    gone = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!gone) usleep(20'000);
  }
  EXPECT_TRUE(gone) << "sleep " << sleep_pid << " survived its script's timeout";
}

TEST_F(ScriptRunnerTest, ScriptIgnoringSigtermGetsSigkill) {
  ScriptRunner runner(200ms, 200ms);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ::testing::internal::CaptureStderr();
  ASSERT_GT(runner.run("trap '' TERM; while :; do sleep 0.05; done"), 0);
  bool finished = run_event_loop(runner, 5s);
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(finished) << log;
  EXPECT_TRUE(exit_seen.timed_out);
  EXPECT_EQ(exit_seen.signal, SIGKILL);
  EXPECT_NE(log.find("ignored SIGTERM, killed (SIGKILL)"), std::string::npos) << log;
  EXPECT_GE(exit_seen.runtime_ns, 400'000'000);
}

TEST_F(ScriptRunnerTest, NonZeroExitIsLogged) {
  ScriptRunner runner(5s);
  std::vector<ScriptExit> exits;
  runner.set_exit_callback([&](const ScriptExit& e) { exits.push_back(e); });
  ::testing::internal::CaptureStderr();
  ASSERT_GT(runner.run("exit 3"), 0);
  ASSERT_GT(runner.run("true"), 0);
  ASSERT_GT(runner.run("kill -USR1 $$"), 0);
  bool finished = run_event_loop(runner, 5s);
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(finished) << log;
  ASSERT_EQ(exits.size(), 3u);
  EXPECT_NE(log.find("script exit 3 exited with status 3"), std::string::npos) << log;
  EXPECT_EQ(log.find("script true"), std::string::npos) << "a zero exit is not worth a warning";
  EXPECT_NE(log.find("killed by signal " + std::to_string(SIGUSR1)), std::string::npos) << log;
}

TEST_F(ScriptRunnerTest, MissingScriptReportsShellStatus127) {
  ScriptRunner runner(5s);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ::testing::internal::CaptureStderr();
  ASSERT_GT(runner.run((dir_ / "does-not-exist.sh").string(), {"x"}), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(exit_seen.exit_code, 127);
  EXPECT_NE(log.find("exited with status 127"), std::string::npos) << log;
}

TEST_F(ScriptRunnerTest, EmptyCommandIsIgnored) {
  ScriptRunner runner(5s);
  EXPECT_EQ(runner.run(""), -1);
  EXPECT_EQ(runner.running(), 0u);
}

}  // namespace
}  // namespace xvrrp::notify
