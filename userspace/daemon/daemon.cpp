// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/daemon.hpp"

#include <linux/capability.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "bpf/advert_filter.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"
#include "daemon/control_server.hpp"
#include "daemon/json_writer.hpp"
#include "daemon/system.hpp"
#include "net/advert_sender.hpp"
#include "net/garp_sender.hpp"
#include "net/link_monitor.hpp"
#include "net/raw_receiver.hpp"
#include "notify/script_runner.hpp"

namespace xvrrp::daemon {

using core::Nanos;

struct Daemon::InstanceRuntime {
  std::uint64_t id = 0;
  config::Instance cfg;
  std::unique_ptr<core::Instance> sm;
  core::GarpSchedule garp;
  core::TimerId sm_timer = 0;
  core::TimerId garp_timer = 0;
  int ifindex = 0;  // of cfg.interface; 0 while it does not exist
  std::array<std::uint8_t, 6> mac{};
  xvrrp_vrid_key key{};
  std::optional<IpAddress> src_ip;
  std::vector<IpAddress> destinations;
  std::vector<IpAddress> advertised;  // addresses carried in adverts
  std::vector<std::pair<config::Vip, net::Vip>> vips;
  bool vips_installed = false;
  bool filter_programmed = false;
  // The encoded message is cached per (priority, source): the master path
  // re-sends it without encoding or allocating.
  std::array<std::uint8_t, net::AdvertSender::kMaxMessage> msg{};
  std::size_t msg_len = 0;
  int msg_priority = -1;
  std::optional<IpAddress> msg_src;
  std::uint64_t adverts_sent = 0;
  std::uint64_t adverts_received = 0;
  std::uint64_t garps_sent = 0;
  std::uint64_t priority_zero_sent = 0;
  Nanos last_reclaim_garp_ns = INT64_MIN / 2;
};

namespace {

constexpr std::uint64_t kKindBits = 2;

std::uint64_t pack_key(const xvrrp_vrid_key& k) {
  return (std::uint64_t{k.ifindex} << 16) | (std::uint64_t{k.family} << 8) | k.vrid;
}

std::uint64_t make_cookie(std::uint64_t id, std::uint64_t kind) { return (id << kKindBits) | kind; }

std::uint8_t to_xvrrp_family(int family) {
  return family == AF_INET6 ? XVRRP_AF_INET6 : XVRRP_AF_INET;
}

core::GarpParams garp_params(const config::Instance& cfg) {
  core::GarpParams p;
  p.repeat = static_cast<int>(cfg.garp_master_repeat);
  p.delay = static_cast<Nanos>(cfg.garp_master_delay_ms) * 1'000'000;
  p.refresh = static_cast<Nanos>(cfg.garp_master_refresh_ms) * 1'000'000;
  p.refresh_repeat = static_cast<int>(cfg.garp_master_refresh_repeat);
  return p;
}

}  // namespace

Daemon::Daemon(Options options, config::Config config)
    : options_(std::move(options)), config_(std::move(config)) {}

Daemon::~Daemon() {
  // Instances first: stopping them may still need the senders and addresses.
  instances_.clear();
  control_.reset();
  filter_.reset();
}

std::unique_ptr<Daemon::InstanceRuntime> Daemon::make_runtime(const config::Instance& cfg) {
  auto rt = std::make_unique<InstanceRuntime>();
  rt->id = next_runtime_id_++;
  rt->cfg = cfg;
  rt->garp = core::GarpSchedule(garp_params(cfg));
  for (const auto& vip : cfg.vips)
    if (vip.advertised) rt->advertised.push_back(vip.addr);
  if (cfg.unicast_peers.empty()) {
    rt->destinations.push_back(cfg.family() == AF_INET6 ? packet::vrrp_multicast_v6()
                                                        : packet::vrrp_multicast_v4());
  } else {
    for (const auto& peer : cfg.unicast_peers) rt->destinations.push_back(peer.addr);
  }
  rt->sm_timer = loop_.timers().schedule(
      core::kNever, make_cookie(rt->id, std::uint64_t(TimerKind::StateMachine)));
  rt->garp_timer =
      loop_.timers().schedule(core::kNever, make_cookie(rt->id, std::uint64_t(TimerKind::Garp)));
  by_id_[rt->id] = rt.get();
  return rt;
}

void Daemon::refresh_source(InstanceRuntime& rt) {
  if (rt.cfg.unicast_src_ip) {
    rt.src_ip = rt.cfg.unicast_src_ip;
  } else if (rt.ifindex != 0) {
    rt.src_ip = links_->primary_address(rt.ifindex, rt.cfg.family());
  } else {
    rt.src_ip.reset();
  }
}

// Resolves the instance's interface and VIP devices, and (re)creates what
// depends on the ifindex: the sender, the receive path and the BPF config.
void Daemon::bind_interface(InstanceRuntime& rt) {
  const auto link = links_->find(rt.cfg.interface);
  const int ifindex = link ? link->ifindex : 0;
  if (rt.filter_programmed && filter_ && ifindex != rt.ifindex) {
    filter_->remove_instance(rt.key);
    rt.filter_programmed = false;
  }
  rt.ifindex = ifindex;
  if (link) rt.mac = link->mac;
  if (auto it = by_key_.find(pack_key(rt.key)); it != by_key_.end() && it->second == &rt)
    by_key_.erase(it);
  rt.key = xvrrp_vrid_key{};
  rt.key.ifindex = static_cast<__u32>(ifindex);
  rt.key.vrid = rt.cfg.vrid;
  rt.key.family = to_xvrrp_family(rt.cfg.family());
  refresh_source(rt);
  if (ifindex != 0) by_key_[pack_key(rt.key)] = &rt;

  rt.vips.clear();
  for (const auto& vip : rt.cfg.vips) {
    net::Vip nv;
    const auto dev = links_->find(vip.dev);
    nv.ifindex = dev ? dev->ifindex : 0;
    nv.addr = vip.addr;
    nv.prefix_len = vip.prefix_len;
    nv.broadcast = vip.broadcast;
    nv.scope = vip.scope;
    nv.label = vip.label;
    rt.vips.emplace_back(vip, nv);
  }
  if (ifindex == 0) return;

  if (!senders_.count(ifindex))
    senders_[ifindex] = std::make_unique<net::AdvertSender>(ifindex, rt.cfg.interface);
  program_filter(rt);
  if (filter_) {
    filter_->attach(ifindex);
  } else if (!receivers_.count(ifindex)) {
    auto rx = std::make_unique<net::RawReceiver>(ifindex, rt.cfg.interface);
    const int fd = rx->fd();
    receivers_[ifindex] = std::move(rx);
    loop_.add_fd(fd, EPOLLIN, [this, ifindex](std::uint32_t) { on_socket_readable(ifindex); });
  }
}

class Daemon::SocketTables : public packet::ValidatorTables {
 public:
  const xvrrp_vrid_config* find_vrid(const xvrrp_vrid_key& key) const override {
    auto it = vrids_.find(pack_key(key));
    return it == vrids_.end() ? nullptr : &it->second;
  }
  bool has_peer(const xvrrp_peer_key& key) const override {
    auto it = peers_.find(pack_key(key.vrid));
    if (it == peers_.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const xvrrp_peer_key& p) {
      return std::memcmp(p.addr, key.addr, sizeof p.addr) == 0;
    });
  }
  void set(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg,
           const std::vector<xvrrp_peer_key>& peers) {
    vrids_[pack_key(key)] = cfg;
    peers_[pack_key(key)] = peers;
  }
  void remove(const xvrrp_vrid_key& key) {
    vrids_.erase(pack_key(key));
    peers_.erase(pack_key(key));
  }

