// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/tracking.hpp"

#include <algorithm>

#include "policy/track_file.hpp"

namespace xvrrp::policy {

const char* track_kind_name(TrackKind kind) {
  switch (kind) {
    case TrackKind::Interface:
      return "interface";
    case TrackKind::Script:
      return "script";
    case TrackKind::File:
      return "file";
    case TrackKind::Bfd:
      return "bfd";
    case TrackKind::Process:
      return "process";
  }
  return "?";
}

core::CheckEffect effect_of(const TrackInput& in) {
  if (in.kind == TrackKind::File) return file_effect(in.value, in.weight, in.reverse);
  const core::CheckState state = !in.known    ? core::CheckState::Init
                                 : in.healthy ? core::CheckState::Ok
                                              : core::CheckState::Ko;
  return core::check_effect(state, in.weight, in.reverse);
}

TrackInput script_input(const config::TrackedScript& t, core::CheckState state) {
  TrackInput in;
  in.kind = TrackKind::Script;
  in.name = t.script.name;
  in.weight = t.weight;
  in.reverse = t.weight_reverse;
  in.known = state != core::CheckState::Init;
  in.healthy = state == core::CheckState::Ok;
  return in;
}

TrackInput file_input(const config::TrackedFile& t, std::int64_t value) {
  TrackInput in;
  in.kind = TrackKind::File;
  in.name = t.file.name;
  in.weight = t.weight;
  in.reverse = t.weight_reverse;
  in.value = value;
  in.healthy = !file_effect(value, t.weight, t.weight_reverse).fault;
  return in;
}

TrackInput bfd_input(const config::TrackedBfd& t, bool up) {
  TrackInput in;
  in.kind = TrackKind::Bfd;
  in.name = t.name;
  in.weight = t.weight;
  in.reverse = t.weight_reverse;
  in.healthy = up;
  return in;
}

TrackInput process_input(const config::TrackedProcess& t, bool quorum) {
  TrackInput in;
  in.kind = TrackKind::Process;
  in.name = t.process.name;
  in.weight = t.weight;
  in.reverse = t.weight_reverse;
  in.healthy = quorum;
  return in;
}

bool carries_vip(const config::Instance& cfg, const std::string& name) {
  if (name == cfg.interface) return true;
  return std::any_of(cfg.vips.begin(), cfg.vips.end(), [&](const config::Vip& v) {
    return (v.dev.empty() ? cfg.interface : v.dev) == name;
  });
}

TrackingResult evaluate_tracking(bool interface_up, std::span<const TrackInput> inputs) {
  TrackingResult r;
  r.fault = !interface_up;
  r.link_down = !interface_up;
  for (const TrackInput& in : inputs) {
    const core::CheckEffect e = effect_of(in);
    r.fault |= e.fault;
    r.delta += e.delta;
    if (e.fault && in.kind == TrackKind::Interface && in.carries_vip) r.link_down = true;
  }
  return r;
}

}  // namespace xvrrp::policy
