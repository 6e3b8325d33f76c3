// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include "bpf/bpffs.hpp"

namespace xvrrp::bpf {
namespace {

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + ts.tv_nsec;
}

// A child that lives until killed; its start is "now".
struct Child {
  pid_t pid = fork();
  Child() {
    if (pid == 0) {
      pause();
      _exit(0);
    }
  }
  ~Child() {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
};

TEST(PinOwner, NoPidIsGone) { EXPECT_EQ(pin_owner(0, monotonic_ns()), PinOwner::Gone); }

TEST(PinOwner, OwnPidIsAPredecessor) {
  // A daemon restarted as pid 1 of a container finds pins of the previous pid 1.
  EXPECT_EQ(pin_owner(static_cast<std::uint32_t>(getpid()), monotonic_ns()), PinOwner::Gone);
}

TEST(PinOwner, ProcessThatStartedBeforeTheRecordIsAlive) {
  Child child;
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(pin_owner(static_cast<std::uint32_t>(child.pid), monotonic_ns()), PinOwner::Alive);
}

TEST(PinOwner, ReusedPidIsGone) {
  // The record says the daemon started 10 s ago; the process with that pid now started
  // after it, so it is not the daemon.
  const std::uint64_t recorded = monotonic_ns() - 10'000'000'000ULL;
  Child child;
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(pin_owner(static_cast<std::uint32_t>(child.pid), recorded), PinOwner::Gone);
}

TEST(PinOwner, ExitedProcessIsGone) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  ASSERT_GT(pid, 0);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(pin_owner(static_cast<std::uint32_t>(pid), monotonic_ns()), PinOwner::Gone);
}

TEST(PinOwner, StartTimeIsReadFromProcStat) {
  const std::int64_t start = process_start_boottime_ns(getpid());
  ASSERT_GT(start, 0);
  timespec boot{};
  clock_gettime(CLOCK_BOOTTIME, &boot);
  EXPECT_LE(start, static_cast<std::int64_t>(boot.tv_sec) * 1'000'000'000LL + boot.tv_nsec);
  EXPECT_EQ(process_start_boottime_ns(-1), -1);
}

}  // namespace
}  // namespace xvrrp::bpf
