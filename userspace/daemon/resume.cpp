// SPDX-License-Identifier: GPL-2.0-or-later
// Crash resume (policy/resume.hpp): the record every runtime keeps in the ResumeFile, the
// start-up verdict on what a killed predecessor left, and the VIPs kept until a master is
// heard.
#include <exception>
#include <string>
#include <vector>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/resume_file.hpp"
#include "net/link_monitor.hpp"

namespace xvrrp::daemon {

using core::Nanos;

void Daemon::open_resume_file() {
  const std::string path = resume_file_path(config_.global.router_id, options_.control_path);
  try {
    resume_ = std::make_unique<ResumeFile>(path, read_boot_id());
  } catch (const std::exception& e) {
    // Without it a restart behaves as before a crash resume existed; never fatal.
    XLOG_WARN("crash resume disabled: %s", e.what());
  }
}

void Daemon::acquire_resume_slot(InstanceRuntime& rt) {
  if (!resume_) return;
  rt.resume_slot = resume_->acquire(rt.cfg.name, policy::config_hash(rt.cfg));
  if (rt.resume_slot == ResumeFile::kNoSlot)
    XLOG_WARN("(%s) no crash resume record left in %s", rt.cfg.name.c_str(),
              resume_->path().c_str());
}

void Daemon::release_resume_slot(InstanceRuntime& rt) {
  if (resume_ && rt.resume_slot != ResumeFile::kNoSlot) resume_->release(rt.resume_slot);
  rt.resume_slot = ResumeFile::kNoSlot;
}

std::vector<net::Vip> Daemon::decide_resume_all() {
  std::vector<net::Vip> stale;
  const RxPath::LastSeenList inherited = rx_->inherited_last_seen();
  const Nanos now = clock::monotonic_ns();
  for (auto& rt : instances_) {
    policy::ResumeEvidence e;
    if (resume_) e.record = resume_->previous(rt->cfg.name);
    e.config_hash = policy::config_hash(rt->cfg);
    e.now = now;
    core::InstanceParams p = rt->plan.params;
    e.master_down_interval = core::Instance(p).master_down_interval();
    e.vips_configured = rt->vips.size();
    std::vector<bool> present(rt->vips.size(), false);
    for (std::size_t i = 0; i < rt->vips.size(); ++i) {
      const auto& v = rt->vips[i];
      present[i] = v.vip.ifindex != 0 && addresses_->present(v.vip);
      if (present[i]) ++e.vips_present;
    }
    for (const auto& [key, seen] : inherited) {
      if (pack_vrid_key(key) != pack_vrid_key(rt->key)) continue;
      if (rt->src_ip && from_abi(seen.src, key.family) == *rt->src_ip) continue;
      e.peer = policy::PeerHeard{static_cast<Nanos>(seen.ts_ns), seen.priority};
    }
    const auto link = links_->find(rt->cfg.interface);
    e.faulted = rt->ifindex == 0 || !link || !link->up();
    e.startup_delayed = config_.global.startup_delay_ms > 0;
    const policy::ResumeVerdict v = policy::decide_resume(e);
    rt->resume_action = v.action;
    rt->start_verdict = policy::resume_action_name(v.action);
    if (e.record || e.vips_present > 0)
      XLOG_INFO("(%s) start-up: %s (%s; %zu of %zu VIPs on their device)", rt->cfg.name.c_str(),
                policy::resume_action_name(v.action), v.reason, e.vips_present, e.vips_configured);
    for (std::size_t i = 0; i < rt->vips.size(); ++i) {
      auto& vr = rt->vips[i];
      if (v.action == policy::ResumeAction::Clean) {
        if (vr.vip.ifindex != 0) stale.push_back(vr.vip);
      } else if (present[i]) {
        vr.installed = true;  // ours now: set_vips(false) removes it
      }
    }
    rt->keeps_found_vips = v.action == policy::ResumeAction::KeepVips;
  }
  return stale;
}

void Daemon::record_resume(InstanceRuntime& rt, const core::Actions& a, Nanos now) {
  if (a.entered && rt.keeps_found_vips) {
    // MASTER: the VIPs found are its own again. FAULT or a stop: let go, as before.
    if (*a.entered != core::State::Master && *a.entered != core::State::Backup) {
      XLOG_INFO("(%s) removing the VIPs left by the previous run (%s)", rt.cfg.name.c_str(),
                core::state_name(*a.entered));
      set_vips(rt, false);
    }
    if (*a.entered != core::State::Backup) rt.keeps_found_vips = false;
  }
  if (!resume_ || rt.resume_slot == ResumeFile::kNoSlot || !rt.sm) return;
  resume_->record_state(rt.resume_slot, rt.sm->state(), rt.sm->handing_over());
  if (a.send_advert && rt.sm->state() == core::State::Master)
    resume_->record_advert(rt.resume_slot, now);
}

void Daemon::master_heard(InstanceRuntime& rt, std::uint8_t priority) {
  if (!rt.keeps_found_vips || priority == 0 || rt.sm->state() == core::State::Master) return;
  XLOG_INFO("(%s) a master is heard: removing the VIPs left by the previous run",
            rt.cfg.name.c_str());
  rt.keeps_found_vips = false;
  set_vips(rt, false);
}

}  // namespace xvrrp::daemon
