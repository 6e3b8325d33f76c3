// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/resume.hpp"

namespace xvrrp::policy {

ResumeVerdict decide_resume(const ResumeEvidence& e) {
  if (e.vips_present == 0) return {ResumeAction::Clean, "no VIP of the instance is on its device"};
  if (e.faulted) return {ResumeAction::Clean, "its tracking says FAULT"};
  if (!e.record)
    return {ResumeAction::KeepVips, "no record of the previous run: keeping the VIPs found"};
  const ResumeRecord& r = *e.record;
  if (r.state != core::State::Master)
    return {ResumeAction::Clean, "the previous run was not MASTER"};
  if (r.handing_over)
    return {ResumeAction::KeepVips, "the previous run was handing over: keeping the VIPs found"};
  if (r.config_hash != e.config_hash)
    return {ResumeAction::KeepVips, "the configuration changed: keeping the VIPs found"};
  if (e.vips_present < e.vips_configured)
    return {ResumeAction::KeepVips, "a VIP is missing: keeping the VIPs found"};
  const core::Nanos age = e.now - r.last_advert_ns;
  if (age < 0 || age >= e.master_down_interval)
    return {ResumeAction::KeepVips,
            "the last advert sent is a Master_Down_Interval old: keeping the VIPs found"};
  if (e.peer && e.peer->priority != 0 && e.peer->rx_ns > r.last_advert_ns)
    return {ResumeAction::KeepVips, "a peer has advertised since: keeping the VIPs found"};
  if (e.startup_delayed)
    return {ResumeAction::KeepVips,
            "vrrp_startup_delay holds it as BACKUP: keeping the VIPs found"};
  return {ResumeAction::Resume, "resuming as MASTER: the previous run was MASTER until now"};
}

const char* resume_action_name(ResumeAction action) {
  switch (action) {
    case ResumeAction::Resume:
      return "resume";
    case ResumeAction::KeepVips:
      return "keep-vips";
    case ResumeAction::Clean:
      return "clean";
  }
  return "unknown";
}

std::uint64_t config_hash(const config::Instance& instance) {
  constexpr std::uint64_t kOffset = 0xcbf29ce484222325ULL;
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t h = kOffset;
  for (const std::string& line : config::describe_instance(instance)) {
    for (const char c : line) {
      h ^= static_cast<unsigned char>(c);
      h *= kPrime;
    }
    h ^= '\n';
    h *= kPrime;
  }
  return h == 0 ? 1 : h;
}

}  // namespace xvrrp::policy
