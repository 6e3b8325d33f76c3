// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/daemon.hpp"

#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <variant>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/json_quote.hpp"
#include "common/log.hpp"
#include "core/garp_schedule.hpp"
#include "core/packet.hpp"
#include "daemon/bfd_runtime.hpp"
#include "daemon/check_runtime.hpp"
#include "daemon/config_loader.hpp"
#include "daemon/control_server.hpp"
#include "daemon/file_runtime.hpp"
#include "daemon/file_watch.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/notify_fifo.hpp"
#include "daemon/process_runtime.hpp"
#include "daemon/process_watch.hpp"
#include "daemon/resume_file.hpp"
#include "daemon/status.hpp"
#include "daemon/system.hpp"
#include "net/advert_sender.hpp"
#include "net/garp_sender.hpp"
#include "net/link_monitor.hpp"
#include "notify/script_runner.hpp"
#include "policy/advert_cache.hpp"
#include "policy/instance_plan.hpp"
#include "policy/notify_fifo.hpp"
#include "policy/reload_plan.hpp"
#include "policy/rules.hpp"
#include "policy/tracking.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

constexpr std::uint64_t kKindBits = kTimerKindBits;
constexpr Nanos kMaintenancePeriod = core::kNanosPerSecond;

std::uint64_t make_cookie(std::uint64_t id, std::uint64_t kind) { return timer_cookie(id, kind); }
// A kind that does not fit would alias another (TimerKind::Processes is the largest).
static_assert(std::uint64_t(4) < (1U << kKindBits), "every TimerKind must fit in kTimerKindBits");

}  // namespace

Daemon::Daemon(Options options, config::Config config)
    : options_(std::move(options)), config_(std::move(config)) {}

Daemon::~Daemon() {
  // Instances first: stopping them may still need the senders and addresses.
  instances_.clear();
  retiring_.clear();
  bfd_.reset();
  control_.reset();
  rx_.reset();
}

std::unique_ptr<Daemon::InstanceRuntime> Daemon::make_runtime(const config::Instance& cfg) {
  auto rt = std::make_unique<InstanceRuntime>();
  rt->id = next_runtime_id_++;
  rt->cfg = cfg;
  rt->plan = policy::plan_instance(cfg);
  rt->garp = core::GarpSchedule(rt->plan.garp);
  rt->adverts.set_content(cfg, rt->plan);
  set_hmac(*rt);
  rt->sm_timer = loop_.timers().schedule(
      core::kNever, make_cookie(rt->id, std::uint64_t(TimerKind::StateMachine)));
  rt->garp_timer =
      loop_.timers().schedule(core::kNever, make_cookie(rt->id, std::uint64_t(TimerKind::Garp)));
  by_id_[rt->id] = rt.get();
  acquire_resume_slot(*rt);
  return rt;
}

