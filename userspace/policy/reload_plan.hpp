// SPDX-License-Identifier: GPL-2.0-or-later
// The reload plan: what a SIGHUP does to each running instance, from the
// config's field-by-field comparison (config::diff_instances, whose table
// gives every field of config::Instance a reload class). Pure.
//
// Instances are matched by name. For a matched pair:
//  - Rebuild when any changed field is config::ReloadClass::Rebuild (the
//    instance's identity on the wire: interface, VRID, VRRP version, address
//    family): it is stopped and started again;
//  - LiveUpdate otherwise (priority, timers, authentication, peers, TTL,
//    VIPs, tracking, preemption, GARP settings, notify scripts, the initial
//    state hint): applied to the running state machine, which keeps its
//    state, so a reload moves no VIP the new config does not ask to move;
//  - Keep when nothing differs (`where`, the file position, never counts).
//
// Retirement (make-before-break on reload): a Removed or Rebuilt instance that
// is MASTER does not stop at once. Its runtime retires: it resigns with
// core::Instance::begin_handover (priority 0, repeated) and keeps its VIPs, its
// receive slot and its interface's shared resources until retire_verdict()
// says Release. A Rebuilt instance's new runtime (its successor) starts beside
// it as BACKUP, unless it needs the retiring runtime's receive key (same
// interface, VRID and family: a change of VRRP version only); it then starts
// once the retiring runtime is released (defer_start). When a runtime lets go
// of its VIPs, an address that another runtime still serving holds stays on
// its device (addresses_to_remove).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_address.hpp"
#include "config/config.hpp"
#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

using config::FieldChange;
using config::ReloadClass;

struct ReloadItem {
  enum class Op {
    Keep,        ///< identical config: nothing to do
    LiveUpdate,  ///< only Live fields differ
    Rebuild,     ///< some Rebuild field differs
    Add,         ///< only in the new config
    Remove,      ///< only in the running config
  };
  Op op = Op::Keep;
  std::string name;
  /// Index into the running list (-1 for Add) and into the new list (-1 for Remove).
  int old_index = -1;
  int new_index = -1;
  std::vector<FieldChange> changes;
};

/// One item per running instance (in running order: Keep, LiveUpdate,
/// Rebuild or Remove), then one Add per new instance (in new order).
std::vector<ReloadItem> plan_reload(const std::vector<config::Instance>& running,
                                    const std::vector<config::Instance>& next);

const char* op_name(ReloadItem::Op op);

/// The changes' descriptions joined with ", ", each Rebuild one marked
/// "(rebuild)", e.g. "priority 100 -> 110, virtual_router_id 100 -> 7 (rebuild)".
std::string describe_changes(const std::vector<FieldChange>& changes);

/// What a Removed or Rebuilt running instance does.
enum class Departure {
  Stop,    ///< stopped at once (it holds no VIP a client uses)
  Retire,  ///< MASTER: hands over first (see retire_verdict)
};
/// Retire for a MASTER, Stop for every other state (BACKUP, FAULT, INIT) and
/// for a MASTER already handing over (a second resignation adds nothing).
Departure departure_for(core::State state, bool handing_over);

/// The instance that replaces a retiring one (a Rebuild's new runtime), as seen now.
struct SuccessorView {
  core::State state = core::State::Initialize;
  /// It heard a non-zero priority advert on its own key (core::Instance::master_ip()
  /// set and master_priority() > 0): that master serves the new config's VIPs.
  bool master_known = false;
};

/// A retiring runtime, as seen now (times: CLOCK_MONOTONIC ns).
struct RetiringView {
  /// core::Instance::handing_over() (priority 0 repeats, bound not reached, no new master),
  /// or its release linger still keeps the VIPs (core::Instance::vips_release_at()).
  bool handing_over = false;
  /// A non-zero priority advert on the retiring runtime's own key ended the handover
  /// (the peer took over the old VRID).
  bool new_master_heard = false;
  /// The retiring runtime's VRRP interface still exists.
  bool interface_present = true;
  core::Nanos now = 0;
  /// retire_hard_deadline().
  core::Nanos hard_deadline = core::kNever;
  /// Present while the Rebuild's new runtime runs.
  std::optional<SuccessorView> successor;
};

enum class RetireVerdict {
  Wait,     ///< keep the VIPs and the resources
  Release,  ///< release the VIPs (addresses_to_remove) and the resources now
};

/// In this order:
///  1. the interface is gone, or now >= hard_deadline -> Release;
///  2. the successor is MASTER (it holds the VIPs), or BACKUP with a known master (that
///     master holds them) -> Release;
///  3. still handing over -> Wait;
///  4. the handover ended on a new master's advert -> Release;
///  5. it ended at its bound (nobody took the old VRID over) while the successor is BACKUP
///     in its first master-down wait: Wait, so that the VIPs go only once the successor
///     takes them or hears who has them;
///  6. otherwise (no successor, or one in FAULT) -> Release.
RetireVerdict retire_verdict(const RetiringView& view);

/// The latest release: began + 2 x max(the retiring instance's Master_Down_Interval, the
/// successor's), a bound the successor's first election always fits in.
core::Nanos retire_hard_deadline(core::Nanos began, core::Nanos retiring_mdi,
                                 std::optional<core::Nanos> successor_mdi);

/// A new instance whose receive key (interface, family, VRID) a retiring runtime still
/// holds waits for that runtime's release: one receive slot per key. Key 0 (interface
/// missing, nothing bound yet) never waits.
bool defer_start(std::uint64_t key, const std::vector<std::uint64_t>& retiring_keys);

/// An address on a device, as the kernel identifies it.
struct HeldAddress {
  int ifindex = 0;
  IpAddress addr;
  std::uint8_t prefix_len = 0;
  friend bool operator==(const HeldAddress&, const HeldAddress&) = default;
};

/// For each of `mine` (the VIPs a runtime installed and now lets go of): true when it is to
/// be removed from its device, false when `serving` (the addresses installed by every other
/// runtime that wants its VIPs: MASTER, or retiring and not yet released) holds it too.
std::vector<bool> addresses_to_remove(const std::vector<HeldAddress>& mine,
                                      const std::vector<HeldAddress>& serving);

/// Whether an interface is still used (its advert sender, receive attachment): by any live
/// or retiring runtime bound to it.
bool interface_in_use(int ifindex, const std::vector<int>& bound_ifindexes);

/// The receive tables' room for a reload: `next` instances and peers plus those of the
/// retiring runtimes whose keys `next` does not reuse. Empty when they fit, else the message.
std::optional<std::string> capacity_problem(std::size_t instances, std::size_t peers,
                                            std::size_t retiring_instances,
                                            std::size_t retiring_peers, std::size_t max_instances,
                                            std::size_t max_peers);

}  // namespace xvrrp::policy
