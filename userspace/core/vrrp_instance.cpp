// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/vrrp_instance.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace xvrrp::core {

namespace {

constexpr std::uint8_t kOwnerPriority = 255;
constexpr std::uint16_t kV3MaxAdvertIntCs = 4095;   // 12-bit field
constexpr std::uint16_t kV2MaxAdvertIntCs = 25500;  // 8-bit field in seconds

[[noreturn]] void invalid(const InstanceParams& p, const std::string& what) {
  throw std::invalid_argument("vrrp_instance " + p.name + ": " + what);
}

}  // namespace

const char* state_name(State state) {
  switch (state) {
    case State::Initialize:
      return "INIT";
    case State::Backup:
      return "BACKUP";
    case State::Master:
      return "MASTER";
    case State::Fault:
      return "FAULT";
  }
  return "UNKNOWN";
}

Instance::Instance(InstanceParams params) : params_(std::move(params)) {
  validate(params_);
  effective_priority_ = params_.base_priority;
  master_adver_int_cs_ = params_.advert_int_cs;
}

void Instance::validate(const InstanceParams& p) {
  if (p.vrid == 0) invalid(p, "virtual_router_id must be 1..255, got 0");
  if (p.version != 2 && p.version != 3) {
    invalid(p, "version must be 2 or 3, got " + std::to_string(p.version));
  }
  if (p.base_priority == 0) invalid(p, "priority must be 1..255, got 0");
  if (p.advert_int_cs == 0) invalid(p, "advert_int must be > 0");
  if (p.version == 2 && (p.advert_int_cs % 100 != 0 || p.advert_int_cs > kV2MaxAdvertIntCs)) {
    invalid(p, "VRRPv2 advert_int must be whole seconds 1..255, got " +
                   std::to_string(p.advert_int_cs) + " cs");
  }
  if (p.version == 3 && p.advert_int_cs > kV3MaxAdvertIntCs) {
    invalid(p, "VRRPv3 advert_int must be 0.01..40.95 s, got " + std::to_string(p.advert_int_cs) +
                   " cs");
  }
  if (p.preempt_delay < 0) invalid(p, "preempt_delay must be >= 0");
  if (p.down_timer_adverts < 1 || p.down_timer_adverts > 100)
    invalid(p, "down_timer_adverts must be 1..100, got " + std::to_string(p.down_timer_adverts));
}

Nanos Instance::skew_time() const {
  const Nanos weight = 256 - Nanos{effective_priority_};
  if (params_.version == 2) return weight * kNanosPerSecond / 256;
  return weight * (Nanos{master_adver_int_cs_} * kNanosPerCentisecond) / 256;
}

Nanos Instance::master_down_interval() const {
  // v2 drops adverts whose interval differs from ours, so Master_Adver_Interval stays ours.
  return Nanos{params_.down_timer_adverts} * Nanos{master_adver_int_cs_} * kNanosPerCentisecond +
         skew_time();
}

void Instance::enter(State next, Actions& actions, const char* reason) {
  if (state_ == next) return;
  actions.left = state_;
  state_ = next;
  ++transitions_;
  wants_master_ = false;
  actions.entered = next;
  actions.reason = reason;
  preempt_window_end_ = kNever;
  handover_bound_ = next_resign_ = kNever;
  handover_stays_ = false;
}

void Instance::become_master(Nanos now, Actions& actions, const char* reason) {
  enter(State::Master, actions, reason);
  release_at_ = kNever;  // the VIPs a linger kept are ours again
  preempt_hold_ = false;
  master_adver_int_cs_ = params_.advert_int_cs;  // RFC 5798 §6.4.1: back to our own interval
  master_ip_ = params_.primary_ip;
  master_priority_ = effective_priority_;
  actions.add_vips = true;
  actions.send_advert = true;
  actions.start_garp = true;
  deadline_ = now + advert_interval();
}

void Instance::become_backup(Nanos down_deadline, Actions& actions, const char* reason) {
  enter(State::Backup, actions, reason);
  deadline_ = down_deadline;
}

void Instance::record_master(const ReceivedAdvert& advert) {
  master_ip_ = advert.src;
  master_priority_ = advert.priority;
  last_advert_priority_ = advert.priority;
  last_advert_rx_ns_ = advert.rx_ns;
}

