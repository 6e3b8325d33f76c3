// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived.conf reader: the subset of keepalived's VRRP configuration that
// xvrrpd implements, parsed into plain values. Pure C++: it only reads files.
//
// Syntax (keepalived(5)): one keyword and its arguments per line; blocks in
// braces, which need no surrounding whitespace; '#' and '!' outside double
// quotes start a comment; "..." keeps spaces; `include GLOB` (relative to the
// including file's directory) splices matching files in place, sorted,
// with a depth limit and include-loop detection.
//
// Any control byte other than tab, CR and LF (a NUL, a binary include) is
// refused with FILE:LINE.
//
// One keyword table (config.cpp) drives the parser, the reload diff's field
// names, `xvrrpd -t` and the README's keyword list. Every keepalived.conf(5)
// keyword of the VRRP sections is implemented or refused with "FILE:LINE:
// error: X is not supported by xvrrpd"; keywords of keepalived's other
// subsystems are skipped with one "ignored, not part of VRRP: ..." warning.
// An unknown keyword is an error inside vrrp_instance, authentication,
// vrrp_script, vrrp_sync_group and track_file, and for vrrp_* names, a warning elsewhere. Invalid
// values throw ConfigError; nothing is partially returned.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.hpp"
#include "config/route_spec.hpp"
#include "core/auth_hmac.hpp"

namespace xvrrp::config {

/// A configuration error. what() is "FILE:LINE: error: MESSAGE", where
/// MESSAGE ends in "(expected ...)" when a value was out of range.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string where, const std::string& message);
  /// "FILE:LINE" of the offending token.
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

/// A virtual_ipaddress / virtual_ipaddress_excluded line.
struct Vip {
  IpAddress addr;
  /// Defaults to 32 (IPv4) or 128 (IPv6).
  std::uint8_t prefix_len = 0;
  /// `brd X` (IPv4 only).
  std::optional<IpAddress> broadcast;
  /// `dev D`; defaults to the instance's interface.
  std::string dev;
  /// RT_SCOPE_* value (linux/rtnetlink.h); default RT_SCOPE_UNIVERSE (0).
  std::uint8_t scope = 0;
  /// `label L` (IFA_LABEL), empty when absent.
  std::string label;
  /// "FILE:LINE" of the line; not part of equality.
  std::string where;
  /// false for virtual_ipaddress_excluded (installed, never put in adverts).
  bool advertised = true;

  /// Compares everything except `where`.
  friend bool operator==(const Vip& a, const Vip& b);
};

/// A unicast_peer line. A TTL range other than 0..255 enables the TTL check
/// on adverts from that peer (keepalived semantics).
struct UnicastPeer {
  IpAddress addr;
  std::uint8_t min_ttl = 0;
  std::uint8_t max_ttl = 255;
  friend bool operator==(const UnicastPeer&, const UnicastPeer&) = default;
};

/// A track_interface line (`IFNAME [weight -253..253 [reverse]]`).
struct TrackedInterface {
  std::string name;
  /// -253..253. 0: the instance enters FAULT while the interface is down.
  /// Otherwise (keepalived semantics) a positive weight is added to the
  /// priority while the interface is up, a negative one while it is down.
  int weight = 0;
  /// `reverse`: the direction is reversed (weight 0: FAULT while it is up).
  bool reverse = false;
  friend bool operator==(const TrackedInterface&, const TrackedInterface&) = default;
};

/// A vrrp_script block (keepalived.conf(5) "VRRP script(s)"): a health check
/// run every `interval`; exit 0 = OK. keepalived's defaults.
struct VrrpScript {
  std::string name;
  /// "FILE:LINE" of the vrrp_script keyword; not part of equality.
  std::string where;
  /// `script`: the command line (quoted words keep their quotes, as notify).
  std::string script;
  /// `interval` seconds (fractional, 3 decimals), in ms; default 1 s, >= 1 ms.
  std::uint32_t interval_ms = 1000;
  /// `timeout` in ms; 0 (default) = the interval, as keepalived. A run that
  /// lasts longer counts as a failure.
  std::uint32_t timeout_ms = 0;
  /// `weight -253..253 [reverse]`. 0: failure (after `fall`) means FAULT.
  int weight = 0;
  bool weight_reverse = false;
  /// Consecutive results needed to turn OK / KO; >= 1, default 1.
  std::uint32_t rise = 1;
  std::uint32_t fall = 1;
  /// `user USER [GROUP]`; empty: global_defs' script_user (keepalived.conf(5);
  /// filled in by the daemon, daemon/script_users.hpp), else root. Empty group:
  /// the user's primary group.
  std::string user, group;
  /// `init_fail`: the check starts as failed (KO) instead of OK.
  bool init_fail = false;

