// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify/script_runner.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "common/clock.hpp"
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
  const int64_t end = clock::monotonic_ns() + limit.count() * 1'000'000;
  // A child may have exited before the signalfd existed; its SIGCHLD is pending, so the
  // first poll sees it anyway.
  while (runner.running() > 0) {
    int64_t now = clock::monotonic_ns();
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
    runner.on_timer(clock::monotonic_ns());
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
  ScriptId id = runner.run(script.string(), notify_args("it's service-100", "BACKUP", 50));
  ASSERT_GT(id, 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(slurp(out), "INSTANCE|it's service-100|BACKUP|50|stdin-empty\n");
  EXPECT_EQ(exit_seen.id, id);
  EXPECT_GT(exit_seen.pid, 0);
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

TEST_F(ScriptRunnerTest, ZeroTimeoutMeansNone) {
  ScriptSettings s;
  s.timeout = 0ms;
  ScriptRunner runner(s);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ASSERT_GT(runner.run("sleep 0.3"), 0);
  EXPECT_EQ(runner.next_deadline_ns(), INT64_MAX);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_FALSE(exit_seen.timed_out);
  EXPECT_TRUE(exit_seen.ok());
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

// The /proc/PID/stat field `n` (1-based, after the command name in parentheses).
std::string stat_field(const std::string& stat, int n) {
  std::size_t pos = stat.rfind(')');
  if (pos == std::string::npos) return {};
  std::istringstream rest(stat.substr(pos + 2));
  std::string field;
  for (int i = 3; i <= n && rest >> field; ++i) {
  }
  return field;
}

TEST_F(ScriptRunnerTest, ScriptsAreChildrenOfALauncherThatHoldsNoOtherFd) {
  // An fd the "daemon" holds without O_CLOEXEC must not reach the launcher.
  UniqueFd leaked(open("/dev/null", O_RDONLY));
  ASSERT_TRUE(leaked.valid());
  ScriptRunner runner(5s);
  ASSERT_GT(runner.launcher_pid(), 0);
  EXPECT_NE(runner.launcher_pid(), getpid());
  fs::path out = dir_ / "ppid";
  ASSERT_GT(runner.run("echo $PPID > '" + out.string() + "'"), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(std::atoi(slurp(out).c_str()), runner.launcher_pid());
  std::vector<int> fds;
  for (const auto& e :
       fs::directory_iterator("/proc/" + std::to_string(runner.launcher_pid()) + "/fd"))
    fds.push_back(std::atoi(e.path().filename().c_str()));
  std::sort(fds.begin(), fds.end());
  // stdin, stdout, stderr, the socket and the launcher's own signalfd.
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(ScriptRunnerTest, CompletionCallbackCarriesTheCheckVerdict) {
  ScriptRunner runner(200ms, 200ms);
  std::map<std::string, ScriptExit> seen;
  auto record = [&](const std::string& name) {
    return [&seen, name](const ScriptExit& e) { seen[name] = e; };
  };
  ::testing::internal::CaptureStderr();
  ASSERT_GT(runner.run("exit 0", {}, record("ok")), 0);
  ASSERT_GT(runner.run("exit 2", {}, record("fail")), 0);
  ASSERT_GT(runner.run("sleep 5", {}, record("hang")), 0);
  ASSERT_GT(runner.run((dir_ / "missing").string(), {}, record("missing")), 0);
  bool finished = run_event_loop(runner, 5s);
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(finished) << log;
  ASSERT_EQ(seen.size(), 4u) << log;
  EXPECT_TRUE(seen["ok"].ok());
  EXPECT_FALSE(seen["fail"].ok());
  EXPECT_EQ(seen["fail"].exit_code, 2);
  EXPECT_FALSE(seen["hang"].ok());
  EXPECT_TRUE(seen["hang"].timed_out);
  EXPECT_FALSE(seen["missing"].ok());
}

TEST_F(ScriptRunnerTest, ScriptsRunSchedOtherUnderARealtimeDaemon) {
  sched_param fifo{};
  fifo.sched_priority = 1;
  if (sched_setscheduler(0, SCHED_FIFO, &fifo) != 0)
    GTEST_SKIP() << "SCHED_FIFO not permitted here (needs CAP_SYS_NICE)";
  struct Restore {
    ~Restore() {
      sched_param other{};
      sched_setscheduler(0, SCHED_OTHER, &other);
    }
  } restore;
  // Constructed while realtime: the launcher and its scripts still get SCHED_OTHER.
  ScriptRunner runner(5s);
  fs::path out = dir_ / "stat";
  ASSERT_GT(runner.run("cat /proc/self/stat > '" + out.string() + "'"), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(stat_field(slurp(out), 41), std::to_string(SCHED_OTHER)) << slurp(out);
  EXPECT_EQ(stat_field(slurp("/proc/" + std::to_string(runner.launcher_pid()) + "/stat"), 41),
            std::to_string(SCHED_OTHER));
}

TEST_F(ScriptRunnerTest, LauncherIgnoresSigtermFromTheServiceManager) {
  ScriptRunner runner(5s);
  ASSERT_EQ(kill(runner.launcher_pid(), SIGTERM), 0);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ASSERT_GT(runner.run("true"), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_TRUE(exit_seen.ok());
}

TEST_F(ScriptRunnerTest, ShutdownLetsAStopScriptFinish) {
  fs::path out = dir_ / "stopped";
  {
    ScriptRunner runner(5s);
    ASSERT_GT(runner.run("sleep 0.2; echo done > '" + out.string() + "'"), 0);
    // Destroyed at once, as the daemon does right after its notify_stop scripts start.
  }
  EXPECT_EQ(slurp(out), "done\n");
}

TEST_F(ScriptRunnerTest, ShutdownKillsAHungScriptAfterTheGrace) {
  fs::path pidfile = dir_ / "pid";
  ScriptSettings settings;
  settings.stop_grace = 100ms;
  settings.kill_grace = 100ms;
  pid_t launcher = -1;
  {
    ScriptRunner runner(settings);
    launcher = runner.launcher_pid();
    ASSERT_GT(runner.run("trap '' TERM; echo $$ > '" + pidfile.string() +
                         "'; while :; do sleep 0.05; done"),
              0);
    for (int i = 0; i < 200 && slurp(pidfile).empty(); ++i) usleep(10'000);
  }
  pid_t script = std::atoi(slurp(pidfile).c_str());
  ASSERT_GT(script, 0);
  EXPECT_NE(kill(script, 0), 0) << "the hung script survived the shutdown";
  EXPECT_NE(kill(launcher, 0), 0) << "the launcher survived the shutdown";
}

TEST(ScriptSecurity, RootOwnedSystemScriptIsSafe) {
  EXPECT_EQ(script_insecurity("/bin/sh -c true"), std::nullopt);
  EXPECT_EQ(script_insecurity("sh -c true"), std::nullopt) << "looked up in PATH";
}

TEST_F(ScriptRunnerTest, ScriptSecurityRefusesAScriptOthersCanWrite) {
  // Under /tmp (world-writable, sticky or not): keepalived refuses such a path.
  fs::path script = dir_ / "notify.sh";
  fs::path out = dir_ / "ran";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\necho ran > '" << out.string() << "'\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  std::optional<std::string> why = script_insecurity("'" + script.string() + "' arg");
  ASSERT_TRUE(why.has_value());
  ScriptSettings settings;
  settings.script_security = true;
  ScriptRunner runner(settings);
  ScriptExit exit_seen;
  runner.set_exit_callback([&](const ScriptExit& e) { exit_seen = e; });
  ::testing::internal::CaptureStderr();
  ASSERT_GT(runner.run(script.string()), 0);
  bool finished = run_event_loop(runner, 5s);
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(finished) << log;
  EXPECT_FALSE(exit_seen.ok());
  EXPECT_NE(exit_seen.error.find("enable_script_security"), std::string::npos) << exit_seen.error;
  EXPECT_NE(log.find("not run: refused by enable_script_security"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(out)) << "a refused script ran";
  // Without the option the same script runs.
  ScriptRunner permissive(5s);
  ASSERT_GT(permissive.run(script.string()), 0);
  ASSERT_TRUE(run_event_loop(permissive, 5s));
  EXPECT_EQ(slurp(out), "ran\n");
}

TEST_F(ScriptRunnerTest, ScriptUserRunsScriptsAsThatUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  ScriptSettings settings;
  settings.user = "nobody";
  ScriptRunner runner(settings);
  fs::path out = dir_ / "id";
  fs::permissions(dir_, fs::perms::all);  // nobody writes the result here
  ASSERT_GT(runner.run("id -u > '" + out.string() + "'"), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(slurp(out), "65534\n");
}

TEST(ScriptUser, UnknownUserIsRefused) {
  ScriptSettings settings;
  settings.user = "no-such-user-xvrrp";
  EXPECT_THROW(ScriptRunner runner(settings), std::runtime_error);
  try {
    (void)resolve_script_user("no-such-user-xvrrp", "");
    ADD_FAILURE() << "resolved a user that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "script_user no-such-user-xvrrp: no such user");
  }
  try {
    (void)resolve_script_user("root", "no-such-group-xvrrp");
    ADD_FAILURE() << "resolved a group that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "script_user root no-such-group-xvrrp: no such group");
  }
}

TEST(ScriptUser, ResolvesUserGroupAndSupplementaryGroups) {
  const ScriptCredentials root = resolve_script_user("root", "");
  EXPECT_EQ(root.uid, 0u);
  EXPECT_EQ(root.gid, 0u);
  EXPECT_NE(std::find(root.groups.begin(), root.groups.end(), gid_t{0}), root.groups.end());
  const ScriptCredentials nobody = resolve_script_user("nobody", "root");
  EXPECT_EQ(nobody.uid, 65534u);
  EXPECT_EQ(nobody.gid, 0u);  // the named group replaces the primary one
  EXPECT_TRUE(script_user_exists("root"));
  EXPECT_FALSE(script_user_exists("no-such-user-xvrrp"));
}

// Credentials resolved beforehand (as the daemon does off its event loop) are used as given:
// the runner makes no lookup, so a name NSS does not know still runs.
TEST_F(ScriptRunnerTest, GivenCredentialsAreUsedWithoutALookup) {
  ScriptSettings settings;
  settings.user = "no-such-user-xvrrp";
  ScriptCredentials self;
  self.uid = geteuid();
  self.gid = getegid();
  self.groups = {getegid()};
  settings.credentials = self;
  ScriptRunner runner(settings);
  fs::path out = dir_ / "id";
  ASSERT_GT(runner.run("id -u > '" + out.string() + "'"), 0);
  ASSERT_TRUE(run_event_loop(runner, 5s));
  EXPECT_EQ(slurp(out), std::to_string(geteuid()) + "\n");
}

}  // namespace
}  // namespace xvrrp::notify