 private:
  std::unordered_map<std::uint64_t, xvrrp_vrid_config> vrids_;
  std::unordered_map<std::uint64_t, std::vector<xvrrp_peer_key>> peers_;
};

void Daemon::program_filter(InstanceRuntime& rt) {
  xvrrp_vrid_config cfg{};
  cfg.version = rt.cfg.version;
  cfg.auth_type = rt.cfg.version == 2 ? rt.cfg.auth_type : XVRRP_AUTH_NONE;
  cfg.advert_int_cs = rt.cfg.advert_int_cs;
  std::memcpy(cfg.auth_pass, rt.cfg.auth_pass.data(), sizeof cfg.auth_pass);
  // Adverts from a same-segment peer arrive with TTL 255; only an explicit
  // per-peer range (keepalived's min_ttl/max_ttl) widens that.
  cfg.min_ttl = 255;
  cfg.max_ttl = 255;
  std::vector<xvrrp_peer_key> peers;
  if (!rt.cfg.unicast_peers.empty()) {
    cfg.flags |= XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER;
    bool explicit_range = false;
    std::uint8_t lo = 255, hi = 0;
    for (const auto& peer : rt.cfg.unicast_peers) {
      if (peer.min_ttl != 0 || peer.max_ttl != 255) explicit_range = true;
      lo = std::min(lo, peer.min_ttl);
      hi = std::max(hi, peer.max_ttl);
      xvrrp_peer_key pk{};
      pk.vrid = rt.key;
      std::memcpy(pk.addr, peer.addr.bytes.data(), peer.addr.size());
      peers.push_back(pk);
    }
    if (explicit_range) {
      cfg.min_ttl = lo;
      cfg.max_ttl = hi;
    }
  }
  if (filter_) {
    cfg.flags |= XVRRP_CFG_SUPPRESS_DUPS;
    filter_->set_instance(rt.key, cfg, peers);
  } else {
    socket_tables_->set(rt.key, cfg, peers);
  }
  rt.filter_programmed = true;
}

