// SPDX-License-Identifier: GPL-2.0-or-later
// Crash resume: what a starting daemon does with an instance that a killed predecessor (SIGKILL,
// crash, OOM: no priority 0 sent) may have left as MASTER, holding its VIPs.
//
// The predecessor recorded, per instance, its state, whether it was handing over, a hash of the
// instance's configuration and the CLOCK_MONOTONIC time of its last advert
// (daemon/resume_file.hpp). The peer's down timer has been counting since that advert: restarted
// within one Master_Down_Interval, with everything as it was, the instance resumes as MASTER with
// no priority 0, no VIP removal and no transition on the peer. Otherwise it starts as BACKUP as
// before, but a VIP the predecessor left on its device stays there until a master is heard (the
// peer then holds it) or the instance becomes MASTER itself: clients are never left without a
// holder, and two holders last at most until the new master's first advert (one interval).
//
// Pure: the daemon gathers the evidence (the record, the devices, the XDP last-seen record the
// program kept writing while no daemon ran) and performs the verdict.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

/// The predecessor's record of one instance (daemon/resume_file.hpp), already checked for a torn
/// write and for the boot it was written in.
struct ResumeRecord {
  core::State state = core::State::Initialize;
  bool handing_over = false;       ///< It had sent priority 0 (planned stop, reload, handover).
  std::uint64_t config_hash = 0;   ///< config_hash() of the instance it ran.
  core::Nanos last_advert_ns = 0;  ///< CLOCK_MONOTONIC time of its last non-zero advert.
};

/// The newest advert of a peer the XDP program recorded (xvrrp_last_seen) before this daemon
/// claimed the pins: the program stays attached and keeps recording while no daemon runs.
struct PeerHeard {
  core::Nanos rx_ns = 0;
  std::uint8_t priority = 0;
};

struct ResumeEvidence {
  /// Absent: no record of the instance, or the record file is from another boot or unreadable.
  std::optional<ResumeRecord> record;
  std::uint64_t config_hash = 0;  ///< config_hash() of the instance now.
  core::Nanos now = 0;            ///< CLOCK_MONOTONIC.
  /// The instance's Master_Down_Interval at its configured priority (the shortest a peer at a
  /// lower priority may wait before it takes over).
  core::Nanos master_down_interval = 0;
  std::size_t vips_configured = 0;
  std::size_t vips_present = 0;  ///< Configured VIPs found on their device now.
  std::optional<PeerHeard> peer;
  bool faulted = false;  ///< Its tracking says FAULT at start-up.
  /// keepalived's vrrp_startup_delay is set: every instance starts held as BACKUP and adverts
  /// are dropped until it ends, which a resumed MASTER cannot be.
  bool startup_delayed = false;
};

enum class ResumeAction {
  /// Start as MASTER: VIPs kept, an advert at once, no priority 0.
  Resume,
  /// Start as BACKUP, keeping the VIPs found until a master is heard or it becomes MASTER.
  KeepVips,
  /// Start as before: VIPs found on the devices are removed as stale.
  Clean,
};

struct ResumeVerdict {
  ResumeAction action = ResumeAction::Clean;
  const char* reason = "";  ///< Static text for the log.
};

/// Decides in this order:
///  1. no configured VIP on its device                         -> Clean (nothing to keep)
///  2. tracking says FAULT                                      -> Clean (a faulted host lets go)
///  3. no record                                                -> KeepVips
///  4. recorded state is not MASTER                             -> Clean (the VIPs are not its own)
///  5. it was handing over                                      -> KeepVips (the peer is taking
///  over)
///  6. configuration hash differs                               -> KeepVips
///  7. a configured VIP is missing                              -> KeepVips
///  8. record older than master_down_interval, or in the future -> KeepVips
///  9. a peer advert with priority > 0 newer than the last one sent (the peer acts as master)
///                                                              -> KeepVips
/// 10. vrrp_startup_delay holds every instance as BACKUP          -> KeepVips
/// 11. otherwise                                                -> Resume
ResumeVerdict decide_resume(const ResumeEvidence& evidence);

const char* resume_action_name(ResumeAction action);

/// FNV-1a 64 over config::describe_instance(): changes when any field of the instance does
/// (source positions excluded). Never 0 (0 marks "no record").
std::uint64_t config_hash(const config::Instance& instance);

}  // namespace xvrrp::policy
