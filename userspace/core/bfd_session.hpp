// SPDX-License-Identifier: GPL-2.0-or-later
// One BFD session, single hop, asynchronous mode, no echo, no authentication: the state
// machine of RFC 5880 §6.2 and §6.8.6 (AdminDown, Down, Init, Up), timer negotiation
// (§6.8.2), Poll/Final sequences for timer changes (§6.5, §6.8.3), the detection time
// (§6.8.4), jittered transmission (§6.8.7), the passive role (§6.1) and keepalived's idle_tx
// (the slower transmit interval while not Up, which is §6.8.3's one-second rule).
//
// Pure logic: no I/O, no clock reads, no global random source. Every method takes the current
// CLOCK_MONOTONIC time in nanoseconds and returns the Actions the daemon performs. Jitter comes
// from the injected Random. Intervals on the wire and in SessionParams are microseconds.
// Not thread-safe; one Session belongs to one event loop.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/bfd_packet.hpp"

namespace xvrrp::core::bfd {

/// CLOCK_MONOTONIC time or duration, nanoseconds (the same as core::Nanos).
using Nanos = std::int64_t;
inline constexpr Nanos kNever = INT64_MAX;
inline constexpr Nanos kNanosPerMicro = 1000;

/// A uniformly distributed 32-bit value for each jittered interval (the daemon passes a PRNG,
/// tests a fixed sequence).
using Random = std::function<std::uint32_t()>;

/// keepalived's bfd_instance settings (keepalived/include/bfd.h defaults).
struct SessionParams {
  std::string name;                          ///< For logs.
  std::uint32_t desired_min_tx_us = 10000;   ///< min_tx: bfd.DesiredMinTxInterval while Up.
  std::uint32_t required_min_rx_us = 10000;  ///< min_rx: bfd.RequiredMinRxInterval, > 0.
  /// idle_tx: bfd.DesiredMinTxInterval while not Up; never below 1 s (RFC 5880 §6.8.3).
  std::uint32_t idle_tx_us = 1000000;
  std::uint8_t detect_mult = 5;  ///< multiplier, 1..255.
  bool passive = false;          ///< Send nothing while bfd.RemoteDiscr is zero (§6.1).
  /// bfd.LocalDiscr, non-zero and unique among the daemon's sessions (the daemon picks it).
  std::uint32_t local_discriminator = 1;
};

/// What the daemon must do after a call. At most one packet per call.
struct Actions {
  /// Send this packet now (UDP to the neighbor, port 3784, TTL 255).
  std::optional<ControlPacket> send;
  /// The session state changed to this (log it; tracking and master_bfd read it).
  std::optional<State> entered;
  /// Why: a static text for the log ("received Init", "detection time expired", ...).
  const char* reason = nullptr;
  /// A received packet was discarded by the session-level checks; reason says why.
  bool discarded = false;
};

class Session {
 public:
  /// Throws std::invalid_argument naming the field when params are out of range:
  /// detect_mult 0, required_min_rx_us 0, desired_min_tx_us 0, local_discriminator 0.
  Session(SessionParams params, Random random);

  /// Starts in Down. Active: the first packet goes out now and periodic transmission starts.
  /// Passive: nothing is sent until a packet from the neighbor arrives. Calling it twice does
  /// nothing.
  Actions start(Nanos now);

  /// A packet that passed decode() and the caller's GTSM and address checks, received at
  /// rx_ns. Applies RFC 5880 §6.8.6 from "If the Your Discriminator field is nonzero" on:
  /// discarded (Actions::discarded) when Your Discriminator is non-zero and not ours; otherwise
  /// records the remote's discriminator, state, demand bit and intervals; a Final ends our
  /// Poll; a Poll is answered at once with a Final; the state moves as §6.2 draws it
  /// (Down+Down->Init, Down+Init->Up, Init+Init/Up->Up, Up+Down->Down (diag 3), any+AdminDown
  /// ->Down (diag 3) unless already Down); while AdminDown the packet changes nothing else.
  /// The detection timer restarts from rx_ns.
  Actions on_packet(const ControlPacket& packet, Nanos rx_ns, Nanos now);

  /// Call when now >= next_deadline(); earlier calls do nothing.
  ///  - detection time expired: Init/Up -> Down, diag 1; in every state bfd.RemoteDiscr is
  ///    reset to zero and the remote is taken as Down (§6.8.1, §6.8.4).
  ///  - transmit deadline: one periodic packet (P set while a Poll Sequence runs), next one
  ///    after a jittered interval: 75-100 % of max(bfd.DesiredMinTxInterval,
  ///    bfd.RemoteMinRxInterval), 75-90 % when detect_mult is 1 (§6.8.7). No periodic packet
  ///    when bfd.RemoteMinRxInterval is 0, when the remote runs Demand mode with both sides Up,
  ///    or when passive and bfd.RemoteDiscr is 0.
  Actions on_timer(Nanos now);

  /// Administrative down (daemon stop, disabled session): -> AdminDown with diag 7 and one
  /// packet now, so that the neighbor's session goes Down without seeing a failure (§6.8.16).
  /// Periodic AdminDown packets continue while the daemon keeps the session.
  Actions admin_down(Nanos now);
  /// AdminDown -> Down (diag cleared); otherwise nothing.
  Actions admin_up(Nanos now);