void Daemon::setup() {
  started_ns_ = clock::monotonic_ns();
  const std::string& router_id = config_.global.router_id;

  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "sigprocmask");
  signal(SIGPIPE, SIG_IGN);
  signal_fd_.reset(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_fd_) throw std::system_error(errno, std::generic_category(), "signalfd");
  loop_.add_fd(signal_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_signal(); });
  loader_ = std::make_unique<ConfigLoader>();
  loop_.add_fd(loader_->fd(), EPOLLIN, [this](std::uint32_t) { on_config_loaded(); });

  // The control socket doubles as the one-daemon-per-router-id lock, so it
  // comes before anything that touches shared state (pins, VIPs).
  control_ = std::make_unique<ControlServer>(
      loop_, options_.control_path.empty() ? control_socket_path(router_id) : options_.control_path,
      [this](const std::string& command) { return handle_command(command); });
  open_resume_file();
  load_maintenance();

  links_ = std::make_unique<net::LinkMonitor>(
      [this](const net::LinkState& link) { on_link(link); },
      [this](int ifindex, const IpAddress& addr, std::uint8_t prefix, bool added) {
        on_address(ifindex, addr, prefix, added);
      });
  loop_.add_fd(links_->fd(), EPOLLIN, [this](std::uint32_t) { links_->on_readable(); });
  addresses_ = std::make_unique<net::AddressManager>();
  routes_ = std::make_unique<net::RouteManager>();
  if (options_.quiet_path_grace_adverts > 0) link_stats_ = std::make_unique<net::LinkStats>();
  garp_ = std::make_unique<net::GarpSender>();
  script_users_ = resolve_script_users(config_);
  notify::ScriptSettings script_settings;
  set_script_user(script_settings, {config_.global.script_user, config_.global.script_group},
                  script_users_);
  script_settings.script_security = config_.global.script_security;
  scripts_ = std::make_unique<notify::ScriptRunner>(script_settings);
  scripts_timer_ =
      loop_.timers().schedule(core::kNever, make_cookie(0, std::uint64_t(TimerKind::Scripts)));
  // Before the capability drop: the runners' launchers keep root's privileges.
  setup_checks();
  fifos_ = std::make_unique<NotifyFifos>(loop_, config_.global);
  setup_track_files();
  processes_timer_ =
      loop_.timers().schedule(core::kNever, make_cookie(0, std::uint64_t(TimerKind::Processes)));
  setup_track_processes();
  maintenance_timer_ =
      loop_.timers().schedule(clock::monotonic_ns() + kMaintenancePeriod,
                              make_cookie(0, std::uint64_t(TimerKind::Maintenance)));

  auto sizes = policy::size_maps(config_.instances);
  if (const auto* problem = std::get_if<std::string>(&sizes)) throw std::runtime_error(*problem);
  map_sizes_ = std::get<policy::MapSizes>(sizes);
  if (options_.ring_bytes != 0) map_sizes_.ring_bytes = options_.ring_bytes;
  if (auto problem = policy::ring_burst_problem(map_sizes_, config_.instances.size()))
    XLOG_WARN("%s", problem->c_str());
  auto on_advert = [this](const xvrrp_advert_event& ev, std::span<const std::uint8_t> payload) {
    on_advert_event(ev, payload);
  };
  rx_ = options_.rx == RxMode::Xdp ? make_xdp_rx_path(loop_, router_id, on_advert, map_sizes_)
                                   : make_socket_rx_path(loop_, on_advert);

  bfd_ = std::make_unique<BfdRuntime>(
      loop_, config_.bfd_instances,
      [this](const BfdChange& change, Nanos now) { on_bfd_change(change, now); }, rx_.get());

  loop_.timers().reserve(2 * config_.instances.size() + config_.bfd_instances.size() + 8);
  for (const auto& cfg : config_.instances) instances_.push_back(make_runtime(cfg));

  // A killed predecessor may have left our VIPs behind: removed as stale, kept until a
  // master is heard, or still served by a resumed MASTER (policy/resume.hpp).
  for (auto& rt : instances_) bind_interface(*rt);
  addresses_->remove_stale(decide_resume_all());
  // no_accept: the tables exist (a killed predecessor's replaced) before any VIP is added.
  sync_vip_filter(true);

  loop_.set_timer_handler([this](std::uint64_t cookie, Nanos now) { on_timer(cookie, now); });
  loop_.set_idle_handler([this] {
    rx_->mark_alive(clock::monotonic_ns());
    if (!retiring_.empty()) reap_retiring();
    flush_senders();
    if (!adverts_scheduled_.empty()) note_send_lateness(clock::monotonic_ns());
    if (stopping_) finish_stop_if_done();
  });

  enable_realtime();
  if (options_.drop_capabilities) drop_privileges();

  bfd_->start(clock::monotonic_ns());
  if (config_.global.startup_delay_ms > 0) {
    startup_until_ =
        clock::monotonic_ns() + static_cast<Nanos>(config_.global.startup_delay_ms) * 1'000'000;
    // The maintenance tick that ends the delay forgets the last-seen records folded
    // while adverts were dropped, so the next advert of every master is reported.
    loop_.timers().reschedule(maintenance_timer_, startup_until_);
    XLOG_INFO("Delaying startup for %.3f seconds (vrrp_startup_delay)",
              static_cast<double>(config_.global.startup_delay_ms) / 1e3);
  }
  // keepalived adds its static entries before VRRP starts.
  sync_statics(true);
  for (auto& rt : instances_) start_instance(*rt);
  XLOG_INFO("Started xvrrpd: router_id %s, %zu instance(s), receive path %s", router_id.c_str(),
            instances_.size(), rx_->describe().c_str());
  release_free_heap();
  notify_ready("running " + std::to_string(instances_.size()) + " instance(s), rx " +
               rx_->describe());
}

