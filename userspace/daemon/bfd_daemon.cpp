// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's side of BFD: a session state change feeds track_bfd (the tracking rule) and
// master_bfd (policy/bfd_takeover.hpp).
#include "common/log.hpp"
#include "daemon/bfd_runtime.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "policy/bfd_takeover.hpp"

namespace xvrrp::daemon {

using core::Nanos;

void Daemon::on_bfd_change(const BfdChange& change, Nanos now) {
  const core::bfd::Session* session = bfd_ ? bfd_->session(change.name) : nullptr;
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    for (const auto& t : rt->cfg.track_bfds) {
      if (t.name == change.name) {
        update_tracking(*rt, now);
        break;
      }
    }
    if (rt->cfg.master_bfd != change.name || session == nullptr || stopping_) continue;
    const config::BfdInstance* cfg = nullptr;
    for (const auto& b : config_.bfd_instances)
      if (b.name == change.name) cfg = &b;
    if (cfg == nullptr) continue;
    // Adverts folded into the XDP last-seen record count as arrived.
    if (rt->sm->state() == core::State::Backup && rx_->suppresses_duplicates()) sweep_last_seen();
    policy::MasterBfdInput in;
    in.vrrp_state = rt->sm->state();
    in.master_ip = rt->sm->master_ip();
    in.neighbor_ip = cfg->neighbor_ip;
    in.before = change.before;
    in.after = change.after;
    in.last_advert_rx_ns = rt->sm->last_advert_rx_ns();
    in.last_bfd_rx_ns = session->last_rx_ns();
    switch (policy::master_bfd_verdict(in)) {
      case policy::MasterBfdVerdict::Nothing:
        break;
      case policy::MasterBfdVerdict::TakeOver:
        ++rt->bfd_takeovers;
        XLOG_INFO("(%s) master_bfd %s: session to the master %s went Down (%s)",
                  rt->cfg.name.c_str(), change.name.c_str(), cfg->neighbor_ip.to_string().c_str(),
                  core::bfd::diag_name(change.diag));
        apply(*rt, rt->sm->take_over(now, "master_bfd: the master's BFD session went Down"), now);
        break;
      case policy::MasterBfdVerdict::Contradiction:
        ++rt->bfd_contradictions;
        XLOG_WARN(
            "(%s) master_bfd %s: the BFD session to %s went Down but its adverts still arrive "
            "(last advert %.3f ms after the last BFD packet): not taking over",
            rt->cfg.name.c_str(), change.name.c_str(), cfg->neighbor_ip.to_string().c_str(),
            static_cast<double>(*in.last_advert_rx_ns - *in.last_bfd_rx_ns) / 1e6);
        break;
    }
  }
}

}  // namespace xvrrp::daemon