  /// New min_tx, min_rx, idle_tx, multiplier or passive (reload); name and discriminator are
  /// kept. While Up a changed interval starts a Poll Sequence (§6.8.3): an increased transmit
  /// interval and a reduced receive interval take effect only when it ends; the other
  /// direction at once. Throws std::invalid_argument as the constructor.
  Actions set_params(const SessionParams& params, Nanos now);

  // Observers (intervals in microseconds as on the wire, times in ns).
  [[nodiscard]] const SessionParams& params() const { return params_; }
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] State remote_state() const { return remote_state_; }
  [[nodiscard]] Diag local_diag() const { return local_diag_; }
  [[nodiscard]] Diag remote_diag() const { return remote_diag_; }
  [[nodiscard]] std::uint32_t local_discriminator() const { return params_.local_discriminator; }
  [[nodiscard]] std::uint32_t remote_discriminator() const { return remote_discr_; }
  [[nodiscard]] std::uint8_t remote_detect_mult() const { return remote_detect_mult_; }
  [[nodiscard]] std::uint32_t remote_min_rx_us() const { return remote_min_rx_us_; }
  [[nodiscard]] std::uint32_t remote_desired_min_tx_us() const { return remote_desired_tx_us_; }
  [[nodiscard]] bool remote_demand() const { return remote_demand_; }
  /// bfd.DesiredMinTxInterval / bfd.RequiredMinRxInterval as we advertise them now.
  [[nodiscard]] std::uint32_t desired_min_tx_us() const { return adv_tx_us_; }
  [[nodiscard]] std::uint32_t required_min_rx_us() const { return adv_rx_us_; }
  /// The negotiated transmit interval before jitter: max(DesiredMinTx in use, RemoteMinRx).
  [[nodiscard]] std::uint32_t tx_interval_us() const;
  /// The interval the remote sends at as we expect it: max(RequiredMinRx in use,
  /// RemoteDesiredMinTx). A lower RemoteDesiredMinTx received while Up counts only from the
  /// remote's next Poll (its rate changes when its Poll Sequence ends, §6.8.3).
  [[nodiscard]] std::uint32_t rx_interval_us() const;
  /// Detection time, ns: remote Detect Mult x rx_interval_us() (§6.8.4); 0 before any packet.
  [[nodiscard]] Nanos detection_time() const;
  /// True while our Poll Sequence waits for a Final.
  [[nodiscard]] bool polling() const { return polling_; }
  /// rx_ns of the last packet accepted; nullopt before the first.
  [[nodiscard]] std::optional<Nanos> last_rx_ns() const { return last_rx_ns_; }
  [[nodiscard]] Nanos next_tx_ns() const { return next_tx_; }
  [[nodiscard]] Nanos detection_deadline() const { return detect_deadline_; }
  /// min(next_tx_ns(), detection_deadline()).
  [[nodiscard]] Nanos next_deadline() const;
  [[nodiscard]] std::uint64_t transitions() const { return transitions_; }
  [[nodiscard]] std::uint64_t packets_sent() const { return sent_; }
  [[nodiscard]] std::uint64_t packets_received() const { return received_; }

 private:
  static void validate(const SessionParams& p);
  [[nodiscard]] std::uint32_t wanted_tx_us() const;
  [[nodiscard]] bool may_send_periodic() const;
  [[nodiscard]] Nanos jittered(std::uint32_t interval_us);
  ControlPacket build(bool poll, bool final) const;
  void enter(State next, Diag diag, Actions& a, const char* reason);
  void update_local_intervals();
  void end_poll();
  void send_now(Actions& a, Nanos now, bool final);
  void rearm_tx(Nanos now);

  SessionParams params_;
  Random random_;
  bool started_ = false;
  State state_ = State::Down;
  State remote_state_ = State::Down;
  Diag local_diag_ = Diag::None;
  Diag remote_diag_ = Diag::None;
  std::uint32_t remote_discr_ = 0;
  std::uint8_t remote_detect_mult_ = 0;
  std::uint32_t remote_min_rx_us_ = 1;  // §6.8.1 initial value
  std::uint32_t remote_desired_tx_us_ = 0;
  std::uint32_t remote_tx_pending_us_ = 0;      // a lower RemoteDesiredMinTx awaiting its Poll
  std::optional<Nanos> last_unprompted_rx_ns_;  // last packet without F
  bool remote_demand_ = false;
  std::uint32_t adv_tx_us_ = 0;     // advertised DesiredMinTx
  std::uint32_t adv_rx_us_ = 0;     // advertised RequiredMinRx
  std::uint32_t used_tx_us_ = 0;    // DesiredMinTx used for our transmit interval
  std::uint32_t detect_rx_us_ = 0;  // RequiredMinRx used for the detection time
  bool polling_ = false;
  std::optional<Nanos> last_rx_ns_;
  Nanos last_tx_ = kNever;
  Nanos next_tx_ = kNever;
  Nanos detect_deadline_ = kNever;
  std::uint64_t transitions_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
};

}  // namespace xvrrp::core::bfd
