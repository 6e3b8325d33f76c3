// SPDX-License-Identifier: GPL-2.0-or-later
// GarpSchedule: when to send gratuitous ARPs after becoming Master, with keepalived's semantics
// (vrrp_garp_master_repeat / _delay / _refresh / _refresh_repeat, vrrp_garp_interval):
//   - at start(): a burst of `repeat` GARPs;
//   - at start + delay: a second burst of `repeat` (delay 0 = no second burst);
//   - every `refresh` after start: a burst of `refresh_repeat` (refresh 0 = off);
//   - GARPs inside a burst are spaced by `interval` (0 = all at once).
// Pure logic: the daemon calls due(now) at next_deadline() and sends that many GARPs for each
// IPv4 VIP. One GARP "count" means one round over the instance's VIPs.
#pragma once

#include <cstdint>

#include "core/vrrp_instance.hpp"  // Nanos, kNever

namespace xvrrp::core {

struct GarpParams {
  int repeat = 5;                     ///< garp_master_repeat, >= 0.
  Nanos interval = 0;                 ///< garp_interval, spacing inside a burst, >= 0.
  Nanos delay = 5 * kNanosPerSecond;  ///< garp_master_delay; 0 = no second burst.
  Nanos refresh = 0;                  ///< garp_master_refresh; 0 = off.
  int refresh_repeat = 1;             ///< garp_master_refresh_repeat, >= 0.
};

class GarpSchedule {
 public:
  /// Throws std::invalid_argument naming the field when a value is negative.
  explicit GarpSchedule(GarpParams params = {});

  /// Becoming Master: restarts the whole schedule from `now` (first burst due at once).
  void start(Nanos now);
  /// Leaving Master: nothing more is due.
  void stop();
  [[nodiscard]] bool active() const { return active_; }

  /// A Master heard a lower priority advert (keepalived garp_lower_prio_repeat and
  /// garp_lower_prio_delay): `repeat` more GARPs from `now`, paced like any burst, and when
  /// `delay` > 0 as many again at now + delay (a later call moves that burst). No effect
  /// unless active(); negative values count as 0.
  void reannounce(Nanos now, int repeat, Nanos delay);

  /// Earliest time due() will return > 0; kNever when nothing is scheduled.
  [[nodiscard]] Nanos next_deadline() const;
  /// How many GARP rounds to send now (0 when early); advances the schedule.
  int due(Nanos now);

  [[nodiscard]] const GarpParams& params() const { return params_; }

 private:
  GarpParams params_;
  bool active_ = false;
  int pending_ = 0;               // GARPs of the current burst(s) not yet sent
  Nanos next_in_burst_ = kNever;  // when the next pending GARP may go (interval pacing)
  Nanos second_burst_at_ = kNever;
  Nanos refresh_at_ = kNever;
  Nanos lower_burst_at_ = kNever;  // reannounce()'s delayed burst
  int lower_repeat_ = 0;
};

}  // namespace xvrrp::core
