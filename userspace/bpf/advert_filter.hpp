// SPDX-License-Identifier: GPL-2.0-or-later
// AdvertFilter: the daemon's handle on the XDP advert filter (bpf/xvrrp_xdp.bpf.c)
// of one router id.
//
// Lifecycle
//  - The constructor mounts bpffs if needed, claims the pin directory
//    XVRRP_BPFFS_ROOT/<router_id>/ (pins left by a dead daemon of the same router
//    id are removed; a live one makes it throw), and creates every map, pinned by
//    name there, from a skeleton whose program is NOT loaded. Maps therefore
//    exist, and set_instance() writes them, before anything is attached.
//  - attach(ifindex) first takes the interface's XDP hook (policy/xdp_claim.hpp):
//    a dead daemon's filter there is removed; a live daemon's, or any other
//    program, makes it throw. It then opens a second copy of the embedded object with the same
//    pin root and hands it to libxdp (xdp_program__create({.obj, .prog_name}) +
//    xdp_program__attach), which loads it; libbpf reuses the pinned maps, so
//    that program sees the configuration written earlier. Native mode first,
//    SKB mode as fallback; libxdp's multi-program dispatcher when the kernel
//    allows it, its legacy single-program attach otherwise. Both are logged.
//    The attached program is pinned as XVRRP_PIN_PROG_NAME "_<ifindex>", and
//    xvrrp_meta is bound to it (BPF_PROG_BIND_MAP) so that its owner can be read
//    from the program alone.
//  - The destructor detaches every interface, unpins all maps and removes the
//    pin directory.
//
// Not thread-safe: call from the daemon's event loop only. Errors throw
// std::runtime_error (or std::system_error) with a message naming the object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bpf/ring_buffer.hpp"
#include "policy/map_sizes.hpp"
#include "xvrrp/abi.h"

struct xvrrp_xdp;
struct xdp_program;

namespace xvrrp::bpf {

/// Requested XDP attach mode.
enum class XdpMode {
  Auto,    ///< native, falling back to SKB (generic) mode with a log line
  Native,  ///< driver mode only
  Skb,     ///< generic mode only
};

/// How an interface ended up attached.
struct XdpAttachInfo {
  int ifindex = 0;
  bool native = false;      ///< XDP_MODE_NATIVE (else XDP_MODE_SKB)
  bool dispatcher = false;  ///< libxdp multi-prog dispatcher (else legacy single program)
};

class AdvertFilter {
 public:
  /// router_id: keepalived's global_defs router_id; becomes the pin directory
  /// name, so it must be a single path component without '/'. `sizes` gives
  /// every map's max_entries (policy::size_maps), set before the maps are
  /// created; every later copy of the object (attach, test run) uses the same.
  explicit AdvertFilter(std::string router_id,
                        const policy::MapSizes& sizes = policy::default_map_sizes());
  AdvertFilter(const AdvertFilter&) = delete;
  AdvertFilter& operator=(const AdvertFilter&) = delete;
  ~AdvertFilter();

