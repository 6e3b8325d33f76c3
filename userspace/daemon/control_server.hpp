// SPDX-License-Identifier: GPL-2.0-or-later
// ControlServer: the daemon's unix stream control socket,
// /run/xvrrp/<router_id>.ctl. Protocol: the client writes one command line
// ("status\n"); the daemon writes the reply and closes. Replies are built by a
// callback on the event-loop thread; sockets are non-blocking and a client
// that does not read its reply at once is dropped, so the loop never waits.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "common/unique_fd.hpp"
#include "daemon/event_loop.hpp"

namespace xvrrp::daemon {

class ControlServer {
 public:
  /// Maps a command ("status") to its reply text.
  using CommandHandler = std::function<std::string(const std::string& command)>;

  /// Binds `path` (replacing a stale socket, refusing a live one) and registers
  /// with `loop`. Throws std::runtime_error with the path on failure.
  ControlServer(EventLoop& loop, std::string path, CommandHandler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void on_accept();
  void on_client(int fd);
  void close_client(int fd);

  EventLoop& loop_;
  std::string path_;
  CommandHandler handler_;
  UniqueFd listen_fd_;
  std::unordered_map<int, std::pair<UniqueFd, std::string>> clients_;
};

/// "/run/xvrrp/<router_id>.ctl"
std::string control_socket_path(const std::string& router_id);

}  // namespace xvrrp::daemon