void Instance::learn_interval(std::uint16_t advert_int_cs) {
  // RFC 5798 §6.4.2: a v3 backup follows the master's interval. v2 intervals always match ours.
  if (params_.version == 3 && advert_int_cs != 0) master_adver_int_cs_ = advert_int_cs;
}

Instance::Verdict Instance::backup_verdict(std::uint8_t priority, Nanos rx_ns, bool open_window) {
  if (!params_.preempt || preempt_hold_ || maintenance_ || priority >= effective_priority_) {
    if (open_window) preempt_window_end_ = kNever;
    return Verdict::Accept;
  }
  if (params_.preempt_delay <= 0) return Verdict::Ignore;
  if (preempt_window_end_ == kNever) {
    if (!open_window) return Verdict::Ignore;
    preempt_window_end_ = rx_ns + params_.preempt_delay;
  }
  return rx_ns < preempt_window_end_ ? Verdict::Accept : Verdict::Ignore;
}

Actions Instance::start(Nanos now, Nanos hold_until) {
  Actions actions;
  if (state_ != State::Initialize) return actions;
  const bool held = hold_until > now;
  if (faulted_) {
    enter(State::Fault, actions, "tracked interface down at startup");
    deadline_ = kNever;
  } else if (params_.base_priority == kOwnerPriority && !held && !maintenance_) {
    become_master(now, actions, "address owner (priority 255)");
  } else {
    master_adver_int_cs_ = params_.advert_int_cs;
    const Nanos from = held ? hold_until : now;
    if (params_.base_priority == kOwnerPriority)
      become_backup(from, actions, "startup delay: the owner takes over when it ends");
    else
      become_backup(from + master_down_interval(), actions, held ? "startup delay" : "startup");
  }
  return actions;
}

Actions Instance::resume_master(Nanos now) {
  if (state_ != State::Initialize || faulted_ || maintenance_) return start(now);
  Actions actions;
  become_master(now, actions, "resumed: MASTER before the restart, the record checked");
  return actions;
}

Actions Instance::on_advert(const ReceivedAdvert& advert, Nanos now) {
  Actions actions;
  switch (state_) {
    case State::Initialize:
      return actions;

    case State::Fault:
      record_master(advert);
      learn_interval(advert.advert_int_cs);
      if (fault_releasing() && advert.priority != 0)
        release_in_fault(actions, "new master heard: the VIPs go after the release linger", now);
      return actions;

    case State::Backup: {
      if (advert.priority == 0) {
        record_master(advert);
        if (maintenance_) {
          actions.reason = "priority 0 advert received, in maintenance: not taking over";
          return actions;
        }
        if (params_.instant_takeover && sync_hold_) {
          hold_for_group(now, actions, "priority 0 advert received, waiting for the sync group");
          return actions;
        }
        if (params_.instant_takeover) {
          become_master(now, actions, "priority 0 advert received, taking over at once");
          return actions;
        }
        deadline_ = std::min(deadline_, advert.rx_ns + skew_time());
        actions.reason = "priority 0 advert received";
        return actions;
      }
      if (backup_verdict(advert.priority, advert.rx_ns, true) == Verdict::Accept) {
        learn_interval(advert.advert_int_cs);
        // Out-of-order delivery (ring buffer record older than a last-seen refresh) must never
        // pull the deadline earlier than the newest advert we know of.
        const Nanos base = std::max(advert.rx_ns, last_advert_rx_ns_.value_or(advert.rx_ns));
        record_master(advert);
        last_advert_rx_ns_ = base;
        deadline_ = base + master_down_interval();
        wants_master_ = false;
      } else {
        // The lower-priority master is still recorded, but the down timer keeps running.
        record_master(advert);
        actions.reason = "lower priority advert ignored, preempting";
      }
      return actions;
    }

    case State::Master: {
      if (handing_over()) {
        if (advert.priority != 0) {
          record_master(advert);
          if (handover_stays_) learn_interval(advert.advert_int_cs);
          end_handover(actions, "new master heard, handover complete", now, true);
        }
        return actions;
      }
      if (advert.priority == 0) {
        actions.send_advert = true;
        deadline_ = now + advert_interval();
        actions.reason = "priority 0 advert received";
        return actions;
      }
      // RFC 5798 §6.4.3 makes no exception for the address owner: two owners (a
      // misconfiguration) still elect one master, the higher primary address.
      const bool higher =
          advert.priority > effective_priority_ ||
          (advert.priority == effective_priority_ && params_.primary_ip < advert.src);
      if (higher) {
        actions.send_advert = params_.higher_prio_send_advert;
        record_master(advert);
        learn_interval(advert.advert_int_cs);
        actions.remove_vips = true;
        actions.stop_garp = true;
        become_backup(advert.rx_ns + master_down_interval(), actions,
                      "higher priority advert received");
        return actions;
      }
      if (params_.lower_prio_no_advert) return actions;
      // At most one answer per interval: the regular adverts answer the rest.
      if (last_forced_advert_ != kNever && now - last_forced_advert_ < advert_interval())
        return actions;
      last_forced_advert_ = now;
      actions.send_advert = true;
      actions.reason = "lower priority advert received, forcing a new election";
      return actions;
    }
  }
  return actions;
}

