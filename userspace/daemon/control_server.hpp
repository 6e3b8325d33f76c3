// SPDX-License-Identifier: GPL-2.0-or-later
// ControlServer: the daemon's unix stream control socket,
// /run/xvrrp/<router_id>.ctl. Protocol: the client writes one command line
// ("status\n"); the daemon writes the reply and closes. A command ended by the
// client's EOF (shutdown(SHUT_WR)) instead of '\n' is answered the same way; a
// client that closes without sending anything (such as the liveness probe of
// a second daemon with the same router id) is simply closed.
//
// Replies are built by a callback on the event-loop thread. Sockets are
// non-blocking; a reply larger than the socket buffer is kept and sent as the
// client reads it (EPOLLOUT), so the loop never waits and never truncates.
// Every client has a deadline from its accept (Limits::client_timeout_ns) for
// sending its line and reading the whole reply, and at most
// Limits::max_clients are served at once: a client beyond that is sent a
// one-line JSON error and closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/unique_fd.hpp"
#include "daemon/event_loop.hpp"

namespace xvrrp::daemon {

class ControlServer {
 public:
  /// Maps a command ("status") to its reply text. An exception thrown here is
  /// answered with a JSON error line; it does not reach the loop.
  using CommandHandler = std::function<std::string(const std::string& command)>;

  struct Limits {
    /// Clients served at once; further connections are refused with an error line.
    std::size_t max_clients = 16;
    /// From accept to the last byte of the reply, in ns (monotonic clock).
    std::int64_t client_timeout_ns = 5'000'000'000;
    /// Longest command line, in bytes, '\n' included; longer requests are dropped.
    std::size_t max_request = 4096;
  };

  /// Binds `path` (replacing a stale socket, refusing a live one) and registers
  /// with `loop`. Throws std::runtime_error with the path on failure.
  ControlServer(EventLoop& loop, std::string path, CommandHandler handler);
  ControlServer(EventLoop& loop, std::string path, CommandHandler handler, Limits limits);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  /// Clients currently connected (accepted and not yet closed).
  [[nodiscard]] std::size_t client_count() const { return clients_.size(); }
  /// Connections refused because max_clients were connected, since start.
  [[nodiscard]] std::uint64_t refused_count() const { return refused_; }
  /// Clients closed at their deadline, since start.
  [[nodiscard]] std::uint64_t timed_out_count() const { return timed_out_; }

 private:
  /// Replies at least this large give the allocator's free memory back once sent.
  static constexpr std::size_t kTrimReplyBytes = 256 * 1024;
  struct Client {
    UniqueFd fd;
    std::string in;
    std::string out;
    std::size_t sent = 0;
    bool replying = false;
    std::int64_t deadline_ns = 0;
  };

  void on_accept();
  void on_client(int fd, std::uint32_t events);
  void read_request(Client& c);
  void start_reply(Client& c, const std::string& command);
  /// Sends what the socket takes; returns false when the client is done or failed.
  bool flush(Client& c);
  void close_client(int fd);
  void on_deadline(std::int64_t now_ns);
  void rearm_deadline();

  EventLoop& loop_;
  std::string path_;
  CommandHandler handler_;
  Limits limits_;
  UniqueFd listen_fd_;
  core::TimerId deadline_timer_;
  std::map<int, Client> clients_;
  std::uint64_t refused_ = 0;
  std::uint64_t timed_out_ = 0;
  std::int64_t listen_paused_until_ns_ = 0;  // 0: accepting
};

/// "/run/xvrrp/<router_id>.ctl"
std::string control_socket_path(const std::string& router_id);

/// What the bytes received so far on a control connection ask for.
struct ControlRequest {
  enum class Kind {
    Incomplete,  ///< keep reading
    Command,     ///< answer `command`
    Close,       ///< close without an answer (nothing sent, or the request is too long)
  };
  Kind kind = Kind::Incomplete;
  /// Kind::Command: the first line without its '\n', trailing '\r' and spaces.
  std::string command;
};

/// The protocol's request rule: `received` is every byte read so far, `eof` whether the client
/// has shut down its side. A first line is a command; at EOF the unterminated rest is one; EOF
/// with nothing is Close; more than `max_request` bytes without a complete line is Close.
ControlRequest parse_control_request(std::string_view received, bool eof, std::size_t max_request);

}  // namespace xvrrp::daemon