void Daemon::drop_privileges() {
  // CAP_BPF + CAP_PERFMON reload the XDP program when an interface is
  // recreated (the verifier refuses it without PERFMON); NET_ADMIN attaches
  // it and manages VIPs; NET_RAW is for adverts and GARPs.
  std::vector<int> keep = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON};
  // Detaching from libxdp's dispatcher looks programs up by id (CAP_SYS_ADMIN).
  const bool sys_admin = rx_->needs_sys_admin();
  if (sys_admin) keep.push_back(CAP_SYS_ADMIN);
  drop_capabilities(keep);
  XLOG_INFO(
      "Dropped capabilities: keeping CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON%s "
      "(CapEff=%llx)",
      sys_admin ? ", CAP_SYS_ADMIN" : "", effective_capabilities());
}

// With 10 ms adverts the master-down interval is ~38 ms, and a BFD peer at 10 ms x 3
// declares us Down after 30 ms: a daemon descheduled for that long by ordinary load makes
// the backup take over. Backups are immune to their own lateness (XDP timestamps and the
// last-seen records keep counting while we sleep), so this is about sending on time.
void Daemon::enable_realtime() {
  const int prio = policy::realtime_priority(config_, options_.realtime_priority);
  if (prio == realtime_prio_) return;
  sched_param param{};
  if (prio <= 0) {
    if (sched_setscheduler(0, SCHED_OTHER, &param) == 0) {
      XLOG_INFO("Back to SCHED_OTHER: no sub-second advert or BFD interval is configured");
      realtime_prio_ = -1;
    }
    return;
  }
  param.sched_priority = prio;
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    XLOG_WARN(
        "cannot switch to SCHED_FIFO priority %d: %s; adverts and BFD packets may be late "
        "under load",
        prio, std::strerror(errno));
    return;
  }
  realtime_prio_ = prio;
  XLOG_INFO("Running with SCHED_FIFO priority %d (sub-second advert or BFD interval)", prio);
}

void Daemon::start_instance(InstanceRuntime& rt) {
  core::InstanceParams p = rt.plan.params;
  if (rt.src_ip) p.primary_ip = *rt.src_ip;
  rt.sm = std::make_unique<core::Instance>(p);
  const Nanos now = clock::monotonic_ns();
  rt.sm->set_maintenance(maintenance_, now);
  update_tracking(rt, now);
  const bool resume = rt.resume_action == policy::ResumeAction::Resume;
  rt.resume_action = policy::ResumeAction::Clean;  // a later start is a fresh one
  apply(rt, resume ? rt.sm->resume_master(now) : rt.sm->start(now, startup_until_), now);
}

// Leaves nothing of the instance behind, whatever state it was in: VIPs,
// timers, receive config, index entries, and the interface's sender and
// attachment when no other instance uses them.
void Daemon::stop_instance(InstanceRuntime& rt) {
  const Nanos now = clock::monotonic_ns();
  if (rt.sm) apply(rt, rt.sm->stop(now), now);
  set_vips(rt, false);
  loop_.timers().cancel(rt.sm_timer);
  loop_.timers().cancel(rt.garp_timer);
  rt.sm_timer = rt.garp_timer = 0;
  if (rt.sm && !rt.cfg.notify_stop.empty()) scripts_->run(rt.cfg.notify_stop);
  // keepalived's `notify` script also hears of the stop (as "STOP").
  if (rt.sm && !rt.cfg.notify.empty())
    scripts_->run(rt.cfg.notify,
                  notify::notify_args(rt.cfg.name, "STOP", rt.sm->effective_priority()));
  if (rt.sm && fifos_)
    fifos_->instance(rt.cfg.name, policy::kFifoStop, rt.sm->effective_priority());
  by_id_.erase(rt.id);
  release_resume_slot(rt);
  unbind_interface(rt);
  rt.sm.reset();
}

