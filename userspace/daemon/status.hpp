// SPDX-License-Identifier: GPL-2.0-or-later
// The `status` reply of the control socket, rendered from a snapshot the
// daemon fills in. Pure: the JSON is a function of the snapshot only (the
// field names are read by xvrrpctl and the tests; keep them stable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xvrrp::daemon {

struct VipStatus {
  std::string addr;  ///< "ADDR/LEN"
  std::string dev;
  bool present = false;  ///< on its device now (netlink cache)
};

struct TrackedStatus {
  std::string name;
  bool up = false;
  int weight = 0;
};

/// One tracked object (track_interface line, track_script line) and what it
/// does to the instance now: effective priority = clamp(base_priority + sum of
/// the trackers' delta, 1, 254) (an owner keeps 255), FAULT when any tracker
/// has fault (or the instance's own interface is down).
struct TrackerStatus {
  std::string name;
  /// "interface", "script", "file", "bfd", "process".
  std::string kind;
  /// interface, bfd, process (quorum): "UP", "DOWN"; script: "INIT", "OK", "KO"; file: "OK",
  /// "KO".
  std::string state;
  int weight = 0;
  bool reverse = false;
  bool fault = false;  ///< holds the instance in FAULT
  int delta = 0;       ///< its share of the priority delta
  // Scripts only:
  std::optional<std::string> last_result;  ///< core::run_outcome_name(); null before the first
  std::optional<double> last_result_age_s;
  std::optional<int> last_exit_code;  ///< null: killed by a signal or not started
  std::uint64_t runs = 0;
  std::uint64_t skipped = 0;
  // Files only: the value read last (track_file semantics) and the path. Processes: the
  // number running (value) and the age of the last quorum change (last_result_age_s).
  std::int64_t value = 0;
  std::string path;
};

/// Per-session numbers for `status`, `counters` and `metrics`.
struct BfdSessionStatus {
  std::string name;
  std::string neighbor;
  std::string source;  ///< "" when the kernel picks it
  std::string state;   ///< core::bfd::state_name()
  std::string remote_state;
  std::string local_diag;  ///< core::bfd::diag_name()
  std::string remote_diag;
  std::uint32_t local_discriminator = 0;
  std::uint32_t remote_discriminator = 0;
  std::uint32_t tx_interval_us = 0;  ///< negotiated, before jitter
  std::uint32_t rx_interval_us = 0;  ///< the remote's transmit interval as we expect it
  std::uint32_t detect_mult = 0;     ///< ours
  std::uint32_t remote_detect_mult = 0;
  double detection_time_ms = 0;
  std::optional<double> last_packet_age_ms;
  bool polling = false;
  bool passive = false;
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;  ///< accepted by the session (socket and replays)
  bool folded_in_xdp = false;          ///< repeats are dropped by the XDP program
  std::uint64_t packets_folded = 0;    ///< repeats the XDP program dropped
  std::uint64_t replays = 0;           ///< folded records replayed at detection expiry
  std::uint64_t drops = 0;  ///< packets for this session discarded (GTSM, session checks)
  std::uint64_t send_errors = 0;
  std::uint64_t transitions = 0;
};

/// Drops no session can be blamed for.
struct BfdCounters {
  std::uint64_t malformed = 0;   ///< failed decode() (RFC 5880 §6.8.6 packet checks)
  std::uint64_t no_session = 0;  ///< no session for the discriminator or source
  std::uint64_t gtsm = 0;        ///< TTL / hop limit below ttl - max_hops
};

/// An instance's auth_hmac: its settings without key material, and every
/// received advert's verification result (core::auth_hmac::result_name()).
struct HmacStatus {
  std::string mode;  ///< core::auth_hmac::mode_name()
  unsigned active_key = 0;
  std::vector<unsigned> key_ids;
  unsigned time_window_s = 0;
  std::vector<std::pair<std::string, std::uint64_t>> results;
};

/// The last on-demand handover (xvrrpctl handover, maintenance on).
struct HandoverStatus {
  std::uint64_t id = 0;
  std::string result;            ///< "pending", "done", "abandoned", "interrupted"
  double age_ms = 0;             ///< since it began
  std::optional<double> gap_ms;  ///< priority 0 sent -> the new master's advert received
  std::optional<std::string> new_master;
};

