// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/reload_plan.hpp"

#include <algorithm>

namespace xvrrp::policy {

using config::Instance;

std::vector<ReloadItem> plan_reload(const std::vector<Instance>& running,
                                    const std::vector<Instance>& next) {
  std::vector<ReloadItem> plan;
  for (std::size_t i = 0; i < running.size(); ++i) {
    ReloadItem item;
    item.name = running[i].name;
    item.old_index = static_cast<int>(i);
    auto match = std::find_if(next.begin(), next.end(),
                              [&](const Instance& c) { return c.name == running[i].name; });
    if (match == next.end()) {
      item.op = ReloadItem::Op::Remove;
    } else {
      item.new_index = static_cast<int>(match - next.begin());
      item.changes = config::diff_instances(running[i], *match);
      const bool rebuild =
          std::any_of(item.changes.begin(), item.changes.end(),
                      [](const FieldChange& c) { return c.cls == ReloadClass::Rebuild; });
      item.op = item.changes.empty() ? ReloadItem::Op::Keep
                : rebuild            ? ReloadItem::Op::Rebuild
                                     : ReloadItem::Op::LiveUpdate;
    }
    plan.push_back(std::move(item));
  }
  for (std::size_t j = 0; j < next.size(); ++j) {
    const bool known = std::any_of(running.begin(), running.end(),
                                   [&](const Instance& r) { return r.name == next[j].name; });
    if (known) continue;
    ReloadItem item;
    item.op = ReloadItem::Op::Add;
    item.name = next[j].name;
    item.new_index = static_cast<int>(j);
    plan.push_back(std::move(item));
  }
  return plan;
}

const char* op_name(ReloadItem::Op op) {
  switch (op) {
    case ReloadItem::Op::Keep:
      return "keep";
    case ReloadItem::Op::LiveUpdate:
      return "live update";
    case ReloadItem::Op::Rebuild:
      return "rebuild";
    case ReloadItem::Op::Add:
      return "add";
    case ReloadItem::Op::Remove:
      return "remove";
  }
  return "?";
}

std::string describe_changes(const std::vector<FieldChange>& changes) {
  std::string out;
  for (const FieldChange& c : changes) {
    if (!out.empty()) out += ", ";
    out += c.description;
    if (c.cls == ReloadClass::Rebuild) out += " (rebuild)";
  }
  return out;
}

Departure departure_for(core::State state, bool handing_over) {
  return state == core::State::Master && !handing_over ? Departure::Retire : Departure::Stop;
}

RetireVerdict retire_verdict(const RetiringView& v) {
  if (!v.interface_present || v.now >= v.hard_deadline) return RetireVerdict::Release;
  const std::optional<SuccessorView>& s = v.successor;
  if (s &&
      (s->state == core::State::Master || (s->state == core::State::Backup && s->master_known)))
    return RetireVerdict::Release;
  if (v.handing_over) return RetireVerdict::Wait;
  if (v.new_master_heard) return RetireVerdict::Release;
  // Bound reached with nobody taking the old VRID: the successor decides.
  if (s && s->state == core::State::Backup) return RetireVerdict::Wait;
  return RetireVerdict::Release;
}

core::Nanos retire_hard_deadline(core::Nanos began, core::Nanos retiring_mdi,
                                 std::optional<core::Nanos> successor_mdi) {
  return began + 2 * std::max(retiring_mdi, successor_mdi.value_or(0));
}

bool defer_start(std::uint64_t key, const std::vector<std::uint64_t>& retiring_keys) {
  return key != 0 &&
         std::find(retiring_keys.begin(), retiring_keys.end(), key) != retiring_keys.end();
}

std::vector<bool> addresses_to_remove(const std::vector<HeldAddress>& mine,
                                      const std::vector<HeldAddress>& serving) {
  std::vector<bool> out;
  out.reserve(mine.size());
  for (const HeldAddress& a : mine)
    out.push_back(std::find(serving.begin(), serving.end(), a) == serving.end());
  return out;
}

bool interface_in_use(int ifindex, const std::vector<int>& bound_ifindexes) {
  return ifindex != 0 && std::find(bound_ifindexes.begin(), bound_ifindexes.end(), ifindex) !=
                             bound_ifindexes.end();
}

std::optional<std::string> capacity_problem(std::size_t instances, std::size_t peers,
                                            std::size_t retiring_instances,
                                            std::size_t retiring_peers, std::size_t max_instances,
                                            std::size_t max_peers) {
  const std::size_t n = instances + retiring_instances;
  const std::size_t p = peers + retiring_peers;
  if (n <= max_instances && p <= max_peers) return std::nullopt;
  std::string out =
      std::to_string(instances) + " instances with " + std::to_string(peers) + " unicast peers";
  if (retiring_instances > 0)
    out += ", plus " + std::to_string(retiring_instances) + " still handing over with " +
           std::to_string(retiring_peers) + ",";
  out += " (at most " + std::to_string(max_instances) + " and " + std::to_string(max_peers) + ")";
  return out;
}

}  // namespace xvrrp::policy
