// SPDX-License-Identifier: GPL-2.0-or-later
// EventLoop: the daemon's single thread. One epoll instance multiplexes every
// fd (XDP ring buffer, netlink, raw sockets, signalfd, control socket) and ONE
// timerfd that is kept armed at the earliest deadline of a TimerHeap shared by
// all instances (no fd per timer). Handlers must never block.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "common/unique_fd.hpp"
#include "core/timer_heap.hpp"

namespace xvrrp::daemon {

/// CLOCK_MONOTONIC in nanoseconds; the same clock as bpf_ktime_get_ns().
std::int64_t monotonic_ns();

class EventLoop {
 public:
  /// Called with the epoll event mask (EPOLLIN, EPOLLERR, ...).
  using FdHandler = std::function<void(std::uint32_t events)>;
  /// Called for each expired timer with the cookie given to schedule().
  using TimerHandler = std::function<void(std::uint64_t cookie, std::int64_t now_ns)>;
  /// Called once per loop iteration after all fd and timer handlers ran
  /// (the daemon flushes its batched sendmmsg here).
  using IdleHandler = std::function<void()>;

  EventLoop();  // throws std::system_error
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Registers fd for `events`; the loop does not own fd.
  void add_fd(int fd, std::uint32_t events, FdHandler handler);
  void remove_fd(int fd);

  core::TimerHeap& timers() { return timers_; }
  void set_timer_handler(TimerHandler handler) { on_timer_ = std::move(handler); }
  void set_idle_handler(IdleHandler handler) { on_idle_ = std::move(handler); }

  /// Runs until stop() is called from a handler.
  void run();
  void stop() { running_ = false; }

 private:
  void arm_timerfd();
  void fire_timers();

  UniqueFd epoll_fd_;
  UniqueFd timer_fd_;
  core::TimerHeap timers_;
  std::int64_t armed_deadline_ = -1;
  // shared_ptr so a handler may remove its own fd while it runs.
  std::unordered_map<int, std::shared_ptr<FdHandler>> handlers_;
  TimerHandler on_timer_;
  IdleHandler on_idle_;
  bool running_ = false;
};

}  // namespace xvrrp::daemon
