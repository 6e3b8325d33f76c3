// SPDX-License-Identifier: GPL-2.0-or-later
// Small daemon rules that are policy, not wiring. Pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/ip_address.hpp"
#include "core/vrrp_instance.hpp"

namespace xvrrp::config {
struct Config;
}

namespace xvrrp::policy {

/// At most one event per `interval`: allow(now) is true for the first call
/// and then for the first call at least `interval` after the last allowed one.
class RateLimit {
 public:
  explicit RateLimit(core::Nanos interval) : interval_(interval) {}
  bool allow(core::Nanos now) {
    if (last_ && now - *last_ < interval_) {
      ++suppressed_;
      return false;
    }
    last_ = now;
    return true;
  }
  /// Calls refused since construction.
  [[nodiscard]] std::uint64_t suppressed() const { return suppressed_; }

 private:
  core::Nanos interval_;
  std::optional<core::Nanos> last_;
  std::uint64_t suppressed_ = 0;
};

/// When to try again something that failed and that no event will retry (an XDP hook held
/// by another program frees without a link event): `first` after the first failure, the
/// wait doubling after each further one up to `max`. succeeded() or cancel() stops it.
class RetryBackoff {
 public:
  RetryBackoff(core::Nanos first, core::Nanos max) : first_(first), max_(max) {}
  /// A failure at `now`: returns the wait before the next try.
  core::Nanos failed(core::Nanos now) {
    wait_ = wait_ == 0 ? first_ : std::min(wait_ * 2, max_);
    due_ = now + wait_;
    return wait_;
  }
  void succeeded() { cancel(); }
  void cancel() {
    wait_ = 0;
    due_ = core::kNever;
  }
  [[nodiscard]] bool pending() const { return due_ != core::kNever; }
  [[nodiscard]] bool due(core::Nanos now) const { return now >= due_; }

 private:
  core::Nanos first_, max_;
  core::Nanos wait_ = 0;
  core::Nanos due_ = core::kNever;
};

/// keepalived's garp_lower_prio_repeat: a MASTER that stays MASTER after a
/// non-zero advert below its own priority re-announces its VIPs (the sender
/// believed it was master and may have told the clients its MAC). The caller
/// rate-limits (one burst a second).
inline bool reclaim_after_lower_advert(bool was_master, core::State now_state,
                                       std::uint8_t advert_priority, std::uint8_t our_priority) {
  return was_master && now_state == core::State::Master && advert_priority != 0 &&
         advert_priority < our_priority;
}

/// One address of the VRRP interface, in kernel order.
struct AddressCandidate {
  IpAddress addr;
  bool secondary = false;  ///< IFA_F_SECONDARY
  bool tentative = false;  ///< IFA_F_TENTATIVE (IPv6 DAD not done)
};

/// The advert source (and tie-break address, RFC 5798 §6.4.3) of `family`
/// from the interface's current addresses: IPv4, the first primary address
/// that is not one of `vips`, else the first non-VIP; IPv6, the first
/// non-tentative link-local (RFC 5798 §5.1.2.1). Never a VIP: a /32 VIP on
/// the VRRP interface can be listed first, and peers drop adverts from it.
std::optional<IpAddress> choose_source(std::span<const AddressCandidate> addrs, int family,
                                       std::span<const IpAddress> vips);

/// keepalived's `last_seen` resync rule: a BPF last-seen record may refresh
/// the backup's down timer only if it describes the advert the backup last
/// accepted: same source, priority, interval, address count and list hash.
struct AdvertSummary {
  IpAddress src;
  std::uint8_t priority = 0;
  std::uint16_t advert_int_cs = 0;
  std::uint8_t naddrs = 0;
  std::uint32_t addr_hash = 0;
  friend bool operator==(const AdvertSummary&, const AdvertSummary&) = default;
};

/// SCHED_FIFO priority of the event loop when a configuration needs one and the operator
/// gave none (xvrrpd --realtime-priority).
inline constexpr int kDefaultRealtimePriority = 20;

/// The event loop's SCHED_FIFO priority for `cfg`, or -1 for SCHED_OTHER. `requested` is
/// --realtime-priority: 1..99 is used as given, -1 (the option's 0) never, 0 (absent)
/// decides from the configuration: kDefaultRealtimePriority when a deadline under a second
/// depends on this host sending or reading on time, that is a vrrp_instance advertising
/// faster than once a second (its backups take over after 3 intervals), or a bfd_instance
/// whose min_tx or min_rx is under a second (its peer declares the session Down after
/// `multiplier` intervals: with master_bfd, a takeover); else -1.
int realtime_priority(const config::Config& cfg, int requested);

}  // namespace xvrrp::policy
