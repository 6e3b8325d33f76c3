// SPDX-License-Identifier: GPL-2.0-or-later
// The one list of Instance and Global fields after their declarations:
// equality, the reload diff (with each field's reload class) and the `-t`
// rendering all come from it. A compile-time member count keeps it complete.
#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace xvrrp::config {
namespace {

// ---- aggregate member count ---------------------------------------------
// Counts the members of an aggregate: the largest N for which T{any x N}
// compiles (a value convertible to any member type takes exactly one member,
// so brace elision never splits it).

struct AnyMember {
  template <typename T>
  operator T&() const noexcept;  // NOLINT(google-explicit-constructor): unevaluated only
};

template <typename T, std::size_t... I>
constexpr bool constructible_from(std::index_sequence<I...> /*unused*/) {
  return requires { T{(static_cast<void>(I), AnyMember{})...}; };
}

template <typename T, std::size_t N = 0>
constexpr std::size_t member_count() {
  if constexpr (constructible_from<T>(std::make_index_sequence<N + 1>{})) {
    return member_count<T, N + 1>();
  } else {
    return N;
  }
}

// ---- rendering ----------------------------------------------------------

std::string render(bool v) { return v ? "yes" : "no"; }
template <typename T>
requires std::is_integral_v<T> std::string render(T v) { return std::to_string(+v); }
std::string render(const std::string& v) { return "'" + v + "'"; }
std::string render(const std::optional<IpAddress>& a) { return a ? a->to_string() : "(none)"; }
std::string render(const std::array<std::uint8_t, 8>& pass) {
  for (auto b : pass) {
    if (b != 0) return "(set)";
  }
  return "(none)";
}
std::string render(const RouteSpec& r) { return "'" + to_string(r) + "'"; }
std::string render(const RuleSpec& r) { return "'" + to_string(r) + "'"; }
std::string render(const Vip& v) {
  std::string s = v.addr.to_string() + "/" + std::to_string(v.prefix_len);
  if (v.broadcast) s += " brd " + v.broadcast->to_string();
  if (!v.dev.empty()) s += " dev " + v.dev;
  if (v.scope != 0) s += " scope " + std::to_string(v.scope);
  if (!v.label.empty()) s += " label " + v.label;
  if (!v.advertised) s += " (excluded)";
  return s;
}
std::string render(const UnicastPeer& p) {
  std::string s = p.addr.to_string();
  if (p.min_ttl != 0) s += " min_ttl " + std::to_string(p.min_ttl);
  if (p.max_ttl != 255) s += " max_ttl " + std::to_string(p.max_ttl);
  return s;
}
std::string render(const TrackedInterface& t) {
  return t.name + (t.weight != 0 || t.reverse ? " weight " + std::to_string(t.weight) : "") +
         (t.reverse ? " reverse" : "");
}
std::string render(const TrackedProcess& t) {
  const TrackProcess& p = t.process;
  std::string out = p.name + " weight " + std::to_string(t.weight) +
                    (t.weight_reverse ? " reverse" : "") + " (process '" + p.process + "'";
  for (const auto& a : p.params) out += " '" + a + "'";
  out += " quorum " + std::to_string(p.quorum);
  if (p.quorum_max != UINT32_MAX) out += ".." + std::to_string(p.quorum_max);
  if (p.full_command) out += " full_command";
  if (p.fork_delay_ms != 0) out += " fork_delay " + std::to_string(p.fork_delay_ms) + " ms";
  if (p.terminate_delay_ms != 0)
    out += " terminate_delay " + std::to_string(p.terminate_delay_ms) + " ms";
  return out + ")";
}
std::string render(const TrackedFile& t) {
  const TrackFile& f = t.file;
  std::string out = f.name + " weight " + std::to_string(t.weight) +
                    (t.weight_reverse ? " reverse" : "") + " (file '" + f.path + "'";
  if (f.init_file) {
    out += " init_file " + std::to_string(f.init_value) + (f.init_overwrite ? " overwrite" : "");
  }
  return out + ")";
}
std::string render(const TrackedScript& t) {
  const VrrpScript& s = t.script;
  std::string out = s.name + " weight " + std::to_string(t.weight) +
                    (t.weight_reverse ? " reverse" : "") + " (script '" + s.script + "' interval " +
                    std::to_string(s.interval_ms) + " ms";
  if (s.timeout_ms != 0) out += " timeout " + std::to_string(s.timeout_ms) + " ms";
  out += " rise " + std::to_string(s.rise) + " fall " + std::to_string(s.fall);
  if (!s.user.empty()) out += " user " + s.user + (s.group.empty() ? "" : ":" + s.group);
  if (s.init_fail) out += " init_fail";
  return out + ")";
}
std::string render(const TrackedBfd& t) {
  return t.name + " weight " + std::to_string(t.weight) + (t.weight_reverse ? " reverse" : "");
}
// Key ids only: the key bytes never leave the Settings.
std::string render(const std::optional<core::auth_hmac::Settings>& a) {
  if (!a) return "(none)";
  std::string ids;
  for (const auto& k : a->keys) ids += (ids.empty() ? "" : ",") + std::to_string(k.id);
  std::string out = "key ids [" + ids + "] active_key " + std::to_string(a->active_key) + " mode " +
                    core::auth_hmac::mode_name(a->mode) + " anti_replay " +
                    core::auth_hmac::anti_replay_name(a->anti_replay);
  if (a->time_window != 0) out += " time_window " + std::to_string(a->time_window);
  return out;
}
std::string render(const NotifyFifo& f) {
  if (f.path.empty()) return "(none)";
  std::string out = "'" + f.path + "'";
  if (!f.user.empty()) out += " user " + f.user + (f.group.empty() ? "" : ":" + f.group);
  if (!f.script.empty()) {
    out += " script '" + f.script + "'";
    if (!f.script_user.empty())
      out += " user " + f.script_user + (f.script_group.empty() ? "" : ":" + f.script_group);
  }
  return out;
}
template <typename T>
std::string render(const std::vector<T>& list) {
  std::string s = "[";
  for (const auto& e : list) s += (s.size() > 1 ? ", " : "") + render(e);
  return s + "]";
}

// Scalars show "old -> new"; lists and secrets only "changed".
template <typename T>
std::string change_text(const char* name, const T& a, const T& b) {
  if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> ||
                std::is_same_v<T, std::string>) {
    return std::string(name) + " " + render(a) + " -> " + render(b);
  } else {
    return std::string(name) + " changed";
  }
}