int Daemon::run() {
  setup();
  int rc = 0;
  try {
    loop_.run();
  } catch (const std::exception& e) {
    // Whatever broke, the VIPs and the XDP program must not outlive us.
    XLOG_ERROR("event loop failed: %s; shutting down", e.what());
    rc = 1;
  }
  shutdown();
  return rc;
}

void Daemon::shutdown() {
  if (!stopping_) notify_stopping();
  stopping_ = true;
  if (bfd_) bfd_->admin_down_all(clock::monotonic_ns());
  for (auto* list : {&instances_, &retiring_}) {
    for (auto& rt : *list) {
      rt->retiring = false;
      try {
        stop_instance(*rt);
      } catch (const std::exception& e) {
        XLOG_ERROR("(%s) stop: %s", rt->cfg.name.c_str(), e.what());
      }
    }
  }
  stop_sync_groups();
  flush_senders();
  if (routes_ && addresses_ && links_) sync_statics(false);
  rx_->release_all();
  vip_filter_.reset();             // after the VIPs went
  if (resume_) resume_->remove();  // a clean stop resigned: nothing to resume
  if (fifos_) fifos_->close();     // after the STOP lines
  XLOG_INFO("Stopped xvrrpd");
}

void Daemon::on_signal() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGTERM:
      case SIGINT:
        XLOG_INFO("Received %s, shutting down", info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        begin_stop();
        break;
      case SIGHUP:
        if (stopping_) {
          XLOG_WARN("SIGHUP ignored: shutting down");
          break;
        }
        request_reload();
        break;
      case SIGCHLD:
        on_scripts_sigchld();
        break;
      default:
        break;
    }
  }
}

// Make-before-break: a MASTER keeps its VIPs after resigning until its
// successor's advert arrives (or the bound expires), so clients always have
// a holder. The loop keeps running meanwhile; a second signal stops at once.
void Daemon::begin_stop() {
  if (stopping_) {
    XLOG_INFO("Second stop request: not waiting for a new master");
    loop_.stop();
    return;
  }
  stopping_ = true;
  stop_began_ns_ = clock::monotonic_ns();
  notify_stopping();
  // AdminDown (diag 7): the neighbors' sessions go Down without seeing a failure.
  if (bfd_) bfd_->admin_down_all(stop_began_ns_);
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    apply(*rt, rt->sm->begin_handover(stop_began_ns_), stop_began_ns_);
    if (rt->sm->handing_over())
      XLOG_INFO(
          "(%s) priority 0 sent; keeping the VIPs until a new master is heard (at most "
          "%.0f ms)",
          rt->cfg.name.c_str(),
          static_cast<double>(rt->sm->next_deadline() - stop_began_ns_) / 1e6);
  }
}

void Daemon::finish_stop_if_done() {
  for (auto* list : {&instances_, &retiring_})
    for (auto& rt : *list)
      if (rt->sm && (rt->sm->handing_over() || rt->sm->vips_release_at() != core::kNever)) return;
  XLOG_INFO("Handover done after %.3f ms",
            static_cast<double>(clock::monotonic_ns() - stop_began_ns_) / 1e6);
  loop_.stop();
}

Daemon::InstanceRuntime* Daemon::find_by_key(const xvrrp_vrid_key& key) {
  auto it = by_key_.find(pack_vrid_key(key));
  return it == by_key_.end() || !it->second->sm ? nullptr : it->second;
}