Actions Instance::take_over(Nanos now, const char* reason) {
  Actions actions;
  if (state_ == State::Backup && !maintenance_) become_master(now, actions, reason);
  return actions;
}

bool Instance::defer_master_down(Nanos until) {
  if (state_ != State::Backup || until <= deadline_) return false;
  deadline_ = until;
  return true;
}

Actions Instance::on_timer(Nanos now) {
  Actions actions;
  if (now < deadline_) return actions;
  switch (state_) {
    case State::Master: {
      if (handing_over()) {
        if (now >= handover_bound_ && handover_stays_) {
          // Nobody took over: the VIPs were never released, so serving on is seamless.
          handover_bound_ = next_resign_ = kNever;
          handover_stays_ = false;
          actions.send_advert = true;
          actions.start_garp = true;
          actions.reason = "no new master heard within the handover bound: staying MASTER";
          deadline_ = now + advert_interval();
          return actions;
        }
        if (now >= handover_bound_) {
          end_handover(actions, "no new master heard within the handover bound", now, false);
          return actions;
        }
        repeat_resign(now, actions);
        return actions;
      }
      actions.send_advert = true;
      const Nanos interval = advert_interval();
      deadline_ += interval;
      if (deadline_ <= now) deadline_ = now + interval;  // a late loop must not burst adverts
      return actions;
    }
    case State::Backup:
      if (maintenance_) {
        deadline_ = now + master_down_interval();
        actions.reason = "master down timer expired, in maintenance: not taking over";
        return actions;
      }
      if (sync_hold_) {
        hold_for_group(now, actions, "master down timer expired, waiting for the sync group");
        return actions;
      }
      become_master(now, actions, "master down timer expired");
      return actions;
    case State::Fault:
      if (!fault_releasing()) return actions;
      // The check says the service is broken: unlike hand_over(), nobody taking over is no
      // reason to keep the VIPs.
      if (now >= handover_bound_) {
        release_in_fault(actions, "no new master heard within the handover bound: VIPs removed");
        return actions;
      }
      repeat_resign(now, actions);
      return actions;
    case State::Initialize:
      return actions;
  }
  return actions;
}

void Instance::repeat_resign(Nanos now, Actions& actions) {
  if (now >= next_resign_) {
    actions.send_priority_zero = true;
    ++resigns_sent_;
    next_resign_ = resigns_sent_ < kHandoverResigns ? now + advert_interval() / 4 : kNever;
  }
  arm_handover_deadline();
}

void Instance::release_in_fault(Actions& actions, const char* reason, Nanos linger_from) {
  if (linger_from == kNever)
    actions.remove_vips = true;
  else
    linger_release(linger_from);
  actions.stop_garp = true;
  actions.reason = reason;
  handover_bound_ = next_resign_ = kNever;
  deadline_ = kNever;
}

Actions Instance::refresh_from_last_seen(Nanos last_rx_ns) {
  Actions actions;
  if (state_ != State::Backup || !last_advert_rx_ns_ || last_rx_ns <= *last_advert_rx_ns_ ||
      last_advert_priority_ == 0) {
    return actions;
  }
  if (backup_verdict(last_advert_priority_, last_rx_ns, false) == Verdict::Accept) {
    last_advert_rx_ns_ = last_rx_ns;
    deadline_ = last_rx_ns + master_down_interval();
  }
  return actions;
}

