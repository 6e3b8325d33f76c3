// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/event_loop.hpp"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"

namespace xvrrp::daemon {
namespace {

struct Pair {
  Pair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
      a.reset(fds[0]);
      b.reset(fds[1]);
    }
  }
  UniqueFd a, b;
};

void drain(int fd) {
  char buf[256];
  while (read(fd, buf, sizeof buf) > 0) {
  }
}

TEST(EventLoop, DispatchesReadyFdsOnly) {
  EventLoop loop;
  Pair p;
  int calls = 0;
  loop.add_fd(p.b.get(), EPOLLIN, [&](std::uint32_t ev) {
    EXPECT_TRUE(ev & EPOLLIN);
    drain(p.b.get());
    ++calls;
  });
  EXPECT_EQ(loop.run_once(0), 0);
  ASSERT_EQ(write(p.a.get(), "x", 1), 1);
  EXPECT_EQ(loop.run_once(1000), 1);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop.run_once(0), 0);  // drained: level-triggered, nothing pending
}

TEST(EventLoop, UndrainedFdIsReportedAgain) {
  EventLoop loop;
  Pair p;
  int calls = 0;
  loop.add_fd(p.b.get(), EPOLLIN, [&](std::uint32_t) { ++calls; });
  ASSERT_EQ(write(p.a.get(), "x", 1), 1);
  for (int i = 0; i < 5; ++i) loop.run_once(0);
  EXPECT_EQ(calls, 5);  // the contract: handlers drain, close or change their fd's events
  EXPECT_EQ(loop.iterations(), 5u);
}

TEST(EventLoop, ModifyFdSwitchesEvents) {
  EventLoop loop;
  Pair p;
  std::vector<std::uint32_t> seen;
  loop.add_fd(p.b.get(), EPOLLIN, [&](std::uint32_t ev) { seen.push_back(ev); });
  EXPECT_EQ(loop.run_once(0), 0);  // not readable
  loop.modify_fd(p.b.get(), EPOLLOUT);
  EXPECT_EQ(loop.run_once(0), 1);  // writable
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0] & EPOLLOUT);
  loop.modify_fd(p.b.get(), 0);
  EXPECT_EQ(loop.run_once(0), 0);
}

TEST(EventLoop, HandlerMayRemoveItsOwnAndOtherFds) {
  EventLoop loop;
  Pair p, q;
  int calls = 0;
  auto handler = [&](std::uint32_t) {
    ++calls;
    loop.remove_fd(p.b.get());
    loop.remove_fd(q.b.get());
  };
  loop.add_fd(p.b.get(), EPOLLIN, handler);
  loop.add_fd(q.b.get(), EPOLLIN, handler);
  ASSERT_EQ(write(p.a.get(), "x", 1), 1);
  ASSERT_EQ(write(q.a.get(), "x", 1), 1);
  loop.run_once(1000);
  EXPECT_EQ(calls, 1);  // the second fd of the batch was removed before its turn
  EXPECT_EQ(loop.fd_count(), 1u);
}

TEST(EventLoop, CallbackTimerFiresAndStaysOutOfTheTimerHandler) {
  EventLoop loop;
  int fired = 0, other = 0;
  loop.set_timer_handler([&](std::uint64_t, std::int64_t) { ++other; });
  const core::TimerId id = loop.add_callback_timer([&](std::int64_t now) {
    EXPECT_GT(now, 0);
    ++fired;
  });
  for (int i = 0; i < 3; ++i) loop.run_once(0);
  EXPECT_EQ(fired, 0);  // disarmed until rescheduled
  loop.timers().reschedule(id, clock::monotonic_ns());
  for (int i = 0; i < 1000 && fired == 0; ++i) loop.run_once(10);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(other, 0);
  loop.remove_callback_timer(id);
  EXPECT_EQ(loop.timers().armed_count(), 0u);
}