void Daemon::setup() {
  started_ns_ = monotonic_ns();
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

  // The control socket doubles as the one-daemon-per-router-id lock, so it
  // comes before anything that touches shared state (pins, VIPs).
  control_ = std::make_unique<ControlServer>(
      loop_, options_.control_path.empty() ? control_socket_path(router_id) : options_.control_path,
      [this](const std::string& command) { return handle_command(command); });

  links_ = std::make_unique<net::LinkMonitor>(
      [this](const net::LinkState& link) { on_link(link); },
      [this](int ifindex, const IpAddress& addr, std::uint8_t prefix, bool added) {
        on_address(ifindex, addr, prefix, added);
      });
  loop_.add_fd(links_->fd(), EPOLLIN, [this](std::uint32_t) { links_->on_readable(); });
  addresses_ = std::make_unique<net::AddressManager>();
  garp_ = std::make_unique<net::GarpSender>();
  scripts_ = std::make_unique<notify::ScriptRunner>();
  scripts_timer_ =
      loop_.timers().schedule(core::kNever, make_cookie(0, std::uint64_t(TimerKind::Scripts)));

  if (options_.rx == RxMode::Xdp) {
    filter_ = std::make_unique<bpf::AdvertFilter>(router_id);
    rx_description_ = "xdp";
  } else {
    socket_tables_ = std::make_unique<SocketTables>();
    rx_description_ = "socket";
  }

  loop_.timers().reserve(2 * config_.instances.size() + 8);
  for (const auto& cfg : config_.instances) instances_.push_back(make_runtime(cfg));

  // A killed predecessor may have left our VIPs behind.
  std::vector<net::Vip> stale;
  for (auto& rt : instances_) {
    bind_interface(*rt);
    for (const auto& [cfg_vip, vip] : rt->vips)
      if (vip.ifindex != 0) stale.push_back(vip);
  }
  addresses_->remove_stale(stale);
  if (filter_) {
    loop_.add_fd(filter_->ring_fd(), EPOLLIN, [this](std::uint32_t) { on_ring_readable(); });
    rx_description_ = "xdp";
    for (const auto& a : filter_->attachments())
      rx_description_ += " " + std::to_string(a.ifindex) + ":" + (a.native ? "native" : "skb") +
                         (a.dispatcher ? "/dispatcher" : "/single-program");
  }

  loop_.set_timer_handler([this](std::uint64_t cookie, Nanos now) { on_timer(cookie, now); });
  loop_.set_idle_handler([this] { flush_senders(); });

  enable_realtime();

  if (options_.drop_capabilities) {
    // CAP_BPF + CAP_PERFMON reload the XDP program when an interface is
    // recreated (the verifier refuses it without PERFMON); NET_ADMIN attaches
    // it and manages VIPs; NET_RAW is for adverts and GARPs.
    std::vector<int> keep = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON};
    // Detaching from libxdp's dispatcher looks programs up by id (CAP_SYS_ADMIN).
    bool dispatcher = false;
    if (filter_)
      for (const auto& a : filter_->attachments()) dispatcher |= a.dispatcher;
    if (dispatcher) keep.push_back(CAP_SYS_ADMIN);
    drop_capabilities(keep);
    XLOG_INFO(
        "Dropped capabilities: keeping CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON%s "
        "(CapEff=%llx)",
        dispatcher ? ", CAP_SYS_ADMIN" : "", effective_capabilities());
  }

  for (auto& rt : instances_) start_instance(*rt);
  XLOG_INFO("Started xvrrpd: router_id %s, %zu instance(s), receive path %s", router_id.c_str(),
            instances_.size(), rx_description_.c_str());
  notify_ready("running " + std::to_string(instances_.size()) + " instance(s), rx " +
               rx_description_);
}

// With 10 ms adverts the master-down interval is ~38 ms: a master descheduled
// for that long by ordinary load makes the backup take over. Backups are
// immune (XDP timestamps and the last-seen record keep counting while we
// sleep), so this is about sending on time.
void Daemon::enable_realtime() {
  int prio = options_.realtime_priority;
  if (prio == 0) {
    const bool fast = std::any_of(config_.instances.begin(), config_.instances.end(),
                                  [](const config::Instance& c) { return c.advert_int_cs < 100; });
    prio = fast ? 20 : -1;
  }
  if (prio <= 0) return;
  sched_param param{};
  param.sched_priority = prio;
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    XLOG_WARN("cannot switch to SCHED_FIFO priority %d: %s; adverts may be late under load", prio,
              std::strerror(errno));
    return;
  }
  XLOG_INFO("Running with SCHED_FIFO priority %d (sub-second advert interval)", prio);
}