  /// Installs (or replaces) the config of one VRRP instance and replaces its
  /// peer set with `peers` (each peer's .vrid must equal `key`). Effective for
  /// the next packet. key.pad must be zero.
  void set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& config,
                    const std::vector<xvrrp_peer_key>& peers);
  /// Same, each peer with its xvrrp_peer_value (its unicast TTL range); the
  /// overload above gives every peer 0..255, leaving the instance's range.
  void set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& config,
                    const std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>>& peers);
  /// Removes config, peers, last_seen and VIPs of one instance.
  void remove_instance(const xvrrp_vrid_key& key);

  /// Replaces the xvrrp_vips entries of instance `key` with `vips` (each keyed by
  /// key.ifindex), fenced after `fence_after_ns` of daemon silence (abi.h, "Neighbour
  /// fence"). A VIP another instance already set stays that instance's. A VIP kept
  /// keeps its fence counters.
  void set_vips(const xvrrp_vrid_key& key, const std::vector<xvrrp_vip_key>& vips,
                std::uint64_t fence_after_ns);
  /// Stores `now_ns` (CLOCK_MONOTONIC) as the liveness stamp: a store into the mapped
  /// xvrrp_alive, no syscall. The constructor stores the first.
  void mark_alive(std::int64_t now_ns);
  /// Every xvrrp_vips entry, with its fence counters.
  [[nodiscard]] std::vector<std::pair<xvrrp_vip_key, xvrrp_vip_value>> all_vips() const;

  /// Attaches the program to `ifindex`. Idempotent per ifindex (instances
  /// sharing an interface share one attachment; the mode of the first call
  /// wins). Throws when no allowed mode works.
  void attach(int ifindex, XdpMode mode = XdpMode::Auto);
  /// Detaches one interface; no-op when it is not attached.
  void detach(int ifindex);
  void detach_all();
  [[nodiscard]] std::vector<XdpAttachInfo> attachments() const;

  /// xvrrp_events epoll fd for the event loop (readable when records wait).
  [[nodiscard]] int ring_fd() const;
  /// Non-blocking drain: calls cb(const xvrrp_advert_event&) per record.
  /// Returns the number of records delivered.
  std::size_t consume(const RingBuffer::Callback& cb);
  /// Same, with the payload of XVRRP_EVT_PAYLOAD records (valid during the call).
  std::size_t consume(const RingBuffer::RecordCallback& cb);

  /// xvrrp_last_seen entry of an instance (kept only with XVRRP_CFG_SUPPRESS_DUPS).
  [[nodiscard]] std::optional<xvrrp_last_seen> last_seen(const xvrrp_vrid_key& key) const;
  /// The xvrrp_last_seen entries of the dead daemon whose pins the constructor removed, read
  /// just before: the program stays attached without a daemon and keeps recording (crash
  /// resume, policy/resume.hpp). Empty when there were no pins.
  [[nodiscard]] const std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>>& inherited_last_seen()
      const;
  /// Deletes it so the next advert is reported again (on every state change).
  void forget_last_seen(const xvrrp_vrid_key& key);

  /// xvrrp_bfd (abi.h): registers BFD session `discriminator` with entry's neighbor, family
  /// and min_ttl (the rest is reset: valid 0, nothing folded). False when the map is full.
  bool set_bfd_session(std::uint32_t discriminator, const xvrrp_bfd_seen& entry);
  void remove_bfd_session(std::uint32_t discriminator);
  [[nodiscard]] std::optional<xvrrp_bfd_seen> bfd_seen(std::uint32_t discriminator) const;
  /// Every xvrrp_last_seen entry, read with BPF_MAP_LOOKUP_BATCH (a few
  /// syscalls for all instances, instead of one per instance). `out` is
  /// cleared and refilled; its capacity is reused. Returns false (logged) on
  /// a kernel error.
  bool all_last_seen(std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>>& out) const;

  /// xvrrp_counters of one {ifindex, vrid, family}, summed over all CPUs;
  /// all zero when no frame of it was seen. vrid XVRRP_VRID_NOT_OURS: the
  /// protocol-112 frames passed as not ours on that interface.
  [[nodiscard]] xvrrp_counters counters(const xvrrp_vrid_key& key) const;
  /// Every entry of xvrrp_counters, each summed over all CPUs.
  [[nodiscard]] std::vector<std::pair<xvrrp_vrid_key, xvrrp_counters>> all_counters() const;
  /// Sum over all interfaces of one {vrid, family}, given as vrid + 256 for
  /// IPv6 (the per-VRID view of earlier releases).
  [[nodiscard]] xvrrp_counters counters(std::uint32_t slot) const;
  /// Inter-arrival histogram of one source, if it sent an accepted advert.
  [[nodiscard]] std::optional<xvrrp_jitter> jitter(const xvrrp_peer_key& peer) const;

  /// XVRRP_BPFFS_ROOT/<router_id>
  [[nodiscard]] std::string pin_dir() const;
  /// The maps' sizes as created.
  [[nodiscard]] const policy::MapSizes& sizes() const;

  /// fd of a loaded, unattached copy of the program sharing this filter's
  /// maps, for BPF_PROG_TEST_RUN (tests, benchmark). Loaded on first call.
  [[nodiscard]] int test_run_prog_fd();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xvrrp::bpf