// ---- the tables ----------------------------------------------------------

template <typename S>
struct Field {
  const char* name;
  ReloadClass cls;
  bool (*same)(const S&, const S&);
  std::string (*change)(const S&, const S&);
  std::string (*show)(const S&);
};

#define XVRRP_FIELD(S, member, name, cls)                                                \
  Field<S> {                                                                             \
    name, ReloadClass::cls, [](const S& a, const S& b) { return a.member == b.member; }, \
        [](const S& a, const S& b) { return change_text(name, a.member, b.member); },    \
        [](const S& a) { return render(a.member); }                                      \
  }

// Instance fields in declaration order; `where` is excluded (not semantic).
// The reload class: Rebuild only where the instance's identity on the wire
// changes; everything else is applied live.
const Field<Instance> kInstanceFields[] = {
    XVRRP_FIELD(Instance, name, "name", Rebuild),
    {"state", ReloadClass::Live,
     [](const Instance& a, const Instance& b) { return a.initial_master == b.initial_master; },
     [](const Instance& a, const Instance& b) {
       return std::string("state '") + (a.initial_master ? "MASTER" : "BACKUP") + "' -> '" +
              (b.initial_master ? "MASTER" : "BACKUP") + "'";
     },
     [](const Instance& a) { return std::string(a.initial_master ? "MASTER" : "BACKUP"); }},
    XVRRP_FIELD(Instance, interface, "interface", Rebuild),
    XVRRP_FIELD(Instance, vrid, "virtual_router_id", Rebuild),
    XVRRP_FIELD(Instance, priority, "priority", Live),
    XVRRP_FIELD(Instance, advert_int_cs, "advert_int_cs", Live),
    XVRRP_FIELD(Instance, version, "version", Rebuild),
    XVRRP_FIELD(Instance, auth_type, "auth_type", Live),
    XVRRP_FIELD(Instance, auth_pass, "auth_pass", Live),
    // Live: a key rotation is a reload, and must not restart the instance.
    XVRRP_FIELD(Instance, auth_hmac, "auth_hmac", Live),
    XVRRP_FIELD(Instance, unicast_src_ip, "unicast_src_ip", Live),
    XVRRP_FIELD(Instance, unicast_peers, "unicast_peer", Live),
    XVRRP_FIELD(Instance, unicast_ttl, "unicast_ttl", Live),
    XVRRP_FIELD(Instance, check_unicast_src, "check_unicast_src", Live),
    XVRRP_FIELD(Instance, vips, "virtual_ipaddress", Live),
    XVRRP_FIELD(Instance, tracked, "track_interface", Live),
    XVRRP_FIELD(Instance, preempt, "preempt", Live),
    XVRRP_FIELD(Instance, preempt_delay_ns, "preempt_delay_ns", Live),
    XVRRP_FIELD(Instance, garp_master_delay_ms, "garp_master_delay_ms", Live),
    XVRRP_FIELD(Instance, garp_master_repeat, "garp_master_repeat", Live),
    XVRRP_FIELD(Instance, garp_master_refresh_ms, "garp_master_refresh_ms", Live),
    XVRRP_FIELD(Instance, garp_master_refresh_repeat, "garp_master_refresh_repeat", Live),
    XVRRP_FIELD(Instance, notify_master, "notify_master", Live),
    XVRRP_FIELD(Instance, notify_backup, "notify_backup", Live),
    XVRRP_FIELD(Instance, notify_fault, "notify_fault", Live),
    XVRRP_FIELD(Instance, notify, "notify", Live),
    XVRRP_FIELD(Instance, notify_stop, "notify_stop", Live),
    XVRRP_FIELD(Instance, garp_interval_ms, "garp_interval_ms", Live),
    XVRRP_FIELD(Instance, track_primary, "track_primary", Live),
    XVRRP_FIELD(Instance, track_scripts, "track_scripts", Live),
    XVRRP_FIELD(Instance, instant_takeover, "instant_takeover", Live),
    XVRRP_FIELD(Instance, track_bfds, "track_bfd", Live),
    XVRRP_FIELD(Instance, master_bfd, "master_bfd", Live),
    XVRRP_FIELD(Instance, track_files, "track_files", Live),
    XVRRP_FIELD(Instance, track_processes, "track_process", Live),
    XVRRP_FIELD(Instance, sync_group, "sync_group", Live),
    XVRRP_FIELD(Instance, down_timer_adverts, "down_timer_adverts", Live),
    XVRRP_FIELD(Instance, lower_prio_no_advert, "lower_prio_no_advert", Live),
    XVRRP_FIELD(Instance, higher_prio_send_advert, "higher_prio_send_advert", Live),
    XVRRP_FIELD(Instance, garp_lower_prio_repeat, "garp_lower_prio_repeat", Live),
    XVRRP_FIELD(Instance, garp_lower_prio_delay_ms, "garp_lower_prio_delay_ms", Live),
    XVRRP_FIELD(Instance, virtual_routes, "virtual_routes", Live),
    XVRRP_FIELD(Instance, virtual_rules, "virtual_rules", Live),
    XVRRP_FIELD(Instance, notify_priority_changes, "notify_priority_changes", Live),
    XVRRP_FIELD(Instance, strict_mode, "strict_mode", Live),
    // Live: a MASTER's VIPs join or leave the no_accept filter.
    XVRRP_FIELD(Instance, accept, "accept", Live),
    // The macvlan is made with the instance's runtime: a change rebuilds it.
    XVRRP_FIELD(Instance, vmac, "use_vmac", Rebuild),
    XVRRP_FIELD(Instance, vmac_xmit_base, "vmac_xmit_base", Rebuild),
};