  /// Compares everything except `where`.
  friend bool operator==(const VrrpScript& a, const VrrpScript& b);
};

/// A track_script line: the script, and the weight it applies to this
/// instance (the script's own, or the line's `weight N [reverse|noreverse]`).
struct TrackedScript {
  /// A copy of the vrrp_script, so that a changed script shows up in
  /// diff_instances of the instances that track it.
  VrrpScript script;
  int weight = 0;
  bool weight_reverse = false;
  friend bool operator==(const TrackedScript&, const TrackedScript&) = default;
};

/// A bfd_instance block (keepalived.conf(5) "BFD CONFIGURATION"): one single-hop BFD session
/// (RFC 5880, RFC 5881) with keepalived's defaults (keepalived/include/bfd.h). keepalived
/// reads the intervals as milliseconds with 3 decimals; they are kept in microseconds, the
/// unit on the wire.
struct BfdInstance {  // NOLINT(clang-analyzer-optin.performance.Padding)
  std::string name;   ///< 1..31 characters, unique.
  /// "FILE:LINE" of the bfd_instance keyword; not part of equality.
  std::string where;
  /// `neighbor_ip` (or `neighbour_ip`): required.
  IpAddress neighbor_ip;
  /// `source_ip`: same family as the neighbor; unset = the kernel picks the source.
  std::optional<IpAddress> source_ip;
  /// `min_rx` (bfd.RequiredMinRxInterval), `min_tx` (bfd.DesiredMinTxInterval while Up),
  /// `idle_tx` (while not Up): 1 ms (idle_tx 1000 ms) .. 4294967 ms. Defaults 10, 10, 1000 ms.
  std::uint32_t min_rx_us = 10000;
  std::uint32_t min_tx_us = 10000;
  std::uint32_t idle_tx_us = 1000000;
  /// `multiplier` 1..255, default 5.
  std::uint8_t multiplier = 5;
  /// `passive`: send nothing until the neighbor's first packet.
  bool passive = false;
  /// `ttl` / `hoplimit` 1..255: TTL or hop limit of the packets we send and the value GTSM
  /// expects on received ones. Default 255 for both families (RFC 5881 §5; keepalived's IPv6
  /// default is 64, so a keepalived peer over IPv6 needs `hoplimit 255` or our max_hops 191).
  std::uint8_t ttl = 255;
  /// `max_hops` 0..255: received TTL + max_hops must reach ttl; 255 disables the check.
  /// Default 0 (GTSM proper). Clamped to ttl with a warning, as keepalived does.
  std::uint8_t max_hops = 0;
  /// `weight -253..253 [reverse]`: the default of track_bfd lines naming this instance.
  int weight = 0;
  bool weight_reverse = false;
  /// false when the block says `checker` and not `vrrp`: the session runs, but no
  /// vrrp_instance may track it (keepalived sends its events to the checker process only).
  bool vrrp = true;

  /// Compares everything except `where`.
  friend bool operator==(const BfdInstance& a, const BfdInstance& b);
};

/// A track_bfd line: the bfd_instance and the weight it applies to this instance (the
/// bfd_instance's own, or the line's `weight N [reverse|noreverse]`), keepalived's semantics:
/// weight 0 = FAULT while the session is not Up (reverse: while it is Up).
struct TrackedBfd {
  std::string name;
  int weight = 0;
  bool weight_reverse = false;
  friend bool operator==(const TrackedBfd&, const TrackedBfd&) = default;
};

/// A track_file block (keepalived.conf(5) "Track files"; vrrp_track_file is
/// its deprecated synonym): a file holding an integer, read whenever it is
/// written. With weight 0 a non-zero value is a failure; otherwise value x
/// weight is added to the priority, and a result <= -254 means FAULT.
struct TrackFile {
  std::string name;
  /// "FILE:LINE" of the track_file keyword; not part of equality.
  std::string where;
  /// `file PATH` (required).
  std::string path;
  /// `weight -254..254 [reverse]`; keepalived's default is 1.
  int weight = 1;
  bool weight_reverse = false;
  /// `init_file [VALUE] [overwrite]`: at start-up xvrrpd writes VALUE (default 0)
  /// to the file when it does not exist, or always with overwrite.
  bool init_file = false;
  int init_value = 0;
  bool init_overwrite = false;