void Daemon::on_advert_event(const xvrrp_advert_event& ev, std::span<const std::uint8_t> payload) {
  InstanceRuntime* rt = find_by_key(key_of(ev));
  if (rt == nullptr) return;
  core::ReceivedAdvert advert;
  advert.src = source_of(ev);
  // Our own multicast adverts looped back carry our source: not a peer.
  if (rt->src_ip && advert.src == *rt->src_ip) return;
  if (rt->hmac && !admit_hmac(*rt, ev, payload)) return;
  advert.priority = ev.priority;
  advert.advert_int_cs = ev.advert_int_cs;
  advert.rx_ns = static_cast<Nanos>(ev.ts_ns);
  if (advert.rx_ns < startup_until_) return;
  ++rt->adverts_received;
  rt->last_accepted = {advert.src, ev.priority, ev.advert_int_cs, ev.naddrs, ev.addr_hash};
  const Nanos now = clock::monotonic_ns();
  const bool was_master = rt->sm->state() == core::State::Master;
  apply(*rt, rt->sm->on_advert(advert, now), now);
  master_heard(*rt, advert.priority);
  if (rt->sm->state() == core::State::Backup && rt->sm->master_ip() == advert.src) {
    rt->down_guard.on_advert();
    note_reported_gap(*rt, advert.rx_ns);
    note_backup_wakeup(*rt, now);
  }
  // A master keeps no last-seen record of a peer: the peer's next advert, identical or
  // not, must reach the state machine (the priorities it is compared with may change, by
  // a reload or tracking, and a suppressed higher-priority advert would leave two masters).
  if (rt->sm->state() == core::State::Master && rt->rx_programmed) rx_->forget_last_seen(rt->key);
  const bool lower = policy::reclaim_after_lower_advert(
      was_master, rt->sm->state(), advert.priority, rt->sm->effective_priority());
  if (lower && fifos_)
    fifos_->instance(rt->cfg.name, policy::kFifoMasterRxLowerPri, rt->sm->effective_priority());
  if (lower && rt->reclaim.allow(now)) {
    XLOG_INFO("(%s) lower priority advert from %s: re-announcing the VIPs", rt->cfg.name.c_str(),
              advert.src.to_string().c_str());
    rt->garp.reannounce(now, static_cast<int>(rt->cfg.garp_lower_prio_repeat),
                        static_cast<Nanos>(rt->cfg.garp_lower_prio_delay_ms) * 1'000'000);
    send_garps(*rt, rt->garp.due(now));
    sync_timers(*rt);
  }
}

void Daemon::on_timer(std::uint64_t cookie, Nanos now) {
  const auto kind = static_cast<TimerKind>(cookie & ((1U << kKindBits) - 1));
  if (kind == TimerKind::Scripts) {
    if (const std::uint64_t id = cookie >> kKindBits; id != 0)
      on_check_timer(id, now);
    else
      on_scripts_timer(now);
    return;
  }
  if (kind == TimerKind::Maintenance) {
    on_maintenance(now);
    return;
  }
  if (kind == TimerKind::Processes) {
    on_processes_timer(now);
    return;
  }
  auto it = by_id_.find(cookie >> kKindBits);
  if (it == by_id_.end() || !it->second->sm) return;
  InstanceRuntime& rt = *it->second;
  if (kind == TimerKind::Garp) {
    send_garps(rt, rt.garp.due(now));
    sync_timers(rt);
    return;
  }
  if (now >= rt.sm->vips_release_at()) {
    apply(rt, rt.sm->release_vips(now), now);
    if (now < rt.sm->next_deadline()) return;  // apply() re-armed the timer
  }
  if (rt.sm->state() == core::State::Backup && rx_->suppresses_duplicates()) {
    // Reports still in the ring are newer than the records they changed: a record
    // that no longer matches the last accepted advert refreshes nothing until then.
    rx_->drain_pending();
    // Identical adverts were folded into the last-seen record without
    // waking us; the deadline counts from the newest of them. A sweep taken
    // after this deadline already holds every advert that arrived before it.
    if (last_seen_sweep_ns_ < rt.sm->next_deadline()) sweep_last_seen();
    if (rt.sm->next_deadline() > now) {
      note_backup_wakeup(rt, now);
      sync_timers(rt);
      return;
    }
  }
  if (rt.sm->state() == core::State::Backup && defer_quiet_path(rt, now)) return;
  const bool was_master = rt.sm->state() == core::State::Master;
  const Nanos scheduled = rt.sm->next_deadline();
  const core::Actions actions = rt.sm->on_timer(now);
  if (was_master && actions.send_advert && !actions.entered) {
    rt.advert_scheduled_ns = scheduled;
    rt.near_miss.note_wake_lateness(now - scheduled);
    adverts_scheduled_.push_back(rt.id);
  }
  apply(rt, actions, now);
}

