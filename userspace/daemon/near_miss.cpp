// SPDX-License-Identifier: GPL-2.0-or-later
// A busy host must not fail over: the quiet-path rule at a backup's expired master-down timer
// (policy/down_guard.hpp), and the near-miss record that warns before a false takeover: the
// largest inter-advert gap a backup heard against its master-down interval, and the lateness
// of a master's own periodic adverts (scheduled deadline -> sendmmsg returned).
#include <cstring>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "net/netlink_util.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {
// A wake-up reading may be this old: the 255 backups of one interface share one read.
constexpr Nanos kWakeupReadingAge = 2'000'000;

double ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }
}  // namespace

std::optional<std::uint64_t> Daemon::interface_rx_packets(int ifindex, Nanos now, Nanos max_age) {
  if (!link_stats_ || ifindex == 0) return std::nullopt;
  auto it = rx_readings_.find(ifindex);
  if (max_age > 0 && it != rx_readings_.end() && now - it->second.at <= max_age)
    return it->second.packets;
  const auto packets = link_stats_->rx_packets(ifindex);
  if (!packets) {
    rx_readings_.erase(ifindex);
    return std::nullopt;
  }
  rx_readings_[ifindex] = {*packets, now};
  return packets;
}

void Daemon::note_backup_wakeup(InstanceRuntime& rt, Nanos now) {
  if (options_.quiet_path_grace_adverts == 0 || rt.sm->state() != core::State::Backup) return;
  if (const auto packets = interface_rx_packets(rt.ifindex, now, kWakeupReadingAge))
    rt.down_guard.note_rx_counter(*packets);
}

bool Daemon::defer_quiet_path(InstanceRuntime& rt, Nanos now) {
  if (options_.quiet_path_grace_adverts == 0 || rt.sm->state() != core::State::Backup ||
      rt.sm->maintenance())
    return false;
  const auto packets = interface_rx_packets(rt.ifindex, now, 0);
  if (!packets) return false;
  // The reading came after the drain: a frame it counts already went through the hook.
  rx_->drain_pending();
  if (rx_->suppresses_duplicates()) sweep_last_seen();
  if (rt.sm->state() != core::State::Backup) return true;
  if (rt.sm->next_deadline() > now) {
    sync_timers(rt);
    return true;
  }
  const Nanos grace = Nanos{options_.quiet_path_grace_adverts} *
                      Nanos{rt.sm->master_adver_int_cs()} * core::kNanosPerCentisecond;
  const policy::ExpiryDecision d = rt.down_guard.on_expiry(now, *packets, grace);
  if (d.verdict != policy::ExpiryVerdict::Extend || !rt.sm->defer_master_down(d.until))
    return false;
  const auto last = rt.sm->last_advert_rx_ns();
  XLOG_WARN(
      "(%s) master down timer expired, but %s delivered no frame at all since %.1f ms: "
      "the path, not the master, may be stalled; waiting %.1f ms more (extension %llu)",
      rt.cfg.name.c_str(), rt.cfg.interface.c_str(), last ? ms(now - *last) : 0.0, ms(grace),
      static_cast<unsigned long long>(rt.down_guard.extensions()));
  sync_timers(rt);
  return true;
}

void Daemon::note_reported_gap(InstanceRuntime& rt, Nanos rx_ns) {
  const Nanos prev = rt.prev_reported_rx_ns;
  rt.prev_reported_rx_ns = rx_ns;
  // XDP folds identical adverts without reporting them: there the gaps come from the
  // program's own record (check_near_misses), and reported ones are not consecutive.
  if (rx_->suppresses_duplicates() || prev == 0 || rt.sm->state() != core::State::Backup) return;
  const Nanos mdi = rt.sm->master_down_interval();
  const Nanos gap = rx_ns - prev;
  // Longer silences are outages or restarts, as in the XDP record.
  if (gap > Nanos{XVRRP_JITTER_MAX_GAP_ADVERTS} * Nanos{rt.sm->master_adver_int_cs()} *
                core::kNanosPerCentisecond)
    return;
  if (rt.near_miss.note_gap(gap, mdi) && rt.near_miss_log.allow(rx_ns))
    XLOG_WARN(
        "(%s) near miss: adverts from the master %.1f ms apart, %.0f%% of the master-down "
        "interval (%.1f ms) (logged every 10 s)",
        rt.cfg.name.c_str(), ms(gap), 100.0 * static_cast<double>(gap) / static_cast<double>(mdi),
        ms(mdi));
}

void Daemon::check_near_misses(Nanos now) {
  if (!rx_->suppresses_duplicates()) return;
  for (auto& rt : instances_) {
    if (!rt->sm || rt->sm->state() != core::State::Backup || !rt->sm->master_ip()) continue;
    xvrrp_peer_key peer{};
    peer.vrid = rt->key;
    to_abi(*rt->sm->master_ip(), peer.addr);
    const auto j = rx_->jitter(peer);
    if (!j || static_cast<Nanos>(j->max_gap_ns) <= rt->near_miss.max_gap_ns) continue;
    const Nanos gap = static_cast<Nanos>(j->max_gap_ns);
    const Nanos mdi = rt->sm->master_down_interval();
    if (rt->near_miss.note_gap(gap, mdi) && rt->near_miss_log.allow(now))
      XLOG_WARN(
          "(%s) near miss: adverts from %s %.1f ms apart, %.0f%% of the master-down "
          "interval (%.1f ms) (logged every 10 s)",
          rt->cfg.name.c_str(), rt->sm->master_ip()->to_string().c_str(), ms(gap),
          100.0 * static_cast<double>(gap) / static_cast<double>(mdi), ms(mdi));
  }
}

void Daemon::note_send_lateness(Nanos now) {
  for (const std::uint64_t id : adverts_scheduled_) {
    auto it = by_id_.find(id);
    if (it == by_id_.end() || !it->second->sm) continue;
    InstanceRuntime& rt = *it->second;
    const Nanos late = now - rt.advert_scheduled_ns;
    rt.near_miss.note_send_lateness(late);
    send_lateness_.note(late);
    const Nanos interval = rt.sm->advert_interval();
    // Half an interval late eats into every backup's skew margin.
    if (late * 2 >= interval && rt.late_log.allow(now))
      XLOG_WARN(
          "(%s) advert sent %.1f ms after its time (advert interval %.1f ms) (logged "
          "every 10 s)",
          rt.cfg.name.c_str(), ms(late), ms(interval));
  }
  adverts_scheduled_.clear();
}

}  // namespace xvrrp::daemon
