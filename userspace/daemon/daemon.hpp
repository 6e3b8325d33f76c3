// SPDX-License-Identifier: GPL-2.0-or-later
// Daemon: wires the pure protocol core to the world. It owns the event loop,
// the XDP advert filter (or the raw-socket receive path), netlink, the VIPs,
// advert and GARP senders, notify scripts and the control socket.
//
// Threading: everything runs on the EventLoop's single thread; no handler
// blocks. Ownership: one InstanceRuntime per vrrp_instance, owned here.
// What the configuration means (plans, tracking, reload classes) is decided
// in userspace/policy; the receive path is an RxPath (XDP or socket). The
// class is implemented in daemon.cpp (lifecycle, events, adverts),
// interfaces.cpp, vips.cpp, reload.cpp and daemon_status.cpp.
// Timing: the master-down deadline counts from the XDP (or socket) receive
// timestamp of the last valid advert, and in XDP mode from the
// BPF last-seen record when duplicates were suppressed.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "core/timer_heap.hpp"
#include "core/vrrp_instance.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/rx_path.hpp"
#include "daemon/script_users.hpp"
#include "net/address_manager.hpp"
#include "net/link_stats.hpp"
#include "net/route_manager.hpp"
#include "net/vip_filter.hpp"
#include "policy/down_guard.hpp"
#include "policy/map_sizes.hpp"
#include "policy/reload_plan.hpp"
#include "policy/rules.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::net {
class LinkMonitor;
class AdvertSender;
class GarpSender;
class ProxyNdpEntry;
struct LinkState;
}  // namespace xvrrp::net
namespace xvrrp::notify {
class ScriptRunner;
struct ScriptExit;
}  // namespace xvrrp::notify

