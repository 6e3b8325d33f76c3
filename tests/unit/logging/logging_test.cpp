// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/log.hpp"
#include "daemon/library_log.hpp"

namespace xvrrp {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::Info);
    log::set_timestamps(false);
    log::set_journal(false);
    log::set_line_hook(nullptr);
  }
  void TearDown() override {
    log::set_journal(false);
    log::set_line_hook(nullptr);
    log::set_timestamps(true);
    unsetenv("JOURNAL_STREAM");
  }
};

TEST_F(LogTest, PlainFormatKeepsTagPidAndLevelWord) {
  ::testing::internal::CaptureStderr();
  XLOG_ERROR("bad %d", 1);
  XLOG_INFO("fine");
  std::string out = ::testing::internal::GetCapturedStderr();
  std::string pid = std::to_string(getpid());
  EXPECT_EQ(out, "xvrrpd[" + pid + "]: ERROR: bad 1\nxvrrpd[" + pid + "]: fine\n");
}

TEST_F(LogTest, JournalFormatIsSdDaemonPriorityOnly) {
  log::set_journal(true);
  log::set_level(log::Level::Debug);
  ::testing::internal::CaptureStderr();
  XLOG_ERROR("e");
  XLOG_WARN("w");
  XLOG_INFO("i");
  XLOG_DEBUG("d");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "<3>e\n<4>w\n<6>i\n<7>d\n");
}

TEST_F(LogTest, JournalStreamMustNameStderr) {
  struct stat st {};
  ASSERT_EQ(fstat(STDERR_FILENO, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(log::stderr_is_journal());
  // Inherited by a process whose stderr went elsewhere: another inode.
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  setenv("JOURNAL_STREAM", other.c_str(), 1);
  EXPECT_FALSE(log::stderr_is_journal());
  EXPECT_FALSE(log::use_journal_if_connected());
  setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(log::stderr_is_journal());
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(log::stderr_is_journal());
}

// What libbpf and libxdp print when the dispatcher cannot be loaded (measured on kernel 6.18
// without CAP_SYS_ADMIN), as advert_filter forwards it.
void dispatcher_probe_failure() {
  XLOG_WARN("libbpf: prog 'xdp_pass': BPF program load failed: Operation not permitted");
  XLOG_WARN(
      "libbpf: permission error while running as root; try raising 'ulimit -l'? current "
      "value: 8.0 MiB");
  XLOG_WARN("libbpf: prog 'xdp_pass': failed to load: -1");
  XLOG_WARN("libbpf: failed to load object '/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o'");
  XLOG_INFO("libxdp: Compatibility check for dispatcher program failed: Operation not permitted");
}

// A burst of state changes (255 instances entering a state at start-up write ~50 KiB)
// must fit in the pipe while its reader lags: the non-blocking output drops what does not.
TEST_F(LogTest, NonBlockingPipeHoldsAStartupBurst) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    if (!log::set_nonblocking_output()) _exit(100);
    // Nobody reads until the child is done: 2,000 lines of ~100 bytes.
    for (int i = 0; i < 2000; ++i)
      log::write(log::Level::Info, "(vi-0-4-%d) Entering BACKUP STATE, a line of about 100 bytes",
                 i);
    _exit(log::dropped_lines() == 0 ? 0 : 101);
  }
  close(fds[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::string got;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "101: lines were dropped, 100: not made non-blocking";
  EXPECT_NE(got.find("(vi-0-4-1999) Entering BACKUP STATE"), std::string::npos);
}

TEST_F(LogTest, DispatcherFallbackBecomesOneInfoLine) {
  log::set_journal(true);
  daemon::coalesce_bpf_library_logs();
  ::testing::internal::CaptureStderr();
  dispatcher_probe_failure();
  XLOG_INFO("libxdp: Falling back to loading single prog without dispatcher");
  XLOG_INFO("XDP advert filter attached");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out,
            "<6>XDP attach mode: single program (legacy attach), because libxdp's multi-program "
            "dispatcher is unavailable here: Compatibility check for dispatcher program failed: "
            "Operation not permitted\n<6>XDP advert filter attached\n");
}

TEST_F(LogTest, HeldDispatcherLinesComeAtDebugLevel) {
  log::set_journal(true);
  log::set_level(log::Level::Debug);
  daemon::coalesce_bpf_library_logs();
  ::testing::internal::CaptureStderr();
  dispatcher_probe_failure();
  XLOG_INFO("libxdp: Falling back to loading single prog without dispatcher");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("<4>"), std::string::npos) << out;
  EXPECT_NE(out.find("<7>libbpf: prog 'xdp_pass': BPF program load failed"), std::string::npos)
      << out;
}

TEST_F(LogTest, LibraryWarningsWithoutFallbackStayWarnings) {
  log::set_journal(true);
  daemon::coalesce_bpf_library_logs();
  ::testing::internal::CaptureStderr();
  XLOG_WARN("libbpf: map 'xvrrp_events': failed to create: Operation not permitted");
  XLOG_ERROR("cannot load the XDP program");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out,
            "<4>libbpf: map 'xvrrp_events': failed to create: Operation not permitted\n"
            "<3>cannot load the XDP program\n");
}

}  // namespace
}  // namespace xvrrp