  /// Compares everything except `where`.
  friend bool operator==(const TrackFile& a, const TrackFile& b);
};

/// A track_file line of an instance or sync group: the file, and the weight
/// it applies (the track_file's own, or the line's `weight N [reverse|noreverse]`).
struct TrackedFile {
  TrackFile file;
  int weight = 1;
  bool weight_reverse = false;
  friend bool operator==(const TrackedFile&, const TrackedFile&) = default;
};

/// A vrrp_track_process block (keepalived.conf(5)): enough processes matching `process`
/// must run. Without parameters and full_command a process matches when its name
/// (/proc/PID/comm, at most 15 bytes) equals `process`; with either, its command line's
/// first word must equal `process` and its further words `params` (param_match: exact, all
/// of them; partial, the first params.size(); initial, the same but the last one may be
/// longer). Matching is exact, never a pattern.
struct TrackProcess {
  enum class ParamMatch : std::uint8_t { kNone, kExact, kPartial, kInitial };
  std::string name;
  /// "FILE:LINE" of the vrrp_track_process keyword; not part of equality.
  std::string where;
  std::string process;
  std::vector<std::string> params;
  ParamMatch param_match = ParamMatch::kNone;
  bool full_command = false;
  /// `weight -254..254 [reverse]`; keepalived's default is 0 (FAULT without quorum).
  int weight = 0;
  bool weight_reverse = false;
  /// Up while quorum <= running <= quorum_max (quorum_max 0: up while none runs).
  std::uint32_t quorum = 1;
  std::uint32_t quorum_max = UINT32_MAX;
  /// fork_delay / terminate_delay (`delay` sets both), in milliseconds, 0..3600 s.
  std::uint32_t fork_delay_ms = 0;
  std::uint32_t terminate_delay_ms = 0;

