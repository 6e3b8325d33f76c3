// SPDX-License-Identifier: GPL-2.0-or-later
// BfdRuntime: the sockets and timers of the daemon's BFD sessions (RFC 5881, single hop,
// asynchronous mode), one core::bfd::Session per bfd_instance.
//
// Receive: one UDP socket per address family bound to port 3784 with IP_RECVTTL /
// IPV6_RECVHOPLIMIT, so that GTSM (RFC 5881 §5, keepalived's ttl/max_hops) is checked on
// every packet. Packets are demultiplexed by Your Discriminator, else by source address
// (RFC 5880 §6.8.6), and must come from the session's neighbor_ip. With a BfdFold (the XDP
// receive path), each session is registered there: the program drops the neighbor's repeats
// on the interfaces it is attached to and keeps their timestamp, so only changes, Polls and
// Finals reach the sockets. When a session's detection time expires, the fold's record is
// replayed first (Session::on_packet at the record's timestamp) if it is newer than the
// last packet the socket delivered: an Up session is refreshed once per detection time
// instead of once per packet.
// Send: one UDP socket per session, bound to source_ip (if set) and a source port in
// 49152..65535 (RFC 5881 §4), IP_TTL / IPV6_UNICAST_HOPS = the session's ttl (255 default).
// Timers: one callback timer per session in the event loop's heap, kept at
// Session::next_deadline().
//
// Threading: the event loop's thread only; handlers never block. Ownership: every fd and
// timer is released in the destructor. The jitter and discriminators come from one PRNG
// seeded from std::random_device.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "config/config.hpp"
#include "core/bfd_session.hpp"
#include "daemon/bfd_fold.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/status.hpp"

namespace xvrrp::daemon {

/// A session's state change, reported after the session's packet (if any) went out.
struct BfdChange {
  std::string name;
  core::bfd::State before = core::bfd::State::Down;
  core::bfd::State after = core::bfd::State::Down;
  core::bfd::Diag diag = core::bfd::Diag::None;
  const char* reason = nullptr;
};

class BfdRuntime {
 public:
  using ChangeHandler = std::function<void(const BfdChange& change, std::int64_t now_ns)>;

  /// Opens the sockets (throws std::system_error naming the socket and the address). No packet
  /// is sent before start(). `fold` (nullable, not owned, outlives this) folds repeats.
  BfdRuntime(EventLoop& loop, const std::vector<config::BfdInstance>& config,
             ChangeHandler on_change, BfdFold* fold = nullptr);
  ~BfdRuntime();
  BfdRuntime(const BfdRuntime&) = delete;
  BfdRuntime& operator=(const BfdRuntime&) = delete;

  /// Starts every session (active ones send their first Down packet now).
  void start(std::int64_t now_ns);
  /// Daemon stop: every session goes AdminDown (diag 7) and says so to its neighbor, so that
  /// the neighbor sees no failure (RFC 5880 §6.8.16). Idempotent.
  void admin_down_all(std::int64_t now_ns);

  /// A reload's bfd_instance blocks, in two steps so that a refused reload changes nothing.
  /// prepare() opens what the new blocks need (the sockets of new sessions, a receive socket
  /// for a new family) and throws std::system_error as the constructor; dropping its result
  /// closes them again. commit() applies it: a session of the same name keeps running (new
  /// timers or multiplier through Session::set_params, a Poll Sequence while Up); one whose
  /// neighbor_ip, source_ip or ttl changed is replaced (it starts Down); a removed one goes
  /// AdminDown, tells its neighbor, and is deleted; a new one starts.
  struct Plan;
  struct PlanDeleter {
    void operator()(Plan* plan) const;
  };
  using PlanPtr = std::unique_ptr<Plan, PlanDeleter>;
  PlanPtr prepare(const std::vector<config::BfdInstance>& next);
  void commit(PlanPtr plan, std::int64_t now_ns);

  [[nodiscard]] bool empty() const { return sessions_.empty(); }
  /// The session of bfd_instance `name`, nullptr when there is none.
  [[nodiscard]] const core::bfd::Session* session(const std::string& name) const;
  /// True when the session exists and is Up.
  [[nodiscard]] bool up(const std::string& name) const;
  [[nodiscard]] std::vector<BfdSessionStatus> status(std::int64_t now_ns) const;
  [[nodiscard]] const BfdCounters& counters() const { return counters_; }

 private:
  struct Entry;
  std::unique_ptr<Entry> make_entry(const config::BfdInstance& cfg,
                                    const std::vector<std::unique_ptr<Entry>>& also);
  UniqueFd make_rx(int family);
  void open_rx(int family);
  void on_readable(int fd);
  void handle(Entry& e, const core::bfd::Actions& a, core::bfd::State before, std::int64_t now);
  void send(Entry& e, const core::bfd::ControlPacket& p);
  Entry* by_discriminator(std::uint32_t d);
  Entry* by_neighbor(const IpAddress& src);
  void register_fold(Entry& e);
  void unregister_fold(Entry& e);
  void replay_folded(Entry& e, std::int64_t now);

  EventLoop& loop_;
  ChangeHandler on_change_;
  BfdFold* fold_ = nullptr;
  std::mt19937 rng_;
  UniqueFd rx4_, rx6_;
  std::vector<std::unique_ptr<Entry>> sessions_;
  BfdCounters counters_;
  bool admin_down_ = false;
};

}  // namespace xvrrp::daemon