// router_id names the control socket and pin directory: restart only.
const Field<Global> kGlobalFields[] = {
    XVRRP_FIELD(Global, router_id, "router_id", Rebuild),
    XVRRP_FIELD(Global, vrrp_version, "vrrp_version", Live),
    XVRRP_FIELD(Global, garp_master_delay_ms, "vrrp_garp_master_delay_ms", Live),
    XVRRP_FIELD(Global, garp_master_repeat, "vrrp_garp_master_repeat", Live),
    XVRRP_FIELD(Global, garp_master_refresh_ms, "vrrp_garp_master_refresh_ms", Live),
    XVRRP_FIELD(Global, garp_master_refresh_repeat, "vrrp_garp_master_refresh_repeat", Live),
    XVRRP_FIELD(Global, check_unicast_src, "vrrp_check_unicast_src", Live),
    XVRRP_FIELD(Global, garp_interval_ms, "vrrp_garp_interval_ms", Live),
    XVRRP_FIELD(Global, gna_interval_ms, "vrrp_gna_interval_ms", Live),
    // The script runner (and its privileged launcher) is set up once, before the
    // capability drop: restart only, like router_id.
    XVRRP_FIELD(Global, script_user, "script_user", Rebuild),
    XVRRP_FIELD(Global, script_group, "script_group", Rebuild),
    XVRRP_FIELD(Global, script_security, "enable_script_security", Rebuild),
    XVRRP_FIELD(Global, down_timer_adverts, "vrrp_down_timer_adverts", Live),
    XVRRP_FIELD(Global, lower_prio_no_advert, "vrrp_lower_prio_no_advert", Live),
    XVRRP_FIELD(Global, higher_prio_send_advert, "vrrp_higher_prio_send_advert", Live),
    XVRRP_FIELD(Global, garp_lower_prio_repeat, "vrrp_garp_lower_prio_repeat", Live),
    XVRRP_FIELD(Global, garp_lower_prio_delay_ms, "vrrp_garp_lower_prio_delay_ms", Live),
    // Counts from the daemon's start: a reload cannot start it again.
    XVRRP_FIELD(Global, startup_delay_ms, "vrrp_startup_delay_ms", Live),
    // The FIFOs are created, given their owner and opened, and their scripts' runners made,
    // before the capability drop: restart only, like script_user.
    XVRRP_FIELD(Global, notify_fifo, "notify_fifo", Rebuild),
    XVRRP_FIELD(Global, vrrp_notify_fifo, "vrrp_notify_fifo", Rebuild),
    XVRRP_FIELD(Global, fifo_write_vrrp_states_on_reload, "fifo_write_vrrp_states_on_reload", Live),
    XVRRP_FIELD(Global, notify_priority_changes, "vrrp_notify_priority_changes", Live),
    // Resolved into each instance's strict_mode and accept.
    XVRRP_FIELD(Global, vrrp_strict, "vrrp_strict", Live),
    // Resolved into the static addresses' devices.
    XVRRP_FIELD(Global, default_interface, "default_interface", Live),
};

