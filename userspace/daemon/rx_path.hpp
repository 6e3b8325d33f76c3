// SPDX-License-Identifier: GPL-2.0-or-later
// RxPath: where validated adverts come from. Two implementations behind one
// interface, so the daemon holds no receive-mode branch:
//  - XDP (make_xdp_rx_path): bpf::AdvertFilter; the program validates in the
//    kernel, reports through the ring buffer and folds identical adverts into
//    the last-seen record (XVRRP_CFG_SUPPRESS_DUPS), except for auth_hmac
//    instances (XVRRP_CFG_AUTH_HMAC), whose every advert is reported with its
//    payload for the daemon to verify;
//  - socket (make_socket_rx_path): one net::RawReceiver per interface,
//    validated in userspace by packet::validate_ip against packet::MapTables
//    (the same rules as the BPF program); no duplicate suppression.
//
// Both hold the VRRP multicast group joined on every interface that carries
// a multicast instance of that family (net::GroupMembership), and release
// everything they hold for an interface in release(ifindex): socket or XDP
// attachment and its pin, memberships.
//
// Threading: the daemon's event loop only. The handler runs from the loop's
// fd callbacks. Errors throw std::exception; nothing is half-applied by
// attach() (a throw leaves the interface unattached).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "daemon/bfd_fold.hpp"
#include "policy/map_sizes.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::daemon {

class EventLoop;

/// One configured unicast peer of an instance, with its TTL range.
struct PeerEntry {
  xvrrp_peer_key key{};
  std::uint8_t min_ttl = 0;
  std::uint8_t max_ttl = 255;
};

/// XDP: also the fold of BFD repeats (BfdFold).
class RxPath : public BfdFold {
 public:
  /// The payload: the IP payload of an XVRRP_CFG_AUTH_HMAC instance's advert
  /// (XVRRP_EVT_PAYLOAD), valid during the call; empty for the others.
  using AdvertHandler =
      std::function<void(const xvrrp_advert_event&, std::span<const std::uint8_t> payload)>;
  using LastSeenList = std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>>;

  ~RxPath() override = default;

  /// Installs or replaces an instance's receive config and peers (each
  /// peer's key.vrid == key). Joins the multicast group on key.ifindex
  /// when cfg has no XVRRP_CFG_UNICAST. Throws; on a throw nothing changed.
  virtual void set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg,
                            const std::vector<PeerEntry>& peers) = 0;
  /// Removes config, peers and last-seen record; leaves the group when no
  /// other multicast instance of the family needs it. Never throws.
  virtual void remove_instance(const xvrrp_vrid_key& key) = 0;
  /// XDP: replaces the instance's entries of the neighbour fence (abi.h, "Neighbour
  /// fence"); remove_instance() drops them. No-op on the socket path, which has no
  /// program to outlive the daemon.
  virtual void set_vips(const xvrrp_vrid_key& key, const std::vector<xvrrp_vip_key>& vips,
                        std::uint64_t fence_after_ns) {
    (void)key;
    (void)vips;
    (void)fence_after_ns;
  }
  /// XDP: refreshes the liveness stamp the fence reads (a store, no syscall). Called on
  /// every turn of the event loop.
  virtual void mark_alive(std::int64_t now_ns) { (void)now_ns; }
  /// Starts receiving on `ifindex` (named `ifname`). Idempotent. Throws.
  virtual void attach(int ifindex, const std::string& ifname) = 0;
  /// Releases what is held for `ifindex`. No-op when nothing is. Never throws.
  virtual void release(int ifindex) = 0;
  virtual void release_all() = 0;

  /// "xdp" or "socket".
  [[nodiscard]] virtual const char* mode() const = 0;
  /// Per-interface detail for logs and status, e.g. "xdp 2:native/dispatcher".
  [[nodiscard]] virtual std::string describe() const = 0;
  /// Detaching needs CAP_SYS_ADMIN after the capability drop (libxdp dispatcher).
  [[nodiscard]] virtual bool needs_sys_admin() const { return false; }

  // Duplicate suppression (XDP only; the socket path reports every advert).
  [[nodiscard]] virtual bool suppresses_duplicates() const { return false; }
  [[nodiscard]] virtual std::optional<xvrrp_last_seen> last_seen(const xvrrp_vrid_key&) const {
    return std::nullopt;
  }
  virtual void forget_last_seen(const xvrrp_vrid_key&) {}
  /// XDP: the last-seen records a dead predecessor's program kept writing
  /// (bpf::AdvertFilter::inherited_last_seen); empty otherwise.
  [[nodiscard]] virtual LastSeenList inherited_last_seen() const { return {}; }
  /// Hands every report still queued (XDP: the ring buffer) to the handler now, from
  /// inside another handler (a backup's expiring timer). Never throws.
  virtual void drain_pending() {}
  /// XDP: the inter-arrival record of one peer's adverts (xvrrp_jitter), for near-miss
  /// warnings; nullopt on the socket path, whose adverts all reach the daemon.
  [[nodiscard]] virtual std::optional<xvrrp_jitter> jitter(const xvrrp_peer_key&) const {
    return std::nullopt;
  }
  /// Every last-seen record; false when none can be read.
  virtual bool all_last_seen(LastSeenList& out) {
    out.clear();
    return false;
  }
  /// Valid adverts that could not be reported (ring buffer full), summed
  /// over the configured instances' counters. When it grows, the
  /// caller flushes the last-seen records so nothing stays suppressed.
  [[nodiscard]] virtual std::uint64_t lost_reports() const { return 0; }

  /// Adverts rejected in userspace, indexed by XVRRP_REJECT_* (socket path;
  /// all zero for XDP, whose counters live in BPF maps).
  [[nodiscard]] virtual std::span<const std::uint64_t> userspace_rejects() const = 0;
};

/// Throws when the BPF object cannot be loaded or the pins claimed. `sizes`:
/// the BPF maps' max_entries (policy::size_maps of the configuration).
std::unique_ptr<RxPath> make_xdp_rx_path(EventLoop& loop, const std::string& router_id,
                                         RxPath::AdvertHandler handler,
                                         const policy::MapSizes& sizes);
std::unique_ptr<RxPath> make_socket_rx_path(EventLoop& loop, RxPath::AdvertHandler handler);

}  // namespace xvrrp::daemon