// A valid advert the ring buffer had no room for may have been folded into a
// last-seen record without ever being reported: flush them all so the next
// advert of every VRID is reported again.
void Daemon::on_maintenance(Nanos now) {
  if (startup_until_ != 0 && now >= startup_until_) {
    startup_until_ = 0;
    XLOG_INFO("Startup delay over");
    for (auto& rt : instances_)
      if (rt->rx_programmed) rx_->forget_last_seen(rt->key);
  }
  const std::uint64_t lost = rx_->lost_reports();
  if (lost > lost_reports_seen_) {
    XLOG_WARN("%llu advert report(s) lost to a full ring buffer: resynchronising",
              static_cast<unsigned long long>(lost - lost_reports_seen_));
    // The records hold the only proof that the masters whose reports were lost are
    // alive (the program moved their stamps): a backup whose own deadline is stale
    // would take over at its next timer if the records went before it read them.
    rx_->drain_pending();
    sweep_last_seen();
    for (auto& rt : instances_)
      if (rt->rx_programmed) rx_->forget_last_seen(rt->key);
  }
  lost_reports_seen_ = lost;
  check_near_misses(now);
  retry_binds(now);
  loop_.timers().reschedule(maintenance_timer_, now + kMaintenancePeriod);
}

// One batch read of every instance's last-seen record re-arms all backups at
// once: with 255 instances at 10 ms that is a few syscalls per master-down
// interval instead of one per instance per interval.
void Daemon::sweep_last_seen() {
  last_seen_sweep_ns_ = clock::monotonic_ns();
  if (!rx_->all_last_seen(last_seen_buf_)) return;
  for (const auto& [key, seen] : last_seen_buf_) {
    InstanceRuntime* rt = find_by_key(key);
    if (rt == nullptr || rt->sm->state() != core::State::Backup) continue;
    // The record must describe the advert the state machine last accepted.
    const policy::AdvertSummary summary{from_abi(seen.src, key.family), seen.priority,
                                        seen.advert_int_cs, seen.naddrs, seen.addr_hash};
    if (rt->sm->master_ip() != summary.src || !(summary == rt->last_accepted)) continue;
    const Nanos before = rt->sm->next_deadline();
    rt->sm->refresh_from_last_seen(static_cast<Nanos>(seen.ts_ns));
    if (rt->sm->next_deadline() != before) {
      rt->down_guard.on_advert();
      sync_timers(*rt);
    }
  }
}

void Daemon::sync_timers(InstanceRuntime& rt) {
  if (!rt.sm) return;
  loop_.timers().reschedule(rt.sm_timer,
                            std::min(rt.sm->next_deadline(), rt.sm->vips_release_at()));
  loop_.timers().reschedule(rt.garp_timer, rt.garp.next_deadline());
}