TEST(EventLoop, CookieTimersReachTheTimerHandler) {
  EventLoop loop;
  std::vector<std::uint64_t> cookies;
  loop.set_timer_handler([&](std::uint64_t cookie, std::int64_t) { cookies.push_back(cookie); });
  loop.timers().schedule(clock::monotonic_ns(), 42);
  for (int i = 0; i < 1000 && cookies.empty(); ++i) loop.run_once(10);
  EXPECT_EQ(cookies, std::vector<std::uint64_t>{42});
}

TEST(EventLoop, RemovedCallbackTimerNeverFires) {
  EventLoop loop;
  int fired = 0;
  const core::TimerId id = loop.add_callback_timer([&](std::int64_t) { ++fired; });
  loop.timers().reschedule(id, clock::monotonic_ns());
  loop.remove_callback_timer(id);
  for (int i = 0; i < 3; ++i) loop.run_once(0);
  EXPECT_EQ(fired, 0);
}

TEST(EventLoop, TimerWakesABlockedWait) {
  EventLoop loop;
  bool fired = false;
  const core::TimerId id = loop.add_callback_timer([&](std::int64_t) {
    fired = true;
    loop.stop();
  });
  loop.timers().reschedule(id, clock::monotonic_ns() + 1'000'000);
  loop.run();  // returns only through the timer: epoll_wait(-1) is woken by the timerfd
  EXPECT_TRUE(fired);
}

TEST(EventLoop, StopFromAHandlerEndsTheBatch) {
  EventLoop loop;
  Pair p, q;
  int calls = 0;
  auto handler = [&](std::uint32_t) {
    ++calls;
    loop.stop();
  };
  loop.add_fd(p.b.get(), EPOLLIN, handler);
  loop.add_fd(q.b.get(), EPOLLIN, handler);
  ASSERT_EQ(write(p.a.get(), "x", 1), 1);
  ASSERT_EQ(write(q.a.get(), "x", 1), 1);
  loop.run();
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, IdleHandlerRunsEachIteration) {
  EventLoop loop;
  int idle = 0;
  loop.set_idle_handler([&] { ++idle; });
  for (int i = 0; i < 4; ++i) loop.run_once(0);
  EXPECT_EQ(idle, 4);
}

// Daemon::run() relies on this: whatever a handler throws leaves run() so the
// daemon can still remove its VIPs and XDP program; the loop stays usable.
TEST(EventLoop, ThrowingFdHandlerLeavesRun) {
  EventLoop loop;
  Pair p;
  loop.add_fd(p.b.get(), EPOLLIN, [&](std::uint32_t) {
    drain(p.b.get());
    throw std::runtime_error("fd handler");
  });
  ASSERT_EQ(write(p.a.get(), "x", 1), 1);
  EXPECT_THROW(loop.run(), std::runtime_error);
  loop.remove_fd(p.b.get());
  EXPECT_EQ(loop.run_once(0), 0);
}

TEST(EventLoop, ThrowingTimerCallbackLeavesRun) {
  EventLoop loop;
  const core::TimerId id =
      loop.add_callback_timer([](std::int64_t) { throw std::logic_error("timer"); });
  loop.timers().reschedule(id, clock::monotonic_ns());
  EXPECT_THROW(loop.run(), std::logic_error);
  loop.remove_callback_timer(id);
  EXPECT_EQ(loop.timers().armed_count(), 0u);
}

TEST(EventLoop, ThrowingTimerHandlerAndIdleHandlerLeaveRun) {
  EventLoop loop;
  loop.set_timer_handler([](std::uint64_t, std::int64_t) { throw std::runtime_error("cookie"); });
  loop.timers().schedule(clock::monotonic_ns(), 7);
  EXPECT_THROW(loop.run(), std::runtime_error);
  EventLoop idle;
  idle.set_idle_handler([] { throw std::runtime_error("idle"); });
  EXPECT_THROW(idle.run(), std::runtime_error);
}

}  // namespace
}  // namespace xvrrp::daemon
