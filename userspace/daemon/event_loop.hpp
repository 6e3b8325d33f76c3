// SPDX-License-Identifier: GPL-2.0-or-later
// EventLoop: the daemon's single thread. One epoll instance multiplexes every
// fd (XDP ring buffer, netlink, raw sockets, signalfd, control socket) and ONE
// timerfd that is kept armed at the earliest deadline of a TimerHeap shared by
// all instances (no fd per timer). Handlers must never block.
//
// fds are level-triggered: a handler that leaves its fd readable (EOF not
// acted on, data not drained) is called again at once, so every handler must
// drain, close or change its fd's events.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "common/unique_fd.hpp"
#include "core/timer_heap.hpp"

namespace xvrrp::daemon {

class EventLoop {
 public:
  /// Called with the epoll event mask (EPOLLIN, EPOLLERR, ...).
  using FdHandler = std::function<void(std::uint32_t events)>;
  /// Called for each expired timer with the cookie given to schedule().
  using TimerHandler = std::function<void(std::uint64_t cookie, std::int64_t now_ns)>;
  /// Called once per loop iteration after all fd and timer handlers ran
  /// (the daemon flushes its batched sendmmsg here).
  using IdleHandler = std::function<void()>;
  /// A callback timer's action, called with the monotonic time in ns.
  using Callback = std::function<void(std::int64_t now_ns)>;

  /// Cookies with this bit set belong to the loop's callback timers
  /// (add_callback_timer) and never reach the TimerHandler.
  static constexpr std::uint64_t kCallbackCookieBit = std::uint64_t{1} << 63;

  EventLoop();  // throws std::system_error
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Registers fd for `events`; the loop does not own fd.
  void add_fd(int fd, std::uint32_t events, FdHandler handler);
  /// Changes the events a registered fd waits for (e.g. EPOLLOUT while a reply
  /// is pending). Throws std::system_error.
  void modify_fd(int fd, std::uint32_t events);
  void remove_fd(int fd);

  /// The shared timer heap. Cookies must not have kCallbackCookieBit set.
  core::TimerHeap& timers() { return timers_; }
  void set_timer_handler(TimerHandler handler) { on_timer_ = std::move(handler); }
  void set_idle_handler(IdleHandler handler) { on_idle_ = std::move(handler); }

  /// A timer (initially disarmed) in the shared heap whose expiry calls `cb`
  /// instead of the TimerHandler. Arm it with timers().reschedule(id, deadline);
  /// release it with remove_callback_timer().
  core::TimerId add_callback_timer(Callback cb);
  void remove_callback_timer(core::TimerId id);

  /// Runs until stop() is called from a handler.
  void run();
  /// One iteration: expired timers, the idle handler, then waits at most
  /// `timeout_ms` (-1: until an fd or timer is ready) and dispatches the ready
  /// fds. Returns the number of fd events dispatched. For tests and run().
  /// After stop(), run_once() dispatches nothing more and returns without waiting.
  int run_once(int timeout_ms);
  void stop() { stop_requested_ = true; }

  /// Iterations of run_once() so far (a spinning handler shows as a count that
  /// grows while nothing happens).
  [[nodiscard]] std::uint64_t iterations() const { return iterations_; }
  /// Number of registered fds, the loop's own timerfd included.
  [[nodiscard]] std::size_t fd_count() const { return handlers_.size(); }

 private:
  void arm_timerfd();
  void fire_timers();

  UniqueFd epoll_fd_;
  UniqueFd timer_fd_;
  core::TimerHeap timers_;
  std::int64_t armed_deadline_ = -1;
  // shared_ptr so a handler may remove its own fd (or timer) while it runs.
  std::unordered_map<int, std::shared_ptr<FdHandler>> handlers_;
  // Callback timers by cookie, and each timer's cookie.
  std::unordered_map<std::uint64_t, std::shared_ptr<Callback>> callbacks_;
  std::unordered_map<core::TimerId, std::uint64_t> callback_cookies_;
  std::uint64_t next_callback_cookie_ = kCallbackCookieBit;
  TimerHandler on_timer_;
  IdleHandler on_idle_;
  bool stop_requested_ = false;
  std::uint64_t iterations_ = 0;
};

}  // namespace xvrrp::daemon