void Daemon::apply(InstanceRuntime& rt, const core::Actions& a, Nanos now) {
  if (a.send_priority_zero) send_advert(rt, 0);
  // A retiring runtime's VIPs go when policy::retire_verdict() says (reap_retiring).
  if (a.remove_vips && !rt.retiring) set_vips(rt, false);
  if (a.add_vips) set_vips(rt, true);
  if (a.send_advert) send_advert(rt, rt.sm->effective_priority());
  if (a.stop_garp) rt.garp.stop();
  if (a.start_garp) {
    // RFC 5798 §6.4.1: the advert first, then the gratuitous ARPs. A dead master's program
    // stops answering for the VIPs when it sees the advert (abi.h, "Neighbour fence"); a
    // client that asked after the GARP and before it would hear both hosts.
    if (a.send_advert) flush_sender(rt.send_ifindex());
    rt.garp.start(now);
    send_garps(rt, rt.garp.due(now));
  }
  // The end of a FAULT's handover window, and of a release linger, change no state: the log
  // still says why.
  if ((a.remove_vips || a.stop_garp) && !a.entered && a.reason != nullptr)
    XLOG_INFO("(%s) %s", rt.cfg.name.c_str(), a.reason);
  if (a.entered) {
    const core::State state = *a.entered;
    const auto last = rt.sm->last_advert_rx_ns();
    if (state == core::State::Master && a.reason != nullptr && last)
      XLOG_INFO("(%s) %s (last advert %.3f ms ago)", rt.cfg.name.c_str(), a.reason,
                static_cast<double>(now - *last) / 1e6);
    else if (a.reason != nullptr)
      XLOG_INFO("(%s) %s", rt.cfg.name.c_str(), a.reason);
    XLOG_INFO("(%s) Entering %s STATE", rt.cfg.name.c_str(), core::state_name(state));
    // The next advert must reach us even if it repeats the last one.
    if (rt.rx_programmed) rx_->forget_last_seen(rt.key);
    rt.down_guard.reset();
    rt.prev_reported_rx_ns = 0;
    run_notify(rt, state);
  }
  record_resume(rt, a, now);
  note_handover(rt);
  sync_timers(rt);
  if (!rt.cfg.sync_group.empty() && (a.entered || a.wants_master)) {
    if (a.wants_master && a.reason != nullptr) XLOG_INFO("(%s) %s", rt.cfg.name.c_str(), a.reason);
    if (a.left == core::State::Master && a.entered == core::State::Backup && !settling_)
      rt.left_master = true;
    settle_sync_group(rt.cfg.sync_group, now);
  }
}

void Daemon::send_advert(InstanceRuntime& rt, std::uint8_t priority) {
  if (rt.ifindex == 0) return;
  auto sender = senders_.find(rt.send_ifindex());
  if (sender == senders_.end()) return;
  if (!rt.src_ip) refresh_source(rt);
  if (!rt.src_ip) {
    if (rt.no_source_log.allow(clock::monotonic_ns()))
      XLOG_WARN("(%s) no source address on %s, advert not sent (logged every 10 s)",
                rt.cfg.name.c_str(), rt.cfg.interface.c_str());
    return;
  }
  const auto& dsts = rt.plan.destinations;
  for (std::size_t i = 0; i < dsts.size(); ++i) {
    auto msg = rt.adverts.get(i, *rt.src_ip, dsts[i], priority);
    if (msg.empty()) {
      XLOG_ERROR("(%s) cannot encode advert: %s", rt.cfg.name.c_str(), rt.adverts.problem());
      return;
    }
    if (rt.hmac && (msg = signed_advert(rt, msg, dsts[i])).empty()) return;
    sender->second->queue(*rt.src_ip, dsts[i], msg, rt.plan.send_ttl);
  }
  ++(priority == 0 ? rt.priority_zero_sent : rt.adverts_sent);
  // A resignation must leave before anything else happens (VIP removal, exit).
  if (priority == 0) flush_senders();
}

void Daemon::flush_sender(int ifindex) {
  if (auto it = senders_.find(ifindex); it != senders_.end() && it->second->queued() > 0)
    it->second->flush();
}

void Daemon::flush_senders() {
  for (auto& [ifindex, sender] : senders_)
    if (sender->queued() > 0) sender->flush();
}