void Daemon::start_instance(InstanceRuntime& rt) {
  core::InstanceParams p;
  p.name = rt.cfg.name;
  p.vrid = rt.cfg.vrid;
  p.version = rt.cfg.version;
  p.base_priority = rt.cfg.priority;
  p.advert_int_cs = rt.cfg.advert_int_cs;
  p.preempt = rt.cfg.preempt;
  p.preempt_delay = rt.cfg.preempt_delay_ns;
  if (rt.src_ip) p.primary_ip = *rt.src_ip;
  rt.sm = std::make_unique<core::Instance>(p);
  const Nanos now = monotonic_ns();
  update_tracking(rt, now);
  apply(rt, rt.sm->start(now), now);
}

void Daemon::stop_instance(InstanceRuntime& rt) {
  if (!rt.sm) return;
  const Nanos now = monotonic_ns();
  apply(rt, rt.sm->stop(now), now);
  // Whatever the state machine believed, nothing of ours may stay behind.
  if (rt.vips_installed) install_vips(rt, false);
  loop_.timers().cancel(rt.sm_timer);
  loop_.timers().cancel(rt.garp_timer);
  if (filter_ && rt.filter_programmed) filter_->remove_instance(rt.key);
  if (socket_tables_ && rt.filter_programmed) socket_tables_->remove(rt.key);
  rt.filter_programmed = false;
  if (!rt.cfg.notify_stop.empty()) scripts_->run(rt.cfg.notify_stop);
  by_id_.erase(rt.id);
  if (auto it = by_key_.find(pack_key(rt.key)); it != by_key_.end() && it->second == &rt)
    by_key_.erase(it);
  rt.sm.reset();
}

int Daemon::run() {
  setup();
  loop_.run();
  shutdown();
  return 0;
}

void Daemon::shutdown() {
  stopping_ = true;
  notify_stopping();
  for (auto& rt : instances_) stop_instance(*rt);
  flush_senders();
  if (filter_) filter_->detach_all();
  XLOG_INFO("Stopped xvrrpd");
}

void Daemon::on_signal() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGTERM:
      case SIGINT:
        XLOG_INFO("Received %s, shutting down", info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        loop_.stop();
        break;
      case SIGHUP:
        reload();
        break;
      case SIGCHLD:
        scripts_->on_sigchld();
        loop_.timers().reschedule(scripts_timer_, scripts_->next_deadline_ns());
        break;
      default:
        break;
    }
  }
}

void Daemon::on_ring_readable() {
  filter_->consume([this](const xvrrp_advert_event& ev) { on_advert_event(ev); });
}

void Daemon::on_socket_readable(int ifindex) {
  auto it = receivers_.find(ifindex);
  if (it == receivers_.end()) return;
  it->second->drain([this](std::span<const std::uint8_t> ip, int rx_ifindex, std::uint64_t rx_ns) {
    const packet::Verdict v =
        packet::validate_ip(ip, static_cast<std::uint32_t>(rx_ifindex), rx_ns, *socket_tables_);
    if (v.kind == packet::Verdict::Kind::Accepted) {
      on_advert_event(v.event);
    } else if (v.kind == packet::Verdict::Kind::Rejected && v.reason >= 0 &&
               v.reason < XVRRP_REJECT_MAX) {
      ++socket_rejects_[v.reason];
      XLOG_DEBUG("socket rx: rejected advert on ifindex %d: %s", rx_ifindex,
                 packet::reject_reason_name(v.reason));
    }
  });
}

Daemon::InstanceRuntime* Daemon::find_by_key(const xvrrp_vrid_key& key) {
  auto it = by_key_.find(pack_key(key));
  return it == by_key_.end() || !it->second->sm ? nullptr : it->second;
}

void Daemon::on_advert_event(const xvrrp_advert_event& ev) {
  xvrrp_vrid_key key{};
  key.ifindex = ev.ifindex;
  key.vrid = ev.vrid;
  key.family = ev.family;
  InstanceRuntime* rt = find_by_key(key);
  if (rt == nullptr) return;
  core::ReceivedAdvert advert;
  advert.src = ev.family == XVRRP_AF_INET6
                   ? IpAddress::v6(*reinterpret_cast<const std::uint8_t(*)[16]>(ev.src))
                   : IpAddress::v4(ev.src[0]);
  // Our own multicast adverts looped back carry our source: not a peer.
  if (rt->src_ip && advert.src == *rt->src_ip) return;
  advert.priority = ev.priority;
  advert.advert_int_cs = ev.advert_int_cs;
  advert.rx_ns = static_cast<Nanos>(ev.ts_ns);
  ++rt->adverts_received;
  const Nanos now = monotonic_ns();
  const bool was_master = rt->sm->state() == core::State::Master;
  apply(*rt, rt->sm->on_advert(advert, now), now);
  // Another router believed it was master (it stopped hearing us for a
  // moment) and may have told the clients its MAC; take them back
  // (keepalived's garp_lower_prio_repeat). At most one burst a second.
  if (was_master && rt->sm->state() == core::State::Master && advert.priority != 0 &&
      advert.priority < rt->sm->effective_priority() &&
      now - rt->last_reclaim_garp_ns >= core::kNanosPerSecond) {
    rt->last_reclaim_garp_ns = now;
    XLOG_INFO("(%s) lower priority advert from %s: re-announcing the VIPs", rt->cfg.name.c_str(),
              advert.src.to_string().c_str());
    send_garps(*rt, std::max(1, static_cast<int>(rt->cfg.garp_master_repeat)));
  }
}

