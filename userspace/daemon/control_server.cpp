// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/control_server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/json_quote.hpp"
#include "common/log.hpp"
#include "daemon/system.hpp"

namespace xvrrp::daemon {

std::string control_socket_path(const std::string& router_id) {
  return "/run/xvrrp/" + router_id + ".ctl";
}

namespace {
sockaddr_un make_addr(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw std::runtime_error("control socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// accept() failing for lack of fds leaves the listening socket readable; it is
// taken out of the loop for this long instead of being retried at once.
constexpr std::int64_t kAcceptPauseNs = 100'000'000;
}  // namespace

ControlRequest parse_control_request(std::string_view received, bool eof, std::size_t max_request) {
  ControlRequest r;
  std::string_view line;
  if (const auto nl = received.find('\n'); nl != std::string_view::npos) {
    if (nl + 1 > max_request) {
      r.kind = ControlRequest::Kind::Close;
      return r;
    }
    line = received.substr(0, nl);
  } else if (received.size() >= max_request || (eof && received.empty())) {
    r.kind = ControlRequest::Kind::Close;
    return r;
  } else if (eof) {
    line = received;
  } else {
    return r;  // Incomplete
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  r.kind = ControlRequest::Kind::Command;
  r.command = std::string(line);
  return r;
}

ControlServer::ControlServer(EventLoop& loop, std::string path, CommandHandler handler)
    : ControlServer(loop, std::move(path), std::move(handler), Limits{}) {}

ControlServer::ControlServer(EventLoop& loop, std::string path, CommandHandler handler,
                             Limits limits)
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)), limits_(limits) {
  const auto slash = path_.rfind('/');
  if (slash != std::string::npos) mkdir(path_.substr(0, slash).c_str(), 0755);
  const sockaddr_un addr = make_addr(path_);

  // A socket file that still accepts connections belongs to a live daemon.
  UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe && connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
    throw std::runtime_error("another xvrrpd is running with this router id (" + path_ +
                             " accepts connections)");
  unlink(path_.c_str());

  listen_fd_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listen_fd_ ||
      bind(listen_fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_.get(), 16) != 0)
    throw std::runtime_error("control socket " + path_ + ": " + std::strerror(errno));
  chmod(path_.c_str(), 0600);
  deadline_timer_ = loop_.add_callback_timer([this](std::int64_t now) { on_deadline(now); });
  loop_.add_fd(listen_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_accept(); });
}

ControlServer::~ControlServer() {
  for (auto& [fd, client] : clients_) loop_.remove_fd(fd);
  loop_.remove_callback_timer(deadline_timer_);
  if (listen_fd_) {
    loop_.remove_fd(listen_fd_.get());
    unlink(path_.c_str());
  }
}

void ControlServer::on_accept() {
  for (;;) {
    UniqueFd fd(accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        XLOG_WARN("control socket %s: accept: %s; not accepting for %lld ms", path_.c_str(),
                  std::strerror(errno), static_cast<long long>(kAcceptPauseNs / 1'000'000));
        loop_.modify_fd(listen_fd_.get(), 0);
        listen_paused_until_ns_ = clock::monotonic_ns() + kAcceptPauseNs;
        rearm_deadline();
      }
      return;  // EAGAIN: nothing more to accept
    }
    if (clients_.size() >= limits_.max_clients) {
      ++refused_;
      static constexpr char kBusy[] = "{\"error\":\"too many control clients\"}\n";
      ssize_t rc = send(fd.get(), kBusy, sizeof kBusy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)rc;  // best effort: the client is closed either way
      continue;
    }
    const int raw = fd.get();
    Client& c = clients_[raw];
    c.fd = std::move(fd);
    c.deadline_ns = clock::monotonic_ns() + limits_.client_timeout_ns;
    loop_.add_fd(raw, EPOLLIN | EPOLLRDHUP,
                 [this, raw](std::uint32_t events) { on_client(raw, events); });
    rearm_deadline();
  }
}

void ControlServer::on_client(int fd, std::uint32_t events) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  if (!c.replying) {
    read_request(c);  // may close the client
    return;
  }
  if (events & EPOLLERR) return close_client(fd);
  if (!flush(c)) close_client(fd);
}

void ControlServer::read_request(Client& c) {
  const int fd = c.fd.get();
  bool eof = false;
  char chunk[1024];
  for (;;) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      c.in.append(chunk, static_cast<size_t>(n));
      if (c.in.size() > limits_.max_request) break;
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return close_client(fd);  // ECONNRESET and the like: nobody to answer
  }
  ControlRequest request = parse_control_request(c.in, eof, limits_.max_request);
  switch (request.kind) {
    case ControlRequest::Kind::Incomplete:
      return;  // the rest of the line is still to come
    case ControlRequest::Kind::Close:
      return close_client(fd);
    case ControlRequest::Kind::Command:
      return start_reply(c, request.command);
  }
}

void ControlServer::start_reply(Client& c, const std::string& command) {
  const int fd = c.fd.get();
  c.replying = true;
  c.in.clear();
  try {
    c.out = handler_(command);
  } catch (const std::exception& e) {
    std::string msg = "{\"error\":";
    append_json_quoted(msg, std::string("command failed: ") + e.what());
    c.out = msg + "}\n";
  }
  if (!flush(c)) return close_client(fd);
  // Only writability matters from here: waiting for EPOLLIN as well would
  // report the client's EOF (shutdown after its request) again and again.
  loop_.modify_fd(fd, EPOLLOUT);
}

bool ControlServer::flush(Client& c) {
  while (c.sent < c.out.size()) {
    const ssize_t n =
        send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return false;  // all sent
}

void ControlServer::close_client(int fd) {
  const auto it = clients_.find(fd);
  const bool large_reply = it != clients_.end() && it->second.out.capacity() >= kTrimReplyBytes;
  loop_.remove_fd(fd);
  clients_.erase(fd);
  rearm_deadline();
  // The allocator keeps what a large reply (the status of a thousand instances is ~2 MB)
  // and its rendering used; a poller would otherwise leave the RSS that much higher.
  if (large_reply) release_free_heap();
}

void ControlServer::on_deadline(std::int64_t now_ns) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (it->second.deadline_ns <= now_ns) {
      ++timed_out_;
      loop_.remove_fd(it->first);
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
  if (listen_paused_until_ns_ != 0 && listen_paused_until_ns_ <= now_ns) {
    listen_paused_until_ns_ = 0;
    loop_.modify_fd(listen_fd_.get(), EPOLLIN);
  }
  rearm_deadline();
}

void ControlServer::rearm_deadline() {
  std::int64_t next = core::kNever;
  for (const auto& [fd, c] : clients_) next = std::min(next, c.deadline_ns);
  if (listen_paused_until_ns_ != 0) next = std::min(next, listen_paused_until_ns_);
  loop_.timers().reschedule(deadline_timer_, next);
}

}  // namespace xvrrp::daemon
