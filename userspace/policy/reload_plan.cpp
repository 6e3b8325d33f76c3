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

}  // namespace xvrrp::policy