void Daemon::on_timer(std::uint64_t cookie, Nanos now) {
  const auto kind = static_cast<TimerKind>(cookie & ((1U << kKindBits) - 1));
  if (kind == TimerKind::Scripts) {
    scripts_->on_timer(now);
    loop_.timers().reschedule(scripts_timer_, scripts_->next_deadline_ns());
    return;
  }
  auto it = by_id_.find(cookie >> kKindBits);
  if (it == by_id_.end()) return;
  InstanceRuntime& rt = *it->second;
  if (!rt.sm) return;
  if (kind == TimerKind::Garp) {
    send_garps(rt, rt.garp.due(now));
    sync_timers(rt);
    return;
  }
  if (rt.sm->state() == core::State::Backup && filter_) {
    // Identical adverts were folded into the BPF last-seen record without
    // waking us; the deadline counts from the newest of them. A sweep taken
    // after this deadline already holds every advert that arrived before it.
    if (last_seen_sweep_ns_ < rt.sm->next_deadline()) sweep_last_seen();
    if (rt.sm->next_deadline() > now) {
      sync_timers(rt);
      return;
    }
  }
  apply(rt, rt.sm->on_timer(now), now);
}

// One batch read of every instance's last-seen record re-arms all backups at
// once: with 255 instances at 10 ms that is a few syscalls per master-down
// interval instead of one per instance per interval.
void Daemon::sweep_last_seen() {
  last_seen_sweep_ns_ = monotonic_ns();
  if (!filter_->all_last_seen(last_seen_buf_)) return;
  for (const auto& [key, seen] : last_seen_buf_) {
    InstanceRuntime* rt = find_by_key(key);
    if (rt == nullptr || rt->sm->state() != core::State::Backup) continue;
    // The record must describe the master the state machine follows.
    const IpAddress src =
        key.family == XVRRP_AF_INET6
            ? IpAddress::v6(*reinterpret_cast<const std::uint8_t(*)[16]>(seen.src))
            : IpAddress::v4(seen.src[0]);
    if (rt->sm->master_ip() != src) continue;
    const Nanos before = rt->sm->next_deadline();
    rt->sm->refresh_from_last_seen(static_cast<Nanos>(seen.ts_ns));
    if (rt->sm->next_deadline() != before) sync_timers(*rt);
  }
}

void Daemon::sync_timers(InstanceRuntime& rt) {
  if (!rt.sm) return;
  loop_.timers().reschedule(rt.sm_timer, rt.sm->next_deadline());
  loop_.timers().reschedule(rt.garp_timer, rt.garp.next_deadline());
}

void Daemon::apply(InstanceRuntime& rt, const core::Actions& a, Nanos now) {
  if (a.send_priority_zero) send_advert(rt, 0);
  if (a.remove_vips) install_vips(rt, false);
  if (a.add_vips) install_vips(rt, true);
  if (a.send_advert) send_advert(rt, rt.sm->effective_priority());
  if (a.stop_garp) rt.garp.stop();
  if (a.start_garp) {
    rt.garp.start(now);
    send_garps(rt, rt.garp.due(now));
  }
  if (a.entered) {
    const core::State state = *a.entered;
    if (state == core::State::Master && a.reason != nullptr) {
      const auto last = rt.sm->last_advert_rx_ns();
      if (last)
        XLOG_INFO("(%s) %s (last advert %.3f ms ago)", rt.cfg.name.c_str(), a.reason,
                  static_cast<double>(now - *last) / 1e6);
      else
        XLOG_INFO("(%s) %s", rt.cfg.name.c_str(), a.reason);
    } else if (a.reason != nullptr) {
      XLOG_INFO("(%s) %s", rt.cfg.name.c_str(), a.reason);
    }
    XLOG_INFO("(%s) Entering %s STATE", rt.cfg.name.c_str(), core::state_name(state));
    // The next advert must reach us even if it repeats the last one.
    if (filter_ && rt.filter_programmed) filter_->forget_last_seen(rt.key);
    run_notify(rt, state);
  }
  sync_timers(rt);
}

