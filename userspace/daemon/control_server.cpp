// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/control_server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/log.hpp"

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
}  // namespace

ControlServer::ControlServer(EventLoop& loop, std::string path, CommandHandler handler)
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)) {
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
  loop_.add_fd(listen_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_accept(); });
}

ControlServer::~ControlServer() {
  for (auto& [fd, client] : clients_) loop_.remove_fd(fd);
  if (listen_fd_) {
    loop_.remove_fd(listen_fd_.get());
    unlink(path_.c_str());
  }
}

void ControlServer::on_accept() {
  for (;;) {
    UniqueFd fd(accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;
    const int raw = fd.get();
    clients_.emplace(raw, std::make_pair(std::move(fd), std::string()));
    loop_.add_fd(raw, EPOLLIN | EPOLLRDHUP, [this, raw](std::uint32_t) { on_client(raw); });
  }
}

void ControlServer::on_client(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  std::string& buf = it->second.second;
  char chunk[256];
  for (;;) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      if (buf.size() > 4096) return close_client(fd);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    break;  // EOF or error: answer what we have, if it is a full line
  }
  const auto nl = buf.find('\n');
  if (nl == std::string::npos) return;
  std::string command = buf.substr(0, nl);
  while (!command.empty() && (command.back() == '\r' || command.back() == ' ')) command.pop_back();
  const std::string reply = handler_(command);
  size_t off = 0;
  while (off < reply.size()) {
    const ssize_t n = send(fd, reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the client does not read: drop it rather than wait
    off += static_cast<size_t>(n);
  }
  close_client(fd);
}

void ControlServer::close_client(int fd) {
  loop_.remove_fd(fd);
  clients_.erase(fd);
}

}  // namespace xvrrp::daemon