  /// Compares everything except `where`.
  friend bool operator==(const TrackProcess& a, const TrackProcess& b);
};

/// A track_process line of an instance: the process tracker and the weight it applies (the
/// block's own, or the line's `weight N [reverse|noreverse]`).
struct TrackedProcess {
  TrackProcess process;
  int weight = 0;
  bool weight_reverse = false;
  friend bool operator==(const TrackedProcess&, const TrackedProcess&) = default;
};

/// One vrrp_instance block, with every default and global value resolved.
/// Members follow keepalived.conf(5)'s order, not the tightest packing: a
/// handful exist per daemon.
struct Instance {  // NOLINT(clang-analyzer-optin.performance.Padding)
  std::string name;
  /// "FILE:LINE" of the vrrp_instance keyword; not part of equality.
  std::string where;
  /// `state MASTER` (initial state only; RFC 5798 §6.4.1 still applies).
  bool initial_master = false;
  std::string interface;
  std::uint8_t vrid = 0;
  /// 1..255, default 100. 255 = address owner.
  std::uint8_t priority = 100;
  /// Advertisement interval in centiseconds (RFC 5798 §5.2.7 unit).
  /// v2: 100..25500 in whole seconds; v3: 1..4095. Default 100.
  std::uint16_t advert_int_cs = 100;
  /// 2 (RFC 3768) or 3 (RFC 5798).
  std::uint8_t version = 2;
  /// 0 none, 1 simple text password (RFC 3768 §5.3.6.1).
  std::uint8_t auth_type = 0;
  /// First 8 bytes of auth_pass, zero padded.
  std::array<std::uint8_t, 8> auth_pass{};
  /// The auth_hmac block (keepalived >= 2.4), with time_window resolved in time
  /// mode. Key bytes are never rendered: -t, diffs and status show key ids only.
  std::optional<core::auth_hmac::Settings> auth_hmac;
  std::optional<IpAddress> unicast_src_ip;
  /// Empty: multicast adverts.
  std::vector<UnicastPeer> unicast_peers;
  /// TTL / hop limit on adverts we send. Default 255.
  std::uint8_t unicast_ttl = 255;
  /// Drop adverts whose source is not a unicast_peer.
  bool check_unicast_src = false;
  /// Advertised VIPs first in file order, then excluded ones.
  std::vector<Vip> vips;
  std::vector<TrackedInterface> tracked;
  /// false with `nopreempt`.
  bool preempt = true;
  /// preempt_delay, 0..1000 s, in nanoseconds.
  std::int64_t preempt_delay_ns = 0;
  /// Gratuitous ARP / NA: second burst after garp_master_delay (0 = none),
  /// garp_master_repeat messages per burst, refresh every garp_master_refresh
  /// (0 = off) with garp_master_refresh_repeat messages.
  std::uint32_t garp_master_delay_ms = 5000;
  std::uint32_t garp_master_repeat = 5;
  std::uint32_t garp_master_refresh_ms = 0;
  std::uint32_t garp_master_refresh_repeat = 1;
  /// Script command lines (run through /bin/sh by the daemon), empty if unset.
  std::string notify_master, notify_backup, notify_fault, notify, notify_stop;
  /// Spacing of the gratuitous ARPs (IPv4, vrrp_garp_interval) or unsolicited
  /// NAs (IPv6, vrrp_gna_interval) inside one burst, in milliseconds; 0 = back
  /// to back. keepalived paces per interface; xvrrpd per instance.
  std::uint32_t garp_interval_ms = 0;
  /// false with dont_track_primary: the instance's own interface going down
  /// does not put it in FAULT.
  bool track_primary = true;
  /// track_script lines, in file order.
  std::vector<TrackedScript> track_scripts;
  /// xvrrpd extension `xvrrp_instant_takeover on|off`: as Backup, a priority 0 advert means
  /// take over at once instead of after Skew_Time. Resolved: the keyword, else on exactly when
  /// the instance has one unicast_peer (the only possible successor).
  bool instant_takeover = false;
  /// track_bfd lines, in file order.
  std::vector<TrackedBfd> track_bfds;
  /// xvrrpd extension `master_bfd NAME`: the bfd_instance whose neighbor is the peer master.
  /// As Backup, with that neighbor as the current master, the session going Down is
  /// Master_Down: take over at once (unless adverts from it are still arriving). Empty: none.
  std::string master_bfd;
  /// track_file lines, in file order; a sync group's lines are appended.
  std::vector<TrackedFile> track_files;
  /// The vrrp_sync_group this instance belongs to; empty when none.
  std::string sync_group;
  /// down_timer_adverts (else vrrp_down_timer_adverts), 1..100: adverts missed before the
  /// master is down. 3 is RFC 5798's value.
  std::uint8_t down_timer_adverts = 3;
  /// lower_prio_no_advert / higher_prio_send_advert (else the vrrp_ globals): see
  /// core::InstanceParams.
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  /// As MASTER hearing a lower priority advert: garp_lower_prio_repeat gratuitous ARPs / NAs
  /// at once (else vrrp_garp_lower_prio_repeat, whose default is vrrp_garp_master_repeat;
  /// 0 = none) and as many again garp_lower_prio_delay later (whole seconds in ms; 0 = no
  /// second burst).
  std::uint32_t garp_lower_prio_repeat = 5;
  std::uint32_t garp_lower_prio_delay_ms = 0;
  /// virtual_routes / virtual_rules lines (config/route_spec.hpp), in file order: added on
  /// entering MASTER (after the VIPs), removed on leaving it (before them).
  std::vector<RouteSpec> virtual_routes;
  std::vector<RuleSpec> virtual_rules;
  /// track_process lines, in file order.
  std::vector<TrackedProcess> track_processes;
  /// notify_priority_changes [BOOL] (else the sync group's, else vrrp_notify_priority_changes):
  /// a change of the effective priority writes a MASTER_PRIORITY / BACKUP_PRIORITY line to
  /// the notify FIFOs.
  bool notify_priority_changes = false;
  /// strict_mode [BOOL] (else vrrp_strict): keepalived's strict RFC compliance. Resolved here:
  /// what strict mode forbids is refused (unicast peers, no VIPs) or reset with a warning
  /// (authentication, preempt_delay, state MASTER below priority 255, ...).
  bool strict_mode = false;
  /// accept / no_accept (RFC 5798 §6.1 Accept_Mode). Unset: true, except in strict mode below
  /// priority 255. False below priority 255: while MASTER the host drops packets addressed to
  /// the VIPs and sends none from them (net/vip_filter.hpp); they serve as a gateway only.
  bool accept = true;
  /// use_vmac [NAME] (default vrrp.VRID; empty = none): the VIPs without `dev`, or on the
  /// instance's interface, go on a macvlan of it with the virtual router MAC (net/vmac.hpp),
  /// and adverts leave from it unless vmac_xmit_base. IPv4 instances only.
  std::string vmac;
  bool vmac_xmit_base = false;

