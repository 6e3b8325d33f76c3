// SPDX-License-Identifier: GPL-2.0-or-later
// ProcessWatch on this host (label integration, root, the initial network namespace): the
// proc connector reports a child's fork, exec and exit, and its pidfd becomes readable when it
// exits. /proc reads see the name and command line a tracker matches on.
#include "daemon/process_watch.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace xvrrp::daemon {
namespace {

using namespace std::string_literals;

TEST(ProcessWatch, ConnectorSeesForkExecAndExitOfAChild) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (the proc connector)";
  std::string why;
  ProcessWatch watch(why);
  if (!watch.has_connector()) GTEST_SKIP() << "no proc connector here: " << why;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    usleep(100'000);
    execl("/bin/sleep", "sleep", "0.2", static_cast<char*>(nullptr));
    _exit(127);
  }
  const int pidfd = watch.watch_exit(child);
  EXPECT_GE(pidfd, 0);
  bool forked = false, execd = false, exited = false;
  ProcessWatch::Events events{
      [&](pid_t parent, pid_t c) { forked |= parent == getpid() && c == child; },
      [&](pid_t pid) {
        if (pid != child) return;
        execd = true;
        ProcessInfo info;
        ASSERT_TRUE(read_process(pid, true, info));
        EXPECT_EQ(info.comm, "sleep");
        EXPECT_EQ(info.cmdline,
                  "sleep\0"s
                  "0.2\0"s);  // argv, not the path
        EXPECT_FALSE(info.zombie);
      },
      [&](pid_t pid) { exited |= pid == child; }, [] {}};
  bool pidfd_readable = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!(forked && execd && exited && pidfd_readable) &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{watch.connector_fd(), POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, 2, 100) <= 0) continue;
    if (fds[0].revents & POLLIN) watch.on_connector_readable(events);
    if (fds[1].revents & POLLIN) pidfd_readable = true;
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(forked);
  EXPECT_TRUE(execd);
  EXPECT_TRUE(exited);
  EXPECT_TRUE(pidfd_readable);
  watch.unwatch(child);
  EXPECT_EQ(watch.watched(), 0u);
}

TEST(ProcessWatch, ListsAndReadsThisProcess) {
  bool found = false;
  for (const pid_t p : list_processes()) found |= p == getpid();
  EXPECT_TRUE(found);
  ProcessInfo info;
  ASSERT_TRUE(read_process(getpid(), true, info));
  EXPECT_EQ(info.comm.substr(0, 15), std::string("xvrrp_process_watch_tests").substr(0, 15));
  EXPECT_FALSE(read_process(0, false, info));
}

}  // namespace
}  // namespace xvrrp::daemon