#undef XVRRP_FIELD

// A new member of Instance or Global fails here until it has a row above
// (and so a reload class). Instance's extra member is `where`.
static_assert(member_count<Instance>() == std::size(kInstanceFields) + 1,
              "config::Instance gained or lost a member: update kInstanceFields");
static_assert(member_count<Global>() == std::size(kGlobalFields),
              "config::Global gained or lost a member: update kGlobalFields");

template <typename S, std::size_t N>
std::vector<FieldChange> diff(const Field<S> (&table)[N], const S& a, const S& b) {
  std::vector<FieldChange> out;
  for (const auto& f : table) {
    if (!f.same(a, b)) out.push_back({f.name, f.cls, f.change(a, b)});
  }
  return out;
}

template <typename S, std::size_t N>
std::vector<FieldInfo> infos(const Field<S> (&table)[N]) {
  std::vector<FieldInfo> out;
  for (const auto& f : table) out.push_back({f.name, f.cls});
  return out;
}

const char* family_name(int family) { return family == AF_INET6 ? "IPv6" : "IPv4"; }

}  // namespace

bool operator==(const VrrpScript& a, const VrrpScript& b) {
  return std::tie(a.name, a.script, a.interval_ms, a.timeout_ms, a.weight, a.weight_reverse, a.rise,
                  a.fall, a.user, a.group, a.init_fail) ==
         std::tie(b.name, b.script, b.interval_ms, b.timeout_ms, b.weight, b.weight_reverse, b.rise,
                  b.fall, b.user, b.group, b.init_fail);
}