namespace xvrrp::daemon {

/// The daemon's timer cookies: (id << kTimerKindBits) | Daemon::TimerKind. Every kind fits in
/// the low bits; id 0 of the Scripts kind is the script runners' timer.
inline constexpr std::uint64_t kTimerKindBits = 3;
constexpr std::uint64_t timer_cookie(std::uint64_t id, std::uint64_t kind) {
  return (id << kTimerKindBits) | kind;
}

class ConfigLoader;
class ControlServer;
class FileWatch;
class NotifyFifos;
class ProcessWatch;
class ResumeFile;
struct DaemonStatus;
class BfdRuntime;
struct BfdChange;

enum class RxMode { Xdp, Socket };

struct Options {
  std::string config_path = "/etc/keepalived/keepalived.conf";
  RxMode rx = RxMode::Xdp;
  /// Drop every capability but CAP_NET_ADMIN, CAP_NET_RAW and CAP_BPF once
  /// the BPF object is loaded and the sockets are open.
  bool drop_capabilities = true;
  /// SCHED_FIFO priority for the event loop; 0 = choose: 20 when any instance
  /// advertises faster than once a second (keepalived's vrrp_rt_priority), else
  /// none. Negative = never.
  int realtime_priority = 0;
  /// Overrides /run/xvrrp/<router_id>.ctl (tests).
  std::string control_path;
  /// Advert ring buffer size in bytes (a power of two >= 4096); 0 = from the
  /// configuration (policy::size_maps).
  std::uint32_t ring_bytes = 0;
  /// Where ROUTER_ID.maintenance lives (maintenance_file_path()).
  std::string state_dir;
  /// The quiet-path grace of policy/down_guard.hpp, in advert intervals of each instance
  /// (0..policy::kMaxQuietPathGraceAdverts; 0 = RFC 5798 §6.4.2 as written).
  std::uint32_t quiet_path_grace_adverts = policy::kDefaultQuietPathGraceAdverts;
};

/// The maintenance flag file: STATE_DIR/ROUTER_ID.maintenance; without --state-dir, the
/// control socket's directory when --control is given (tests), else $STATE_DIRECTORY
/// (systemd's StateDirectory=), else /var/lib/xvrrp.
std::string maintenance_file_path(const std::string& router_id, const std::string& state_dir,
                                  const std::string& control_path);

class Daemon {
 public:
  /// Validates nothing itself: `config` comes from config::load().
  Daemon(Options options, config::Config config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// Sets everything up, runs until SIGTERM/SIGINT, then resigns (priority 0),
  /// removes the VIPs and detaches XDP. Returns the process exit code. Throws
  /// std::exception on a set-up failure; the destructors undo what was done.
  int run();

 private:
  struct InstanceRuntime;
  struct CheckRuntime;
  enum class TimerKind : std::uint64_t {
    StateMachine = 0,
    Garp = 1,
    Scripts = 2,
    Maintenance = 3,
    Processes = 4
  };

  void setup();
  void enable_realtime();
  void drop_privileges();
  std::unique_ptr<InstanceRuntime> make_runtime(const config::Instance& cfg);
  void bind_interface(InstanceRuntime& rt);
  void unbind_interface(InstanceRuntime& rt);
  /// A bind that threw: unbinds, logs, and schedules a retry (InstanceRuntime::bind_retry).
  void bind_failed(InstanceRuntime& rt, const std::string& why, core::Nanos now);
  /// From the maintenance tick: binds the instances whose retry is due.
  void retry_binds(core::Nanos now);
  /// Makes the no_accept filter hold the VIPs of every filtering runtime that wants its
  /// VIPs (policy::filtered_addresses); creates the filter on first need. Throws only
  /// when `strict` (start-up); later errors are logged.
  void sync_vip_filter(bool strict = false);
  /// static_ipaddress / static_routes / static_rules (statics.cpp): with `wanted`, removes what
  /// is no longer configured (or whose device changed) and adds what is missing; without it,
  /// removes everything added.
  void sync_statics(bool wanted);
  [[nodiscard]] bool static_device(const std::string& name) const;
  void program_rx(InstanceRuntime& rt);
  void resolve_vips(InstanceRuntime& rt);
  void release_if_unused(int ifindex);
  void start_instance(InstanceRuntime& rt);
  void stop_instance(InstanceRuntime& rt);
  void live_update(InstanceRuntime& rt, const config::Instance& cfg);
  void shutdown();
  /// SIGTERM/SIGINT: BACKUPs stop, MASTERs hand over (core::Instance::begin_handover);
  /// the loop ends once no instance is handing over.
  void begin_stop();
  void finish_stop_if_done();
  /// SIGHUP: a parse on the ConfigLoader's worker (coalesced while one runs).
  void request_reload();
  /// The worker's parse finished: apply it (reload.cpp), then parse again if asked meanwhile.
  void on_config_loaded();
  void apply_reload(config::Config next, double parse_seconds);
  void fail_reload(const std::string& why);
  bool bind_reload_resources(const std::vector<config::Instance>& next,
                             std::size_t retiring_instances, std::size_t retiring_peers,
                             std::string& error);
  /// Reload make-before-break (reload.cpp): a MASTER leaving the config hands over first.
  void retire(std::unique_ptr<InstanceRuntime> rt, core::Nanos now);
  void bind_and_start(InstanceRuntime& rt);
  /// From the idle handler: releases every retiring runtime policy::retire_verdict() lets go.
  void reap_retiring();
  void release_retired(InstanceRuntime& rt);
  void start_deferred();
  [[nodiscard]] std::uint64_t receive_key_of(const config::Instance& cfg) const;
  [[nodiscard]] std::vector<std::uint64_t> retiring_keys() const;
  /// VIPs installed by every runtime but `except` that still wants its VIPs.
  [[nodiscard]] std::vector<policy::HeldAddress> serving_addresses(
      const InstanceRuntime& except) const;
  /// Another runtime's proxy NDP entry for `addr` on `ifindex`, moved out (one kernel entry,
  /// one owner); nullptr when there is none.
  std::unique_ptr<net::ProxyNdpEntry> take_proxy(int ifindex, const IpAddress& addr,
                                                 const InstanceRuntime& except);

  /// Crash resume (resume.cpp, policy/resume.hpp).
  void open_resume_file();
  void acquire_resume_slot(InstanceRuntime& rt);
  void release_resume_slot(InstanceRuntime& rt);
  /// Start-up: each instance's verdict on what a killed predecessor left; returns the VIPs
  /// to remove as stale (the Clean ones).
  std::vector<net::Vip> decide_resume_all();
  /// After every apply(): the record of the runtime, and the VIPs kept from the predecessor.
  void record_resume(InstanceRuntime& rt, const core::Actions& a, core::Nanos now);
  /// An advert with `priority` was accepted: VIPs kept from the predecessor go when a master
  /// is heard.
  void master_heard(InstanceRuntime& rt, std::uint8_t priority);

  /// Operator commands (operator.cpp): `handover INSTANCE|--all`, `maintenance on|off`;
  /// nullopt for any other command.
  std::optional<std::string> operator_command(const std::string& command);
  std::string command_handover(const std::string& target);
  std::string command_maintenance(bool on);
  void load_maintenance();
  bool persist_maintenance(bool on, std::string& error);
  /// After every apply(): a pending handover that ended gets its outcome.
  void note_handover(InstanceRuntime& rt);

  void on_signal();
  void on_advert_event(const xvrrp_advert_event& event, std::span<const std::uint8_t> payload);
  /// auth_hmac (hmac.cpp): (re)builds rt.hmac from rt.cfg, keeping the replay
  /// state and send sequence of the one it replaces.
  void set_hmac(InstanceRuntime& rt);
  /// Whether the state machine may see this advert of an auth_hmac instance.
  bool admit_hmac(InstanceRuntime& rt, const xvrrp_advert_event& ev,
                  std::span<const std::uint8_t> payload);
  /// `msg` with its trailer (hmac_buf_), or `msg` itself without auth_hmac.
  std::span<const std::uint8_t> signed_advert(InstanceRuntime& rt,
                                              std::span<const std::uint8_t> msg,
                                              const IpAddress& dst);
  void on_timer(std::uint64_t cookie, core::Nanos now);
  void on_maintenance(core::Nanos now);
  void on_link(const net::LinkState& link);
  void on_address(int ifindex, const IpAddress& addr, std::uint8_t prefix_len, bool added);
  void flush_senders();
  void flush_sender(int ifindex);
  /// A BFD session changed state (bfd_daemon.cpp): track_bfd and master_bfd.
  void on_bfd_change(const BfdChange& change, core::Nanos now);

  void apply(InstanceRuntime& rt, const core::Actions& actions, core::Nanos now);
  void sync_timers(InstanceRuntime& rt);
  void send_advert(InstanceRuntime& rt, std::uint8_t priority);
  void send_garps(InstanceRuntime& rt, int count);
  void set_vips(InstanceRuntime& rt, bool wanted);
  void install_missing_vips(InstanceRuntime& rt);
  /// virtual_routes / virtual_rules follow want_vips (routes.cpp).
  void sync_routes(InstanceRuntime& rt);
  void update_tracking(InstanceRuntime& rt, core::Nanos now);
  void run_notify(const InstanceRuntime& rt, core::State state);
  /// notify_priority_changes: a FIFO line when the effective priority is no longer `before`.
  void note_priority_change(const InstanceRuntime& rt, std::uint8_t before);
  void refresh_source(InstanceRuntime& rt);
  /// As above, from `cands`: the current addresses of rt.ifindex (source_candidates()), read
  /// once for every instance an address event concerns.
  void refresh_source(InstanceRuntime& rt, std::span<const policy::AddressCandidate> cands);
  [[nodiscard]] std::vector<policy::AddressCandidate> source_candidates(int ifindex) const;
  InstanceRuntime* find_by_key(const xvrrp_vrid_key& key);
  void sweep_last_seen();

  /// A busy host (near_miss.cpp, policy/down_guard.hpp). rx_packets of an interface, a
  /// reading at most `max_age` old (0: read now); nullopt without one.
  std::optional<std::uint64_t> interface_rx_packets(int ifindex, core::Nanos now,
                                                    core::Nanos max_age);
  /// A BACKUP woke (its timer re-armed, or an advert arrived): the quiet-path reading.
  void note_backup_wakeup(InstanceRuntime& rt, core::Nanos now);
  /// At an expired master-down timer: true when the quiet-path rule deferred it.
  bool defer_quiet_path(InstanceRuntime& rt, core::Nanos now);
  /// A reported advert from the master at rx_ns: its gap to the previous one.
  void note_reported_gap(InstanceRuntime& rt, core::Nanos rx_ns);
  /// Every second: the XDP inter-arrival maxima of each backup's master, near-miss warnings.
  void check_near_misses(core::Nanos now);
  /// After the senders flushed: the lateness of the periodic adverts queued this turn.
  void note_send_lateness(core::Nanos now);

  /// vrrp_script checks (checks.cpp). Scripts run through one ScriptRunner per
  /// {timeout, user, group}, created before the capability drop at start-up.
  void setup_checks();
  /// Creates the runners `next` needs; false (nothing changed) with `error`.
  bool prepare_check_runners(const std::vector<config::VrrpScript>& next, std::string& error);
  /// Adds, updates (state kept) and removes checks to match `next`.
  void reload_checks(const std::vector<config::VrrpScript>& next);
  notify::ScriptRunner& check_runner(const config::VrrpScript& script);
  std::unique_ptr<CheckRuntime> make_check(const config::VrrpScript& script, core::Nanos now);
  void on_check_timer(std::uint64_t id, core::Nanos now);
  void start_check(CheckRuntime& c, core::Nanos now);
  void on_check_done(std::uint64_t id, const notify::ScriptExit& exit);
  void check_changed(const CheckRuntime& c, core::Nanos now);
  [[nodiscard]] const CheckRuntime* find_check(const std::string& name) const;
  /// Every runner's SIGCHLD handling and kill deadlines.
  void on_scripts_sigchld();
  void on_scripts_timer(core::Nanos now);
  void rearm_scripts_timer();

  /// track_file trackers (track_files.cpp): inotify on their directories, the
  /// file read when written; init_file is written by setup(), before the loop.
  struct FileTracker;
  void setup_track_files();
  /// The tracker of `f`, created (watched and read) on first use.
  FileTracker& file_tracker(const config::TrackFile& f);
  [[nodiscard]] const FileTracker* find_file(const std::string& name) const;
  void on_file_events();

  /// vrrp_track_process trackers (track_processes.cpp): a /proc scan before the instances
  /// start, then the proc connector's events (or a scan a second without it) and a pidfd per
  /// counted process for its exit.
  struct ProcessTracker;
  void setup_track_processes();
  [[nodiscard]] const ProcessTracker* find_process(const std::string& name) const;
  void watch_process_exit(pid_t pid);
  void unwatch_process_if_unused(pid_t pid);
  /// An exec, a new name, or a process to look at again: does it match now?
  void check_process(pid_t pid, core::Nanos now);
  void on_process_fork(pid_t parent, pid_t child, core::Nanos now);
  void on_process_exit(pid_t pid, core::Nanos now);
  void scan_processes(core::Nanos now);
  void on_processes_timer(core::Nanos now);
  void rearm_processes_timer();
  void processes_changed(const std::vector<ProcessTracker*>& changed, core::Nanos now);

  /// vrrp_sync_group (sync_groups.cpp): policy::decide_sync() applied to the
  /// members of `group` until nothing changes, then the group's notify scripts.
  void settle_sync_group(const std::string& group, core::Nanos now);
  /// Shutdown: the groups' notify_stop and notify ... STOP.
  void stop_sync_groups();

  DaemonStatus snapshot() const;
  std::string handle_command(const std::string& command);

  Options options_;
  config::Config config_;
  std::int64_t started_ns_ = 0;
  EventLoop loop_;
  UniqueFd signal_fd_;
  std::unique_ptr<ConfigLoader> loader_;  ///< reload parses, off the loop
  std::unique_ptr<net::LinkMonitor> links_;
  std::unique_ptr<net::AddressManager> addresses_;
  std::unique_ptr<net::RouteManager> routes_;
  /// no_accept (net/vip_filter.hpp): made when an instance first needs it, deleted at exit.
  std::unique_ptr<net::VipFilter> vip_filter_;
  /// The static entries added, in the order added (statics.cpp).
  std::vector<std::pair<config::Vip, net::Vip>> static_addresses_;
  std::vector<std::pair<config::RouteSpec, int>> static_routes_;
  std::vector<config::RuleSpec> static_rules_;
  std::unique_ptr<net::LinkStats> link_stats_;
  struct RxReading {
    std::uint64_t packets = 0;
    core::Nanos at = 0;
  };
  std::unordered_map<int, RxReading> rx_readings_;  // by ifindex
  std::vector<std::uint64_t> adverts_scheduled_;    // runtime ids, this loop turn
  policy::LatenessHistogram send_lateness_;         // every periodic advert since start
  std::unique_ptr<net::GarpSender> garp_;
  std::unique_ptr<RxPath> rx_;
  // The receive tables' sizes, from the configuration at start (they cannot grow).
  policy::MapSizes map_sizes_ = policy::default_map_sizes();
  std::unique_ptr<notify::ScriptRunner> scripts_;
  /// global_defs notify_fifo / vrrp_notify_fifo (notify_fifo.cpp).
  std::unique_ptr<NotifyFifos> fifos_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<BfdRuntime> bfd_;
  std::unique_ptr<ResumeFile> resume_;  ///< nullptr when it could not be opened
  /// By name, in Config::scripts order.
  std::vector<std::unique_ptr<CheckRuntime>> checks_;
  std::map<std::string, std::unique_ptr<notify::ScriptRunner>> check_runners_;
  /// Every script user resolved so far (script_users.hpp): at start-up, then by each
  /// reload's worker, so that the runners made on the loop look nothing up.
  ScriptCredentialMap script_users_;
  std::uint64_t next_check_id_ = 1;
  core::TimerId scripts_timer_ = 0;
  core::TimerId maintenance_timer_ = 0;
  /// The event loop's SCHED_FIFO priority, -1 while SCHED_OTHER (enable_realtime()).
  int realtime_prio_ = -1;
  /// Per VRRP interface (ifindex): one sender batching every instance's adverts.
  std::unordered_map<int, std::unique_ptr<net::AdvertSender>> senders_;
  std::vector<std::unique_ptr<InstanceRuntime>> instances_;
  /// MASTERs a reload removed or rebuilt, handing over (policy::retire_verdict).
  std::vector<std::unique_ptr<InstanceRuntime>> retiring_;
  std::uint64_t next_runtime_id_ = 1;
  std::unordered_map<std::uint64_t, InstanceRuntime*> by_id_;
  /// Bound instances by pack_vrid_key(ifindex, family, vrid).
  std::unordered_map<std::uint64_t, InstanceRuntime*> by_key_;
  std::int64_t last_seen_sweep_ns_ = 0;
  RxPath::LastSeenList last_seen_buf_;
  std::uint64_t lost_reports_seen_ = 0;
  /// vrrp_startup_delay: adverts received before this are dropped; 0 once it is over.
  core::Nanos startup_until_ = 0;
  std::vector<std::uint8_t> hmac_buf_;  // signed_advert(): sized once
  std::uint64_t reloads_ = 0;
  std::uint64_t reload_failures_ = 0;
  bool stopping_ = false;
  std::int64_t stop_began_ns_ = 0;
  std::unique_ptr<FileWatch> file_watch_;
  std::vector<std::unique_ptr<FileTracker>> files_;
  std::unique_ptr<ProcessWatch> process_watch_;
  std::vector<std::unique_ptr<ProcessTracker>> processes_;
  core::TimerId processes_timer_ = 0;
  core::Nanos next_process_scan_ = core::kNever;
  /// Each sync group's last state (policy::sync_group_state), by name.
  std::map<std::string, std::optional<core::State>> group_states_;
  bool settling_ = false;
  bool resettle_ = false;
  bool maintenance_ = false;
  std::string maintenance_path_;
  std::uint64_t handover_seq_ = 0;
};

}  // namespace xvrrp::daemon