  /// AF_INET or AF_INET6: the family of the advertised VIPs (else of
  /// unicast_src_ip, else of the first peer, else AF_INET).
  [[nodiscard]] int family() const;

  /// Compares every field except `where` (and Vip::where), so a reload that
  /// only moved lines around does not count as a change.
  friend bool operator==(const Instance& a, const Instance& b);
};

/// Longest router_id accepted (it names /run/xvrrp/<router_id>.ctl and a
/// bpffs directory).
inline constexpr std::size_t kMaxRouterIdLength = 64;

/// keepalived's global_defs notify_fifo / vrrp_notify_fifo (keepalived.conf(5)) and their
/// *_script: a FIFO the daemon writes a line to at every state change (format in
/// policy/notify_fifo.hpp), created (mode 0644) if missing.
struct NotifyFifo {
  /// Absolute path; empty = no FIFO.
  std::string path;
  /// `notify_fifo PATH [USER [GROUP]]`: owner given to a FIFO the daemon creates; empty =
  /// script_user (keepalived's default), else the daemon's own. Checked to exist.
  std::string user, group;
  /// `notify_fifo_script COMMAND [USER [GROUP]]`: started with the FIFO's path as its last
  /// argument when the FIFO is opened, ended at shutdown; runs as USER (empty = script_user).
  std::string script;
  std::string script_user, script_group;
  friend bool operator==(const NotifyFifo&, const NotifyFifo&) = default;
};

struct Global {
  /// global_defs router_id, else the caller's default (xvrrpd passes the
  /// host name); empty only when neither is given. Validated: 1..64
  /// characters, no '/', no control bytes, not "." or "..".
  std::string router_id;
  /// vrrp_version, default 2.
  std::uint8_t vrrp_version = 2;
  std::uint32_t garp_master_delay_ms = 5000;
  std::uint32_t garp_master_repeat = 5;
  std::uint32_t garp_master_refresh_ms = 0;
  std::uint32_t garp_master_refresh_repeat = 1;
  /// vrrp_check_unicast_src: default for every instance.
  bool check_unicast_src = false;
  /// vrrp_garp_interval / vrrp_gna_interval in milliseconds (0 = none).
  std::uint32_t garp_interval_ms = 0;
  std::uint32_t gna_interval_ms = 0;
  /// script_user USER [GROUP]: who notify and check scripts run as (empty = root, the
  /// daemon's user, keepalived's default). Resolved by the daemon
  /// (daemon/script_users.hpp), not here.
  std::string script_user;
  std::string script_group;
  /// enable_script_security: refuse scripts writable by non-root users.
  bool script_security = false;
  /// Defaults of the instance keywords of the same names without the vrrp_ prefix.
  std::uint8_t down_timer_adverts = 3;
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  /// Resolved: vrrp_garp_lower_prio_repeat, else vrrp_garp_master_repeat.
  std::uint32_t garp_lower_prio_repeat = 5;
  std::uint32_t garp_lower_prio_delay_ms = 0;
  /// vrrp_startup_delay in milliseconds (0..3600 s): after the daemon starts (not on a
  /// reload), every instance stays BACKUP and ignores adverts this long; its down timer
  /// counts from the end of the delay.
  std::uint32_t startup_delay_ms = 0;
  /// notify_fifo (every event) and vrrp_notify_fifo (VRRP events: in xvrrpd the same lines).
  NotifyFifo notify_fifo;
  NotifyFifo vrrp_notify_fifo;
  /// fifo_write_vrrp_states_on_reload: after a reload, the state of every instance and sync
  /// group that did not change is written to the FIFOs too.
  bool fifo_write_vrrp_states_on_reload = false;
  /// vrrp_notify_priority_changes [BOOL]: the default of Instance::notify_priority_changes.
  bool notify_priority_changes = false;
  /// vrrp_strict: the default of Instance::strict_mode.
  bool vrrp_strict = false;
  /// default_interface: the device of a static_ipaddress without `dev` (keepalived's default).
  std::string default_interface = "eth0";
  friend bool operator==(const Global&, const Global&) = default;
};

/// Keywords whose value lives in a config field that only takes effect once
/// the daemon applies it. Until the constant is true the keyword is refused
/// ("X is not supported by xvrrpd"): accepting it would change nothing.
/// The daemon flips the constant in the change that wires the field.
inline constexpr bool kDaemonAppliesGarpInterval = true;  // Instance::garp_interval_ms
inline constexpr bool kDaemonAppliesTrackPrimary = true;  // Instance::track_primary
inline constexpr bool kDaemonRunsScripts = true;  // Config::scripts, Instance::track_scripts
/// Config::bfd_instances, Instance::track_bfds, Instance::master_bfd.
inline constexpr bool kDaemonRunsBfd = true;
inline constexpr bool kDaemonRunsSyncGroups = true;  // Config::sync_groups, Instance::sync_group
inline constexpr bool kDaemonTracksFiles = true;     // Config::track_files, Instance::track_files
/// Instance::virtual_routes, Instance::virtual_rules.
inline constexpr bool kDaemonAppliesRoutes = true;
inline constexpr bool kDaemonFiltersNoAccept = true;  // Instance::accept, Instance::strict_mode
inline constexpr bool kDaemonMakesVmacs = true;       // Instance::vmac, Instance::vmac_xmit_base
inline constexpr bool kDaemonAppliesStatics = true;   // Config::static_*, Global::default_interface

/// A vrrp_sync_group block (keepalived.conf(5)): its members move together
/// (one in FAULT puts all in FAULT; one becoming MASTER or BACKUP takes the
/// others along). Its track_* lines are already copied into every member's
/// Instance (tracked, track_scripts, track_files); they are kept here for
/// display. keepalived's outcome for bad input: an unknown member, or one
/// already in another group, is dropped with a warning; a group left without
/// members is removed with a warning; a group of one member is kept with a
/// warning.
struct SyncGroup {
  std::string name;
  /// "FILE:LINE" of the vrrp_sync_group keyword; not part of equality.
  std::string where;
  /// Member instance names, in `group { }` order (2 or more, or 1 with a warning).
  std::vector<std::string> members;
  /// Group notify scripts (empty if unset); `notify` gets "GROUP" NAME STATE 0.
  std::string notify_master, notify_backup, notify_fault, notify_stop, notify;
  /// sync_group_tracking_weight (or the obsolete global_tracking): the members'
  /// own weighted trackers keep their weights.
  bool tracking_weight = false;
  std::vector<TrackedInterface> tracked;
  std::vector<TrackedScript> track_scripts;
  std::vector<TrackedFile> track_files;
  /// track_process and track_bfd lines: like the others, applied to every member.
  std::vector<TrackedProcess> track_processes;
  std::vector<TrackedBfd> track_bfds;