void Daemon::send_advert(InstanceRuntime& rt, std::uint8_t priority) {
  if (rt.ifindex == 0) return;
  auto sender = senders_.find(rt.ifindex);
  if (sender == senders_.end()) return;
  if (!rt.src_ip) refresh_source(rt);
  if (!rt.src_ip) {
    XLOG_WARN("(%s) no source address on %s, advert not sent", rt.cfg.name.c_str(),
              rt.cfg.interface.c_str());
    return;
  }
  for (const IpAddress& dst : rt.destinations) {
    // v3's pseudo-header checksum depends on the destination, so only the
    // single-destination case can reuse the cached message.
    if (rt.msg_priority != priority || rt.msg_src != rt.src_ip || rt.destinations.size() > 1 ||
        rt.msg_len == 0) {
      packet::Advert advert;
      advert.version = rt.cfg.version;
      advert.vrid = rt.cfg.vrid;
      advert.priority = priority;
      advert.advert_int_cs = rt.cfg.advert_int_cs;
      advert.auth_type = rt.cfg.version == 2 ? rt.cfg.auth_type : XVRRP_AUTH_NONE;
      if (advert.auth_type == XVRRP_AUTH_PASS) advert.auth_data = rt.cfg.auth_pass;
      advert.addrs = rt.advertised;
      rt.msg_len = packet::encode_into(advert, *rt.src_ip, dst, packet::ChecksumMode::Auto, rt.msg);
      rt.msg_priority = priority;
      rt.msg_src = rt.src_ip;
      if (rt.msg_len == 0) {
        XLOG_ERROR("(%s) cannot encode advert: %s", rt.cfg.name.c_str(),
                   packet::encode_problem(advert, *rt.src_ip, dst));
        return;
      }
    }
    sender->second->queue(*rt.src_ip, dst, std::span<const std::uint8_t>(rt.msg.data(), rt.msg_len),
                          rt.cfg.unicast_peers.empty() ? XVRRP_TTL : rt.cfg.unicast_ttl);
  }
  if (priority == 0)
    ++rt.priority_zero_sent;
  else
    ++rt.adverts_sent;
  // A resignation must leave before anything else happens (VIP removal, exit).
  if (priority == 0) flush_senders();
}

void Daemon::flush_senders() {
  for (auto& [ifindex, sender] : senders_)
    if (sender->queued() > 0) sender->flush();
}

void Daemon::send_garps(InstanceRuntime& rt, int count) {
  if (count <= 0 || rt.ifindex == 0) return;
  for (int i = 0; i < count; ++i) {
    for (const auto& [cfg_vip, vip] : rt.vips) {
      // Announce on the VRRP interface, where the clients are, with its MAC,
      // wherever the VIP lives: a NOARP dummy0 would swallow the GARP.
      if (vip.addr.is_v4()) {
        if (garp_->send_garp(rt.ifindex, rt.mac, vip.addr)) ++rt.garps_sent;
        if (vip.ifindex != 0 && vip.ifindex != rt.ifindex) {
          auto dev = links_->find(vip.ifindex);
          if (dev && dev->up() && !dev->noarp) garp_->send_garp(vip.ifindex, dev->mac, vip.addr);
        }
      } else if (vip.addr.is_v6()) {
        auto ll = links_->primary_address(rt.ifindex, AF_INET6);
        if (ll && garp_->send_unsolicited_na(rt.ifindex, rt.mac, *ll, vip.addr)) ++rt.garps_sent;
      }
    }
  }
}

void Daemon::install_vips(InstanceRuntime& rt, bool add) {
  for (auto& [cfg_vip, vip] : rt.vips) {
    if (vip.ifindex == 0) {
      const auto dev = links_->find(cfg_vip.dev);
      if (!dev) {
        if (add)
          XLOG_WARN("(%s) cannot add %s: device %s does not exist", rt.cfg.name.c_str(),
                    vip.addr.to_string().c_str(), cfg_vip.dev.c_str());
        continue;
      }
      vip.ifindex = dev->ifindex;
    }
    if (add)
      addresses_->add(vip);
    else
      addresses_->remove(vip);
  }
  rt.vips_installed = add;
}

void Daemon::update_tracking(InstanceRuntime& rt, Nanos now) {
  bool fault = false;
  int delta = 0;
  auto is_up = [&](const std::string& name) {
    const auto link = links_->find(name);
    return link && link->up();
  };
  if (!is_up(rt.cfg.interface)) fault = true;
  for (const auto& t : rt.cfg.tracked) {
    const bool up = is_up(t.name);
    if (t.weight == 0) {
      if (!up) fault = true;
    } else if (t.weight > 0) {
      if (up) delta += t.weight;
    } else if (!up) {
      delta += t.weight;
    }
  }
  if (!rt.sm) return;
  if (delta != rt.sm->priority_delta()) apply(rt, rt.sm->set_priority_delta(delta, now), now);
  if (fault != rt.sm->faulted()) apply(rt, rt.sm->set_fault(fault, now), now);
}

