// SPDX-License-Identifier: GPL-2.0-or-later
// What a backup does when its master-down timer expires on a busy host, and the near-miss
// record that warns before a false takeover happens. Pure: the daemon passes times and
// counter readings, it reads no clock and no kernel state here.
//
// The quiet-path rule (an xvrrpd extension; the wire protocol is unchanged). RFC 5798 §6.4.2
// takes over when Master_Down_Timer fires. On a loaded host the timer can fire because the
// receive path stalled (softirq processing deferred to a starved ksoftirqd), not because the
// master stopped: the master's adverts are queued before our XDP hook. The daemon reads the
// VRRP interface's received-packet counter at every backup wake-up. When the timer expires
// and the interface has delivered nothing at all since the previous reading, the path, not
// the master, may be quiet: the takeover waits at most `grace` more (once per silence),
// logged and counted. When the interface did deliver frames, the master is silent on a live
// path: take over at once. A real master failure is therefore detected within
// Master_Down_Interval + grace, and grace 0 gives RFC behaviour.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

using core::Nanos;

/// Default grace of the quiet-path rule, in advert intervals (xvrrpd --quiet-path-grace).
inline constexpr std::uint32_t kDefaultQuietPathGraceAdverts = 1;
/// Largest accepted --quiet-path-grace, in advert intervals.
inline constexpr std::uint32_t kMaxQuietPathGraceAdverts = 10;

enum class ExpiryVerdict : std::uint8_t {
  TakeOver,  ///< act on the expired timer (RFC 5798 §6.4.2)
  Extend,    ///< wait until ExpiryDecision::until: the path delivered nothing
};

struct ExpiryDecision {
  ExpiryVerdict verdict = ExpiryVerdict::TakeOver;
  Nanos until = 0;  ///< Extend only: the new deadline, CLOCK_MONOTONIC ns
};

/// A share of the master-down interval at or above which an inter-advert gap is a near
/// miss, in percent.
inline constexpr std::uint32_t kNearMissSharePct = 75;

/// Per instance. Owned by the daemon's instance runtime; reset on every state change.
class DownGuard {
 public:
  /// The interface's received-packet counter read at a wake-up of a BACKUP (before the
  /// expiry check). A counter that went backwards (interface recreated) restarts the reading.
  void note_rx_counter(std::uint64_t rx_packets);

  /// The master-down timer expired at `now`, with every pending report already read; the
  /// counter was read again just now. `grace` ns, 0 disables the rule.
  ExpiryDecision on_expiry(Nanos now, std::uint64_t rx_packets_now, Nanos grace);

  /// An advert from the master refreshed the timer: the next silence gets a grace again.
  void on_advert() { extended_ = false; }

  /// Down-timer extensions taken since start.
  [[nodiscard]] std::uint64_t extensions() const { return extensions_; }
  /// Whether the current silence is already extended.
  [[nodiscard]] bool extended() const { return extended_; }

  /// Forget the readings (state change, interface change); counts stay.
  void reset();

 private:
  std::optional<std::uint64_t> rx_seen_;
  bool extended_ = false;
  std::uint64_t extensions_ = 0;
};

/// The near-miss record of one instance: the largest inter-advert gap heard as BACKUP and the
/// largest lateness of its own periodic adverts as MASTER. Monotonic maxima since start.
struct NearMiss {
  Nanos max_gap_ns = 0;        ///< largest gap between consecutive adverts of the master
  Nanos max_gap_mdi_ns = 0;    ///< the Master_Down_Interval in force at that gap
  Nanos max_send_late_ns = 0;  ///< largest (sent - scheduled) of a periodic advert
  /// largest (the event loop woke for it - scheduled) of a periodic advert: the part of the
  /// send lateness spent waiting for the CPU; the rest is the loop's turn and sendmmsg
  Nanos max_wake_late_ns = 0;
  std::uint64_t near_misses = 0;  ///< gaps at or above kNearMissSharePct of the MDI

  /// A gap between two adverts of the master; returns true when it is a near miss (the
  /// caller logs it, rate-limited).
  bool note_gap(Nanos gap_ns, Nanos mdi_ns);
  void note_send_lateness(Nanos late_ns);
  void note_wake_lateness(Nanos late_ns);
  /// max_gap_ns as a percentage of max_gap_mdi_ns (0 when none recorded).
  [[nodiscard]] double max_gap_share_pct() const;
};

/// The lateness (sent - scheduled) of every periodic advert the daemon sent, all instances
/// together: a cumulative-bucket histogram, as Prometheus exports one. Daemon-wide, since
/// start. xvrrp-scale reads a quantile as the bound of the bucket that holds it: an upper
/// estimate.
class LatenessHistogram {
 public:
  /// Bucket upper bounds, ns, ascending; one more bucket above the last one holds the rest.
  static constexpr std::array<Nanos, 12> kUpperNs = {
      50'000,    100'000,    250'000,    500'000,    1'000'000,   2'500'000,
      5'000'000, 10'000'000, 25'000'000, 50'000'000, 100'000'000, 1'000'000'000};
  static constexpr std::size_t kBuckets = kUpperNs.size() + 1;

  /// One advert, `late_ns` after its time (negative counts as 0).
  void note(Nanos late_ns);

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] Nanos sum_ns() const { return sum_ns_; }
  /// Adverts at most kUpperNs[b] late (b < kUpperNs.size()).
  [[nodiscard]] std::uint64_t cumulative(std::size_t b) const;

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  Nanos sum_ns_ = 0;
};

/// Whether a gap is a near miss of the given master-down interval.
bool is_near_miss(Nanos gap_ns, Nanos mdi_ns);

}  // namespace xvrrp::policy