  /// Compares everything except `where`.
  friend bool operator==(const SyncGroup& a, const SyncGroup& b);
};

struct Config {
  Global global;
  std::vector<Instance> instances;
  /// vrrp_sync_group blocks that kept at least one member, in file order.
  std::vector<SyncGroup> sync_groups;
  /// track_file blocks that some instance or group tracks, in file order.
  std::vector<TrackFile> track_files;
  /// vrrp_track_process blocks that some instance tracks, in file order.
  std::vector<TrackProcess> track_processes;
  /// "FILE:LINE: warning: MESSAGE", in file order. Keywords of keepalived's
  /// other subsystems add one "ignored, not part of VRRP: a, b" warning.
  std::vector<std::string> warnings;
  /// Those keywords (virtual_server, notification_email, ...), each once, in
  /// file order.
  std::vector<std::string> ignored;
  /// vrrp_script blocks that some instance tracks, in file order (a script
  /// nobody tracks never runs, as in keepalived).
  std::vector<VrrpScript> scripts;
  /// Every bfd_instance block, in file order (each runs a session, tracked or not, as in
  /// keepalived).
  std::vector<BfdInstance> bfd_instances;
  /// static_ipaddress / static_routes / static_rules (keepalived): not moved by VRRP. Added
  /// at start (after removing leftovers of a killed run) whatever the instances' states,
  /// removed at exit; a reload removes those no longer listed and adds new ones. An address
  /// without `dev` goes on Global::default_interface (resolved here).
  std::vector<Vip> static_addresses;
  std::vector<RouteSpec> static_routes;
  std::vector<RuleSpec> static_rules;
};

/// How to parse.
struct ParseOptions {
  /// router_id when global_defs has none (xvrrpd passes the host name).
  std::string default_router_id;
  /// Also accept the keywords whose kDaemonApplies* constant is false, so
  /// that their parsing can be tested before the daemon applies them.
  /// xvrrpd never sets it.
  bool accept_unapplied = false;
};

/// What xvrrpd does with a keepalived.conf(5) keyword.
enum class Support {
  /// Parsed into a field of Instance or Global.
  kImplemented,
  /// Accepted: xvrrpd's behaviour already is keepalived's meaning (doc says why).
  kSame,
  /// "FILE:LINE: error: X is not supported by xvrrpd".
  kRefused,
  /// Another keepalived subsystem (LVS, checkers, SMTP, ...): skipped with
  /// its block and listed in one summary warning.
  kIgnored,
};

/// One row of the keyword table, for documentation and tests.
struct KeywordDoc {
  /// "top level", "global_defs", "vrrp_instance", "authentication",
  /// "vrrp_script", "bfd_instance", "vrrp_sync_group" or "track_file".
  std::string section;
  std::string name;
  Support support;
  /// Usage, e.g. "priority 1..255".
  std::string usage;
  /// The Instance/Global field it sets ("" if none), as in instance_fields()
  /// and global_fields() (Global ones prefixed "global.").
  std::string field;
  /// Why it is refused, or why accepting it is right.
  std::string doc;
};
/// The keyword table that drives the parser, in table order.
std::vector<KeywordDoc> keyword_table();
/// The README's keyword list, generated from the table (Markdown).
std::string keyword_reference();
/// What `xvrrpd -t` prints after "configuration OK": each instance's
/// resolved fields and the ignored keywords.
std::string check_report(const Config& config);

/// Reads and validates `path` (and its includes). `default_router_id` is used
/// when global_defs has no router_id (the parser itself never asks the
/// system). Throws ConfigError.
Config load(const std::string& path, const std::string& default_router_id = {});

/// Parses `text` as if it were the file `name` (used in messages; relative
/// includes resolve against its directory). Throws ConfigError.
Config parse_string(std::string_view text, const std::string& name,
                    const std::string& default_router_id = {});
Config load(const std::string& path, const ParseOptions& options);
Config parse_string(std::string_view text, const std::string& name, const ParseOptions& options);

/// How a reload applies a changed field to a running instance.
enum class ReloadClass {
  /// Applied to the running instance (state machine, timers, addresses and
  /// scripts keep running; the new value takes effect from now on).
  Live,
  /// The instance must be stopped and started again: its identity on the
  /// wire changes (name, virtual_router_id, interface, address family or
  /// VRRP version). For Global fields: takes effect only on restart.
  Rebuild,
};

/// One field that differs between two configurations.
struct FieldChange {
  /// keepalived keyword (or field) name, e.g. "priority".
  std::string field;
  ReloadClass cls = ReloadClass::Live;
  /// e.g. "priority 100 -> 50" or "virtual_ipaddress changed".
  std::string description;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

/// Every field of Instance that differs, in declaration order (`where`
/// fields excluded), each with its reload class. A change of address family
/// (through the VIPs or unicast addresses) adds a "family" Rebuild entry.
/// Empty exactly when before == after.
std::vector<FieldChange> diff_instances(const Instance& before, const Instance& after);

/// Same for global_defs. Global values that instances inherit (GARP
/// defaults, vrrp_version, check_unicast_src) also show up in
/// diff_instances of the instances that use them.
std::vector<FieldChange> diff_globals(const Global& before, const Global& after);

/// A field of Instance or Global as the reload diff and `xvrrpd -t` see it.
struct FieldInfo {
  const char* name;
  ReloadClass cls;
};
/// The classification tables, in declaration order (`where` excluded).
std::vector<FieldInfo> instance_fields();
std::vector<FieldInfo> global_fields();

/// The descriptions of diff_instances joined with ", ", e.g.
/// "priority 100 -> 50, virtual_ipaddress changed"; empty when a == b.
std::string describe_diff(const Instance& a, const Instance& b);

/// One "field value" line per field of `in` (auth_pass masked), for
/// `xvrrpd -t`.
std::vector<std::string> describe_instance(const Instance& in);

}  // namespace xvrrp::config