void Daemon::run_notify(const InstanceRuntime& rt, core::State state) {
  const std::string* script = nullptr;
  switch (state) {
    case core::State::Master:
      script = &rt.cfg.notify_master;
      break;
    case core::State::Backup:
      script = &rt.cfg.notify_backup;
      break;
    case core::State::Fault:
      script = &rt.cfg.notify_fault;
      break;
    default:
      break;
  }
  if (script != nullptr && !script->empty()) scripts_->run(*script);
  if (!rt.cfg.notify.empty() && state != core::State::Initialize)
    scripts_->run(rt.cfg.notify, notify::notify_args(rt.cfg.name, core::state_name(state),
                                                     rt.sm->effective_priority()));
  loop_.timers().reschedule(scripts_timer_, scripts_->next_deadline_ns());
}

void Daemon::on_link(const net::LinkState& link) {
  const Nanos now = monotonic_ns();
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    const bool own = link.name == rt->cfg.interface;
    bool relevant = own;
    for (const auto& t : rt->cfg.tracked) relevant |= (t.name == link.name);
    for (const auto& [cfg_vip, vip] : rt->vips) relevant |= (cfg_vip.dev == link.name);
    if (!relevant) continue;
    // A (re)created interface gets a new ifindex: rebind sockets and XDP.
    if (own && link.exists && link.ifindex != rt->ifindex) {
      XLOG_INFO("(%s) interface %s appeared (ifindex %d)", rt->cfg.name.c_str(), link.name.c_str(),
                link.ifindex);
      try {
        bind_interface(*rt);
      } catch (const std::exception& e) {
        // The instance stays in FAULT without a receive path rather than taking
        // the whole daemon down.
        XLOG_ERROR("(%s) cannot bind to %s: %s", rt->cfg.name.c_str(), link.name.c_str(), e.what());
        rt->ifindex = 0;
      }
    } else if (own && link.exists) {
      rt->mac = link.mac;
    }
    for (auto& [cfg_vip, vip] : rt->vips)
      if (cfg_vip.dev == link.name) vip.ifindex = link.exists ? link.ifindex : 0;
    update_tracking(*rt, now);
    if (link.exists && link.up() && rt->sm->state() == core::State::Master && !rt->vips_installed)
      install_vips(*rt, true);
  }
}

void Daemon::on_address(int ifindex, const IpAddress& addr, std::uint8_t prefix_len, bool added) {
  (void)prefix_len;
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    if (ifindex == rt->ifindex && !rt->cfg.unicast_src_ip) refresh_source(*rt);
    if (added || rt->sm->state() != core::State::Master || !rt->vips_installed) continue;
    for (auto& [cfg_vip, vip] : rt->vips) {
      if (vip.ifindex == ifindex && vip.addr == addr) {
        XLOG_WARN("(%s) VIP %s was removed from %s while MASTER, restoring it",
                  rt->cfg.name.c_str(), addr.to_string().c_str(), cfg_vip.dev.c_str());
        addresses_->add(vip);
        send_garps(*rt, 1);
      }
    }
  }
}

void Daemon::reload() {
  notify_reloading();
  XLOG_INFO("Reloading configuration from %s", options_.config_path.c_str());
  config::Config next;
  try {
    next = config::load(options_.config_path);
  } catch (const std::exception& e) {
    XLOG_ERROR("Reload failed, keeping the running configuration: %s", e.what());
    notify_ready("reload failed; running the previous configuration");
    return;
  }
  for (const auto& w : next.warnings) XLOG_WARN("%s", w.c_str());
  if (next.global.router_id != config_.global.router_id)
    XLOG_WARN("router_id changed (%s -> %s): takes effect only on restart",
              config_.global.router_id.c_str(), next.global.router_id.c_str());
  next.global.router_id = config_.global.router_id;

  std::vector<std::unique_ptr<InstanceRuntime>> kept;
  std::vector<std::unique_ptr<InstanceRuntime>> removed;
  for (auto& rt : instances_) {
    auto match = std::find_if(next.instances.begin(), next.instances.end(),
                              [&](const config::Instance& c) { return c.name == rt->cfg.name; });
    if (match != next.instances.end() && *match == rt->cfg) {
      kept.push_back(std::move(rt));
    } else {
      if (match != next.instances.end())
        XLOG_INFO("(%s) changed: %s", rt->cfg.name.c_str(),
                  config::describe_diff(rt->cfg, *match).c_str());
      else
        XLOG_INFO("(%s) removed", rt->cfg.name.c_str());
      removed.push_back(std::move(rt));
    }
  }
  for (auto& rt : removed) stop_instance(*rt);
  removed.clear();
  instances_ = std::move(kept);
  std::vector<InstanceRuntime*> added;
  for (const auto& cfg : next.instances) {
    const bool exists = std::any_of(instances_.begin(), instances_.end(),
                                    [&](const auto& rt) { return rt->cfg.name == cfg.name; });
    if (exists) continue;
    instances_.push_back(make_runtime(cfg));
    added.push_back(instances_.back().get());
  }
  for (InstanceRuntime* rt : added) {
    try {
      bind_interface(*rt);
      start_instance(*rt);
    } catch (const std::exception& e) {
      XLOG_ERROR("(%s) cannot start: %s", rt->cfg.name.c_str(), e.what());
    }
  }
  config_ = std::move(next);
  XLOG_INFO("Reload done: %zu instance(s), %zu new", instances_.size(), added.size());
  notify_ready("running " + std::to_string(instances_.size()) + " instance(s), rx " +
               rx_description_);
}