void Daemon::update_tracking(InstanceRuntime& rt, Nanos now) {
  auto is_up = [&](const std::string& name) {
    const auto link = links_->find(name);
    return link && link->up();
  };
  auto inputs = policy::interface_inputs(rt.cfg, is_up);
  for (const auto& t : rt.cfg.track_scripts) {
    const CheckRuntime* c = find_check(t.script.name);
    inputs.push_back(policy::script_input(t, c ? c->check.state() : core::CheckState::Init));
  }
  for (const auto& t : rt.cfg.track_files)
    inputs.push_back(policy::file_input(t, file_tracker(t.file).value));
  for (const auto& t : rt.cfg.track_processes) {
    const ProcessTracker* p = find_process(t.process.name);
    inputs.push_back(policy::process_input(t, p != nullptr && p->quorum.up()));
  }
  for (const auto& t : rt.cfg.track_bfds)
    inputs.push_back(policy::bfd_input(t, bfd_ && bfd_->up(t.name)));
  // An interface we could not bind to counts as down.
  const bool bound = rt.ifindex != 0 && rt.rx_programmed;
  const policy::TrackingResult r = policy::evaluate_tracking(
      policy::primary_healthy(rt.cfg.track_primary, bound, is_up(rt.cfg.interface)), inputs);
  if (!rt.sm) return;
  if (r.delta != rt.sm->priority_delta()) {
    const std::uint8_t before = rt.sm->effective_priority();
    apply(rt, rt.sm->set_priority_delta(r.delta, now), now);
    note_priority_change(rt, before);
  }
  rt.own_fault = r.fault;
  rt.own_link_down = r.fault && r.link_down;
  const auto cause = rt.own_link_down ? core::FaultCause::LinkDown : core::FaultCause::Service;
  rt.sm->set_sync_hold(!rt.cfg.sync_group.empty());
  if (!rt.cfg.sync_group.empty())
    settle_sync_group(rt.cfg.sync_group, now);  // the group decides who faults
  else if (r.fault != rt.sm->faulted())
    apply(rt, rt.sm->set_fault(r.fault, now, cause), now);
  // A check faulted first and the link went down during the handover window: nothing can
  // be served any more, whoever holds the fault.
  if (rt.own_link_down && rt.sm->fault_releasing())
    apply(rt, rt.sm->set_fault(true, now, cause), now);
}

void Daemon::run_notify(const InstanceRuntime& rt, core::State state) {
  const std::string* script = state == core::State::Master   ? &rt.cfg.notify_master
                              : state == core::State::Backup ? &rt.cfg.notify_backup
                              : state == core::State::Fault  ? &rt.cfg.notify_fault
                                                             : nullptr;
  if (script != nullptr && !script->empty()) scripts_->run(*script);
  if (!rt.cfg.notify.empty() && state != core::State::Initialize)
    scripts_->run(rt.cfg.notify, notify::notify_args(rt.cfg.name, core::state_name(state),
                                                     rt.sm->effective_priority()));
  if (const auto word = policy::fifo_state_word(state); word && fifos_)
    fifos_->instance(rt.cfg.name, *word, rt.sm->effective_priority());
  rearm_scripts_timer();
}

void Daemon::note_priority_change(const InstanceRuntime& rt, std::uint8_t before) {
  if (!fifos_ || !rt.sm || !rt.cfg.notify_priority_changes) return;
  if (rt.sm->effective_priority() == before) return;
  fifos_->instance(rt.cfg.name, policy::fifo_priority_word(rt.sm->state()),
                   rt.sm->effective_priority());
}

std::string Daemon::handle_command(const std::string& command) {
  if (command == "status") return render_status_json(snapshot()) + "\n";
  if (auto reply = operator_command(command)) return *reply;
  return "{\"error\":" +
         json_quoted("unknown command '" + command +
                     "'; expected: status, handover INSTANCE|--all, maintenance on|off") +
         "}\n";
}

}  // namespace xvrrp::daemon