bool operator==(const BfdInstance& a, const BfdInstance& b) {
  return std::tie(a.name, a.neighbor_ip, a.source_ip, a.min_rx_us, a.min_tx_us, a.idle_tx_us,
                  a.multiplier, a.passive, a.ttl, a.max_hops, a.weight, a.weight_reverse, a.vrrp) ==
         std::tie(b.name, b.neighbor_ip, b.source_ip, b.min_rx_us, b.min_tx_us, b.idle_tx_us,
                  b.multiplier, b.passive, b.ttl, b.max_hops, b.weight, b.weight_reverse, b.vrrp);
}

bool operator==(const TrackFile& a, const TrackFile& b) {
  return std::tie(a.name, a.path, a.weight, a.weight_reverse, a.init_file, a.init_value,
                  a.init_overwrite) == std::tie(b.name, b.path, b.weight, b.weight_reverse,
                                                b.init_file, b.init_value, b.init_overwrite);
}

bool operator==(const TrackProcess& a, const TrackProcess& b) {
  return std::tie(a.name, a.process, a.params, a.param_match, a.full_command, a.weight,
                  a.weight_reverse, a.quorum, a.quorum_max, a.fork_delay_ms,
                  a.terminate_delay_ms) ==
         std::tie(b.name, b.process, b.params, b.param_match, b.full_command, b.weight,
                  b.weight_reverse, b.quorum, b.quorum_max, b.fork_delay_ms, b.terminate_delay_ms);
}

bool operator==(const SyncGroup& a, const SyncGroup& b) {
  return std::tie(a.name, a.members, a.notify_master, a.notify_backup, a.notify_fault,
                  a.notify_stop, a.notify, a.tracking_weight, a.tracked, a.track_scripts,
                  a.track_files, a.track_processes, a.track_bfds) ==
         std::tie(b.name, b.members, b.notify_master, b.notify_backup, b.notify_fault,
                  b.notify_stop, b.notify, b.tracking_weight, b.tracked, b.track_scripts,
                  b.track_files, b.track_processes, b.track_bfds);
}

bool operator==(const Instance& a, const Instance& b) {
  for (const auto& f : kInstanceFields) {
    if (!f.same(a, b)) return false;
  }
  return true;
}

std::vector<FieldChange> diff_instances(const Instance& before, const Instance& after) {
  std::vector<FieldChange> out = diff(kInstanceFields, before, after);
  if (before.family() != after.family()) {
    out.push_back({"family", ReloadClass::Rebuild,
                   std::string("family ") + family_name(before.family()) + " -> " +
                       family_name(after.family())});
  }
  return out;
}

std::vector<FieldChange> diff_globals(const Global& before, const Global& after) {
  return diff(kGlobalFields, before, after);
}

std::vector<FieldInfo> instance_fields() { return infos(kInstanceFields); }
std::vector<FieldInfo> global_fields() { return infos(kGlobalFields); }

std::string describe_diff(const Instance& a, const Instance& b) {
  std::string out;
  for (const auto& c : diff_instances(a, b)) {
    if (c.field == "family") continue;  // implied by the address fields listed
    out += (out.empty() ? "" : ", ") + c.description;
  }
  return out;
}

std::vector<std::string> describe_instance(const Instance& in) {
  std::vector<std::string> out;
  for (const auto& f : kInstanceFields) out.push_back(std::string(f.name) + " " + f.show(in));
  out.push_back(std::string("family ") + family_name(in.family()));
  return out;
}

}  // namespace xvrrp::config