std::string Daemon::handle_command(const std::string& command) {
  if (command == "status") return status_json() + "\n";
  return "{\"error\":\"unknown command '" + command + "'; expected: status\"}\n";
}

std::string Daemon::status_json() const {
  const Nanos now = monotonic_ns();
  JsonWriter j;
  j.begin_object();
  j.field("router_id", config_.global.router_id);
  j.field("pid", static_cast<std::int64_t>(getpid()));
  j.field("abi_version", XVRRP_ABI_VERSION);
  j.field("rx", options_.rx == RxMode::Xdp ? "xdp" : "socket");
  j.field("rx_detail", rx_description_);
  j.field("uptime_s", static_cast<double>(now - started_ns_) / 1e9);
  j.key("socket_rejects").begin_object();
  for (int r = 0; r < XVRRP_REJECT_MAX; ++r)
    j.field(packet::reject_reason_name(r), socket_rejects_[r]);
  j.end_object();
  j.key("instances").begin_array();
  for (const auto& rt : instances_) {
    if (!rt->sm) continue;
    const core::Instance& sm = *rt->sm;
    j.begin_object();
    j.field("name", rt->cfg.name);
    j.field("interface", rt->cfg.interface);
    j.field("vrid", unsigned{rt->cfg.vrid});
    j.field("version", unsigned{rt->cfg.version});
    j.field("state", core::state_name(sm.state()));
    j.field("base_priority", unsigned{rt->cfg.priority});
    j.field("effective_priority", unsigned{sm.effective_priority()});
    j.key("master");
    if (sm.master_ip())
      j.value(sm.master_ip()->to_string());
    else
      j.null();
    j.field("master_priority", unsigned{sm.master_priority()});
    // Suppressed duplicates only refresh the BPF last-seen record.
    std::optional<Nanos> last_rx = sm.last_advert_rx_ns();
    if (filter_ && rt->filter_programmed && sm.state() != core::State::Master) {
      if (auto seen = filter_->last_seen(rt->key))
        last_rx = std::max(last_rx.value_or(0), static_cast<Nanos>(seen->ts_ns));
    }
    j.key("last_advert_age_ms");
    if (last_rx)
      j.value(static_cast<double>(now - *last_rx) / 1e6);
    else
      j.null();
    j.field("advert_int_ms", unsigned{rt->cfg.advert_int_cs} * 10U);
    j.field("master_adver_int_ms", unsigned{sm.master_adver_int_cs()} * 10U);
    j.field("transitions", sm.transitions());
    bool all_present = !rt->vips.empty();
    j.key("vips").begin_array();
    for (const auto& [cfg_vip, vip] : rt->vips) {
      // From LinkMonitor's cache: a status request must not cost a netlink
      // round trip per VIP on the event loop.
      bool present = false;
      if (vip.ifindex != 0)
        for (const auto& a : links_->addresses(vip.ifindex)) present |= (a.addr == vip.addr);
      all_present &= present;
      j.begin_object();
      j.field("addr", vip.addr.to_string() + "/" + std::to_string(vip.prefix_len));
      j.field("dev", cfg_vip.dev);
      j.field("present", present);
      j.end_object();
    }
    j.end_array();
    j.field("vips_present", all_present);
    j.key("tracked").begin_array();
    for (const auto& t : rt->cfg.tracked) {
      const auto link = links_->find(t.name);
      j.begin_object();
      j.field("name", t.name);
      j.field("up", link && link->up());
      j.field("weight", t.weight);
      j.end_object();
    }
    j.end_array();
    j.field("adverts_sent", rt->adverts_sent);
    j.field("adverts_received", rt->adverts_received);
    j.field("priority_zero_sent", rt->priority_zero_sent);
    j.field("garps_sent", rt->garps_sent);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

}  // namespace xvrrp::daemon
