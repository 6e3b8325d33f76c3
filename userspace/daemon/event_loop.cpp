// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

#include "common/clock.hpp"

namespace xvrrp::daemon {

EventLoop::EventLoop()
    : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      timer_fd_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  if (!epoll_fd_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  if (!timer_fd_) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  add_fd(timer_fd_.get(), EPOLLIN, [this](std::uint32_t) {
    std::uint64_t expirations = 0;
    ssize_t rc = ::read(timer_fd_.get(), &expirations, sizeof expirations);
    (void)rc;
    armed_deadline_ = -1;
  });
}

void EventLoop::add_fd(int fd, std::uint32_t events, FdHandler handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl(ADD)");
  handlers_[fd] = std::make_shared<FdHandler>(std::move(handler));
}

void EventLoop::modify_fd(int fd, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_MOD, fd, &ev) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl(MOD)");
}

void EventLoop::remove_fd(int fd) {
  epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

core::TimerId EventLoop::add_callback_timer(Callback cb) {
  const std::uint64_t cookie = next_callback_cookie_++;
  const core::TimerId id = timers_.schedule(core::kNever, cookie);
  callbacks_[cookie] = std::make_shared<Callback>(std::move(cb));
  callback_cookies_[id] = cookie;
  return id;
}

void EventLoop::remove_callback_timer(core::TimerId id) {
  auto it = callback_cookies_.find(id);
  if (it == callback_cookies_.end()) return;
  timers_.cancel(id);
  callbacks_.erase(it->second);
  callback_cookies_.erase(it);
}

void EventLoop::arm_timerfd() {
  const std::int64_t deadline = timers_.next_deadline();
  if (deadline == armed_deadline_) return;
  itimerspec spec{};
  if (deadline != core::kNever) {
    // 0 would disarm the timer; an already-past deadline fires at once.
    const std::int64_t at = deadline > 0 ? deadline : 1;
    spec.it_value.tv_sec = at / 1'000'000'000;
    spec.it_value.tv_nsec = at % 1'000'000'000;
  }
  timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_deadline_ = deadline;
}

void EventLoop::fire_timers() {
  const std::int64_t now = clock::monotonic_ns();
  if (timers_.next_deadline() > now) return;
  timers_.pop_expired(now, [&](std::uint64_t cookie) {
    if (cookie & kCallbackCookieBit) {
      auto it = callbacks_.find(cookie);
      if (it == callbacks_.end()) return;
      std::shared_ptr<Callback> cb = it->second;
      (*cb)(now);
      return;
    }
    if (on_timer_) on_timer_(cookie, now);
  });
}

int EventLoop::run_once(int timeout_ms) {
  ++iterations_;
  fire_timers();
  if (on_idle_) on_idle_();
  if (stop_requested_) return 0;
  arm_timerfd();
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  const int n = epoll_wait(epoll_fd_.get(), events, kMaxEvents, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return 0;
    throw std::system_error(errno, std::generic_category(), "epoll_wait");
  }
  int dispatched = 0;
  for (int i = 0; i < n; ++i) {
    if (stop_requested_) break;  // stop() from a handler ends the batch
    auto it = handlers_.find(events[i].data.fd);
    // A handler may have removed a later fd in this batch.
    if (it == handlers_.end()) continue;
    std::shared_ptr<FdHandler> handler = it->second;
    (*handler)(events[i].events);
    ++dispatched;
  }
  return dispatched;
}

void EventLoop::run() {
  stop_requested_ = false;
  while (!stop_requested_) run_once(-1);
}

}  // namespace xvrrp::daemon