Actions Instance::set_fault(bool faulted, Nanos now, FaultCause cause) {
  Actions actions;
  if (faulted && faulted_ && cause == FaultCause::LinkDown && fault_releasing()) {
    release_in_fault(actions, "tracked interface down while handing over: VIPs removed");
    return actions;
  }
  if (faulted == faulted_) return actions;
  faulted_ = faulted;
  if (state_ == State::Initialize) return actions;
  if (faulted) {
    const bool link = cause == FaultCause::LinkDown;
    if (state_ != State::Master) {
      flush_release(actions);  // FAULT keeps no VIPs beyond its own window
      enter(State::Fault, actions, link ? "tracked interface down" : "tracked check in FAULT");
      deadline_ = kNever;
      return actions;
    }
    if (link) {
      actions.send_priority_zero = true;
      actions.remove_vips = true;
      actions.stop_garp = true;
      enter(State::Fault, actions, "tracked interface down");
      deadline_ = kNever;
      return actions;
    }
    // enter() forgets a handover in progress; a resignation already on the wire keeps its
    // bound rather than starting a second one.
    const bool resigned = handing_over();
    const Nanos bound = resigned ? handover_bound_ : now + master_down_interval();
    const Nanos next = resigned               ? next_resign_
                       : kHandoverResigns > 1 ? now + advert_interval() / 4
                                              : kNever;
    enter(State::Fault, actions,
          "tracked check in FAULT: priority 0 sent, keeping the VIPs until the new master is "
          "heard");
    if (!resigned) {
      actions.send_priority_zero = true;
      resigns_sent_ = 1;
    }
    handover_bound_ = bound;
    next_resign_ = next;
    arm_handover_deadline();
    return actions;
  }
  const bool releasing = fault_releasing();
  if (params_.base_priority == kOwnerPriority && !maintenance_) {
    become_master(now, actions, "fault cleared, address owner");
  } else {
    if (releasing) {
      actions.remove_vips = true;
      actions.stop_garp = true;
    }
    flush_release(actions);
    master_adver_int_cs_ = params_.advert_int_cs;
    become_backup(now + master_down_interval(), actions, "fault cleared");
  }
  return actions;
}

void Instance::recompute_priority() {
  if (params_.base_priority == kOwnerPriority) {
    effective_priority_ = kOwnerPriority;
    return;
  }
  effective_priority_ =
      static_cast<std::uint8_t>(std::clamp(int{params_.base_priority} + priority_delta_, 1, 254));
}

Actions Instance::set_priority_delta(int delta, Nanos now) {
  (void)now;
  Actions actions;
  priority_delta_ = delta;
  const std::uint8_t before = effective_priority_;
  recompute_priority();
  if (effective_priority_ == before) return actions;
  if (state_ == State::Master && !handing_over()) {
    master_priority_ = effective_priority_;
    actions.send_advert = true;
    actions.reason = "effective priority changed";
  }
  return actions;
}

Actions Instance::reconfigure(const InstanceParams& params, Nanos now) {
  if (params.vrid != params_.vrid || params.version != params_.version)
    invalid(params_, "virtual_router_id and version cannot change without a restart");
  validate(params);
  Actions actions;
  const std::uint8_t before = effective_priority_;
  const bool interval_changed = params.advert_int_cs != params_.advert_int_cs;
  const bool preempt_changed =
      params.preempt != params_.preempt || params.preempt_delay != params_.preempt_delay;
  const IpAddress primary = params_.primary_ip;
  params_ = params;
  params_.primary_ip = primary;
  set_primary_ip(params.primary_ip);
  recompute_priority();
  if (preempt_changed) preempt_window_end_ = kNever;
  preempt_hold_ = false;  // a reload ends the hold after an on-demand handover

  switch (state_) {
    case State::Master:
      if (handing_over()) break;  // the resignation is already on the wire
      if (interval_changed) {
        master_adver_int_cs_ = params_.advert_int_cs;
        deadline_ = std::min(deadline_, now + advert_interval());
      }
      if (effective_priority_ != before) {
        master_priority_ = effective_priority_;
        actions.send_advert = true;
        actions.reason = "priority changed by reload";
        deadline_ = now + advert_interval();
      }
      break;
    case State::Backup:
      if (params_.base_priority == kOwnerPriority && !maintenance_) {
        become_master(now, actions, "address owner (priority 255) after reload");
        break;
      }
      if (interval_changed && params_.version == 2) {
        master_adver_int_cs_ = params_.advert_int_cs;
        deadline_ = last_advert_rx_ns_.value_or(now) + master_down_interval();
      }
      break;
    case State::Initialize:
      master_adver_int_cs_ = params_.advert_int_cs;
      break;
    case State::Fault:
      break;
  }
  return actions;
}

