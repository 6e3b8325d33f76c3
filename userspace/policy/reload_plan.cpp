// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/reload_plan.hpp"

#include <algorithm>

namespace xvrrp::policy {

namespace {

using config::Instance;

struct Field {
  const char* name;
  ReloadClass klass;
  bool (*same)(const Instance&, const Instance&);
};

#define XVRRP_FIELD(member, klass)                                                \
  Field {                                                                         \
#member, ReloadClass::klass,                                                  \
        [](const Instance& a, const Instance& b) { return a.member == b.member; } \
  }

// Every member of config::Instance except `name` (the identity) and `where`
// (a position, not a value). The unit test fails when config::Instance grows
// a member that is not listed here.
const Field kFields[] = {
    XVRRP_FIELD(initial_master, Live),
    XVRRP_FIELD(interface, Rebuild),
    XVRRP_FIELD(vrid, Rebuild),
    XVRRP_FIELD(priority, Live),
    XVRRP_FIELD(advert_int_cs, Live),
    XVRRP_FIELD(version, Rebuild),
    XVRRP_FIELD(auth_type, Live),
    XVRRP_FIELD(auth_pass, Live),
    XVRRP_FIELD(unicast_src_ip, Live),
    XVRRP_FIELD(unicast_peers, Live),
    XVRRP_FIELD(unicast_ttl, Live),
    XVRRP_FIELD(check_unicast_src, Live),
    XVRRP_FIELD(vips, Live),
    XVRRP_FIELD(tracked, Live),
    XVRRP_FIELD(preempt, Live),
    XVRRP_FIELD(preempt_delay_ns, Live),
    XVRRP_FIELD(garp_master_delay_ms, Live),
    XVRRP_FIELD(garp_master_repeat, Live),
    XVRRP_FIELD(garp_master_refresh_ms, Live),
    XVRRP_FIELD(garp_master_refresh_repeat, Live),
    XVRRP_FIELD(notify_master, Live),
    XVRRP_FIELD(notify_backup, Live),
    XVRRP_FIELD(notify_fault, Live),
    XVRRP_FIELD(notify, Live),
    XVRRP_FIELD(notify_stop, Live),
    // Derived from vips / unicast_src_ip / peers: the advert's IP family.
    Field{"family", ReloadClass::Rebuild,
          [](const Instance& a, const Instance& b) { return a.family() == b.family(); }},
};

#undef XVRRP_FIELD

}  // namespace

std::vector<FieldChange> diff_instance(const Instance& a, const Instance& b) {
  std::vector<FieldChange> out;
  for (const Field& f : kFields)
    if (!f.same(a, b)) out.push_back(FieldChange{f.name, f.klass});
  return out;
}

std::vector<const char*> classified_fields() {
  std::vector<const char*> out;
  for (const Field& f : kFields) out.push_back(f.name);
  return out;
}

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
      item.changes = diff_instance(running[i], *match);
      const bool rebuild =
          std::any_of(item.changes.begin(), item.changes.end(),
                      [](const FieldChange& c) { return c.klass == ReloadClass::Rebuild; });
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
    out += c.field;
    if (c.klass == ReloadClass::Rebuild) out += " (rebuild)";
  }
  return out;
}

}  // namespace xvrrp::policy