struct InstanceStatus {
  std::string name;
  std::string interface;
  unsigned vrid = 0;
  unsigned version = 0;
  /// Accept mode (config::Instance::accept): false below priority 255 means no_accept, the
  /// VIPs filtered while MASTER (net/vip_filter.hpp).
  bool accept = true;
  bool strict_mode = false;
  std::string state;  ///< core::state_name()
  unsigned base_priority = 0;
  unsigned effective_priority = 0;
  std::optional<std::string> master;
  unsigned master_priority = 0;
  std::optional<double> last_advert_age_ms;
  unsigned advert_int_ms = 0;
  unsigned master_adver_int_ms = 0;
  std::uint64_t transitions = 0;
  std::vector<VipStatus> vips;
  /// virtual_routes / virtual_rules as `ip route` / `ip rule` text, and whether added now.
  std::vector<std::pair<std::string, bool>> routes;
  std::vector<std::pair<std::string, bool>> rules;
  std::vector<TrackedStatus> tracked;
  std::vector<TrackerStatus> trackers;
  /// Its vrrp_sync_group, null when none.
  std::optional<std::string> sync_group;
  int priority_delta = 0;  ///< sum of the trackers' delta (before clamping)
  bool tracking_fault = false;
  std::uint64_t adverts_sent = 0;
  std::uint64_t adverts_received = 0;
  std::uint64_t priority_zero_sent = 0;
  std::uint64_t garps_sent = 0;
  /// A busy host (policy/down_guard.hpp), maxima since start: the largest gap between two
  /// adverts of the master heard as BACKUP (null before one) and its share of the
  /// master-down interval in force then; near misses (gaps >= policy::kNearMissSharePct of
  /// it); the largest lateness of a periodic advert as MASTER (scheduled -> sendmmsg
  /// returned) and the part of it before the event loop woke; the expiries the quiet-path
  /// rule deferred; the current master-down interval.
  std::optional<double> max_advert_gap_ms;
  double max_gap_share_pct = 0;
  std::uint64_t near_misses = 0;
  double max_send_late_ms = 0;
  double max_wake_late_ms = 0;
  std::uint64_t down_timer_extensions = 0;
  double master_down_interval_ms = 0;
  std::string master_bfd;  ///< "" without master_bfd
  std::uint64_t bfd_takeovers = 0;
  std::uint64_t bfd_contradictions = 0;
  std::optional<HmacStatus> auth_hmac;  ///< null without an auth_hmac block
  bool maintenance = false;
  bool preempt_held = false;  ///< after an on-demand handover (core::Instance::preempt_held)
  /// Crash resume verdict at start-up (policy::resume_action_name), "clean" when none applied.
  std::string start = "clean";
  bool keeps_found_vips = false;  ///< VIPs a killed predecessor left, kept until a master is heard
  std::optional<HandoverStatus> last_handover;
};

/// A vrrp_sync_group: its members (in group order) and the group's state
/// (policy::sync_group_state; "INIT" before its members settled).
struct SyncGroupStatus {
  std::string name;
  std::string state;
  std::vector<std::string> members;
  bool tracking_weight = false;
};

/// policy::LatenessHistogram as reported: cumulative counts per upper bound (ms); the
/// adverts above the last bound are count minus the last bucket's.
struct SendLatenessStatus {
  std::uint64_t count = 0;
  double sum_ms = 0;
  struct Bucket {
    double le_ms = 0;
    std::uint64_t count = 0;  ///< adverts at most le_ms late
  };
  std::vector<Bucket> buckets;
};

struct DaemonStatus {
  std::string router_id;
  std::int64_t pid = 0;
  unsigned abi_version = 0;
  std::string rx;         ///< "xdp" or "socket"
  std::string rx_detail;  ///< per-interface attach modes
  double uptime_s = 0;
  /// XVRRP_REJECT_* counts of the userspace validator, in reason order.
  std::vector<std::uint64_t> socket_rejects;
  std::uint64_t reloads = 0;
  std::uint64_t reload_failures = 0;
  bool maintenance = false;  ///< xvrrpctl maintenance on (persisted)
  std::vector<InstanceStatus> instances;
  std::vector<SyncGroupStatus> sync_groups;
  std::vector<BfdSessionStatus> bfd_sessions;
  BfdCounters bfd_drops;
  SendLatenessStatus send_lateness;  ///< the master side's periodic adverts, all instances
  /// notify_fifo lines dropped since start because a reader did not keep up, all FIFOs.
  std::uint64_t notify_fifo_dropped = 0;
  /// Log lines dropped since start because stderr's reader did not keep up (log.hpp).
  std::uint64_t log_lines_dropped = 0;
};

/// One line of JSON, no trailing newline. `vips_present` is true when the
/// instance has VIPs and every one is present.
std::string render_status_json(const DaemonStatus& status);

}  // namespace xvrrp::daemon