void Instance::set_primary_ip(const IpAddress& ip) {
  params_.primary_ip = ip;
  if (state_ == State::Master) master_ip_ = ip;
}

Actions Instance::stop(Nanos now) {
  (void)now;
  Actions actions;
  flush_release(actions);
  if (state_ == State::Initialize) return actions;
  if (state_ == State::Master) actions.send_priority_zero = true;
  if (state_ == State::Master || fault_releasing()) {
    actions.remove_vips = true;
    actions.stop_garp = true;
  }
  flush_release(actions);
  enter(State::Initialize, actions, "shutdown");
  deadline_ = kNever;
  return actions;
}

Actions Instance::begin_handover(Nanos now) {
  if (fault_releasing()) return {};
  if (state_ != State::Master) return stop(now);
  Actions actions;
  if (handing_over()) return actions;
  actions.send_priority_zero = true;
  actions.reason = "stopping: priority 0 sent, keeping the VIPs until the new master is heard";
  handover_stays_ = false;
  resigns_sent_ = 1;
  next_resign_ = kHandoverResigns > 1 ? now + advert_interval() / 4 : kNever;
  handover_bound_ = now + master_down_interval();
  arm_handover_deadline();
  return actions;
}

void Instance::hold_for_group(Nanos now, Actions& actions, const char* reason) {
  wants_master_ = true;
  deadline_ = now + master_down_interval();
  actions.wants_master = true;
  actions.reason = reason;
}

Actions Instance::force_master(Nanos now) {
  Actions actions;
  if (state_ != State::Backup || maintenance_) return actions;
  become_master(now, actions, "sync group: every member takes over");
  return actions;
}

Actions Instance::force_backup(Nanos now) {
  Actions actions;
  if (state_ != State::Master || handing_over()) return actions;
  actions.remove_vips = true;
  actions.stop_garp = true;
  become_backup(now + master_down_interval(), actions, "sync group: a member fell back to BACKUP");
  return actions;
}

void Instance::arm_handover_deadline() { deadline_ = std::min(next_resign_, handover_bound_); }

void Instance::linger_release(Nanos now) {
  release_at_ = now + std::min(advert_interval(), kReleaseLingerMax);
}

void Instance::flush_release(Actions& actions) {
  if (release_at_ == kNever) return;
  release_at_ = kNever;
  actions.remove_vips = true;
}

Actions Instance::release_vips(Nanos now) {
  Actions actions;
  if (now < release_at_) return actions;
  flush_release(actions);
  actions.reason = "release linger over: VIPs removed";
  return actions;
}

void Instance::end_handover(Actions& actions, const char* reason, Nanos now, bool heard) {
  if (heard)
    linger_release(now);
  else
    actions.remove_vips = true;
  actions.stop_garp = true;
  if (handover_stays_) {
    handover_stays_ = false;
    become_backup(last_advert_rx_ns_.value_or(0) + master_down_interval(), actions, reason);
    preempt_hold_ = !maintenance_;
    return;
  }
  enter(State::Initialize, actions, reason);
  deadline_ = kNever;
}

Actions Instance::hand_over(Nanos now) {
  Actions actions;
  if (state_ != State::Master || handing_over()) return actions;
  actions = begin_handover(now);
  actions.reason = "handing over: priority 0 sent, keeping the VIPs until the new master is heard";
  handover_stays_ = true;
  handover_began_ = now;
  return actions;
}

Actions Instance::set_maintenance(bool on, Nanos now) {
  Actions actions;
  if (on == maintenance_) return actions;
  maintenance_ = on;
  if (!on) {
    preempt_hold_ = false;
    return actions;
  }
  if (state_ == State::Master && !handing_over()) return hand_over(now);
  return actions;
}

}  // namespace xvrrp::core
