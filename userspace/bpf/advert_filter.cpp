// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/advert_filter.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xdp/libxdp.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "bpf/bpf_map.hpp"
#include "bpf/bpffs.hpp"
#include "bpf/skeleton.hpp"
#include "bpf/xdp_hook.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "policy/xdp_claim.hpp"
#include "xvrrp_xdp.skel.h"

namespace xvrrp::bpf {
namespace {

constexpr const char* kProgName = "xvrrp_xdp";

// libbpf and libxdp prefix their own lines ("libbpf: ", "libxdp: ").
void forward_log(log::Level l, const char* fmt, va_list ap) {
  if (l > log::level()) return;
  char line[1024];
  int n = std::vsnprintf(line, sizeof(line), fmt, ap);
  if (n <= 0) return;
  std::size_t len = std::min<std::size_t>(static_cast<std::size_t>(n), sizeof(line) - 1);
  if (line[len - 1] == '\n') line[len - 1] = '\0';
  log::write(l, "%s", line);
}

int libbpf_to_xlog(enum libbpf_print_level level, const char* fmt, va_list ap) {
  // Info/debug chatter (map reuse, BTF sanitizing) is debug for the daemon.
  forward_log(level == LIBBPF_WARN ? log::Level::Warning : log::Level::Debug, fmt, ap);
  return 0;
}

int libxdp_to_xlog(enum libxdp_print_level level, const char* fmt, va_list ap) {
  forward_log(level == LIBXDP_WARN   ? log::Level::Warning
              : level == LIBXDP_INFO ? log::Level::Info
                                     : log::Level::Debug,
              fmt, ap);
  return 0;
}

bool same_key(const xvrrp_vrid_key& a, const xvrrp_vrid_key& b) {
  return std::memcmp(&a, &b, sizeof(a)) == 0;
}

bool same_vip(const xvrrp_vip_key& a, const xvrrp_vip_key& b) {
  return std::memcmp(&a, &b, sizeof(a)) == 0;
}

// The daemon's view of xvrrp_alive (BPF_F_MMAPABLE): the liveness stamp is a store, so the
// event loop can refresh it on every turn without a syscall.
class MappedAlive {
 public:
  MappedAlive() = default;
  explicit MappedAlive(int map_fd) {
    const long page = ::sysconf(_SC_PAGESIZE);
    len_ = page > 0 ? static_cast<std::size_t>(page) : 4096;
    void* p = ::mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
    if (p == MAP_FAILED)
      throw std::system_error(errno, std::generic_category(),
                              "mmap " XVRRP_MAP_NAME_STR(XVRRP_MAP_ALIVE));
    alive_ = static_cast<xvrrp_alive*>(p);
  }
  MappedAlive(const MappedAlive&) = delete;
  MappedAlive& operator=(const MappedAlive&) = delete;
  ~MappedAlive() {
    if (alive_ != nullptr) ::munmap(alive_, len_);
  }
  void store(std::uint64_t now_ns) {
    __atomic_store_n(&alive_->stamp_ns, now_ns, __ATOMIC_RELAXED);
  }

 private:
  xvrrp_alive* alive_ = nullptr;
  std::size_t len_ = 0;
};

struct XdpProgramCloser {
  void operator()(xdp_program* p) const { xdp_program__close(p); }
};
using XdpProgramPtr = std::unique_ptr<xdp_program, XdpProgramCloser>;

}  // namespace

struct AdvertFilter::Impl {
  struct Attachment {
    // Declaration order matters: the libxdp program references skel's object
    // (from_external_obj) and must be closed first.
    BpfSkeleton<xvrrp_xdp> skel;
    XdpProgramPtr prog;
    xdp_attach_mode mode = XDP_MODE_UNSPEC;
    XdpAttachInfo info;
    std::string prog_pin;  // XVRRP_PIN_PROG_NAME "_<ifindex>" in the pin dir, if pinned
    ~Attachment() { prog.reset(); }
  };

  std::string router_id;
  std::string pin_dir;
  policy::MapSizes sizes;
  bool own_pin_dir = false;          // created by this filter, so removed by it
  BpfSkeleton<xvrrp_xdp> maps_skel;  // maps only; its program is never loaded
  BpfSkeleton<xvrrp_xdp> test_skel;  // loaded lazily for BPF_PROG_TEST_RUN
  std::unique_ptr<BpfMap<xvrrp_vrid_key, xvrrp_vrid_config>> vrid_config;
  std::unique_ptr<BpfMap<xvrrp_peer_key, xvrrp_peer_value>> peers;
  std::unique_ptr<BpfMap<xvrrp_vrid_key, xvrrp_counters>> counters;
  std::unique_ptr<BpfMap<xvrrp_vrid_key, xvrrp_last_seen>> last_seen;
  std::unique_ptr<BpfMap<xvrrp_peer_key, xvrrp_jitter>> jitter;
  std::unique_ptr<BpfMap<__u32, xvrrp_meta>> meta;
  std::unique_ptr<BpfMap<xvrrp_vip_key, xvrrp_vip_value>> vips;
  std::unique_ptr<MappedAlive> alive;
  std::unique_ptr<BpfMap<xvrrp_bfd_key, xvrrp_bfd_seen>> bfd;
  // Which instance each xvrrp_vips entry belongs to (the first that configured it), and
  // each instance's entries, so a reload replaces exactly its own.
  std::map<std::vector<std::uint8_t>, xvrrp_vrid_key> vip_owner;
  std::map<std::vector<std::uint8_t>, std::vector<xvrrp_vip_key>> vips_of;
  std::unique_ptr<RingBuffer> ring;
  std::map<int, std::unique_ptr<Attachment>> attached;
  std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>> inherited_last_seen;
  StalePins stale_pins;  // what the removed stale pin directory held (xdp_hook.hpp)

  // Every copy gets the same sizes: libbpf reuses a pinned map only when its
  // max_entries match the object's.
  BpfSkeleton<xvrrp_xdp> open_skeleton() const {
    LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir.c_str());
    auto skel = BpfSkeleton<xvrrp_xdp>::open(&opts);
    auto& m = skel->maps;
    const std::pair<bpf_map*, std::uint32_t> wanted[] = {{m.xvrrp_vrid_config, sizes.instances},
                                                         {m.xvrrp_last_seen, sizes.instances},
                                                         {m.xvrrp_counters, sizes.counters},
                                                         {m.xvrrp_peers, sizes.peers},
                                                         {m.xvrrp_jitter, sizes.jitter_peers},
                                                         {m.xvrrp_events, sizes.ring_bytes},
                                                         {m.xvrrp_vips, sizes.vips}};
    for (const auto& [map, entries] : wanted) {
      const int rc = bpf_map__set_max_entries(map, entries);
      if (rc != 0) {
        throw std::system_error(
            -rc, std::generic_category(),
            std::string("max_entries ") + std::to_string(entries) + " of " + bpf_map__name(map));
      }
    }
    return skel;
  }

  // Calls fn(key, value) for at most `limit` entries of the map pinned as `name` in the pin
  // directory (a dead daemon's, before it is removed). Nothing when there is no such pin.
  template <typename K, typename V, typename Fn>
  void for_each_pinned(const char* name, std::size_t limit, Fn&& fn) const {
    const std::string pin = pin_dir + "/" + name;
    const int fd = bpf_obj_get(pin.c_str());
    if (fd < 0) return;
    K key{};
    K next{};
    const void* prev = nullptr;
    for (std::size_t n = 0; n < limit && bpf_map_get_next_key(fd, prev, &next) == 0; ++n) {
      V value{};
      if (bpf_map_lookup_elem(fd, &next, &value) == 0) fn(next, value);
      key = next;
      prev = &key;
    }
    ::close(fd);
  }

  // The program stayed attached while no daemon ran and kept recording adverts: the
  // successor's crash resume asks whether a peer advertised meanwhile.
  void read_inherited_last_seen() {
    for_each_pinned<xvrrp_vrid_key, xvrrp_last_seen>(
        XVRRP_MAP_NAME_STR(XVRRP_MAP_LAST_SEEN), XVRRP_MAX_INSTANCES,
        [&](const xvrrp_vrid_key& k, const xvrrp_last_seen& v) {
          inherited_last_seen.emplace_back(k, v);
        });
  }

  // What the dead daemon's program fenced meanwhile (abi.h, "Neighbour fence"), for the log.
  std::uint64_t read_inherited_fenced() const {
    std::uint64_t sum = 0;
    for_each_pinned<xvrrp_vip_key, xvrrp_vip_value>(
        XVRRP_MAP_NAME_STR(XVRRP_MAP_VIPS), XVRRP_VIPS_LIMIT,
        [&](const xvrrp_vip_key&, const xvrrp_vip_value& v) { sum += v.fenced; });
    return sum;
  }

  void claim_pin_dir() {
    if (::mkdir(XVRRP_BPFFS_ROOT, 0700) != 0 && errno != EEXIST) {
      throw std::system_error(errno, std::generic_category(), "mkdir " XVRRP_BPFFS_ROOT);
    }
    struct stat st {};
    if (::stat(pin_dir.c_str(), &st) == 0) {
      std::string meta_pin = pin_dir + "/" XVRRP_MAP_NAME_STR(XVRRP_MAP_META);
      int fd = bpf_obj_get(meta_pin.c_str());
      if (fd >= 0) {
        xvrrp_meta m{};
        __u32 zero = 0;
        int rc = bpf_map_lookup_elem(fd, &zero, &m);
        ::close(fd);
        if (rc == 0 && pin_owner(m.daemon_pid, m.started_ns) == PinOwner::Alive) {
          throw std::runtime_error("BPF pin directory " + pin_dir + " belongs to running pid " +
                                   std::to_string(m.daemon_pid) + " (router_id " + router_id +
                                   " already in use)");
        }
      }
      read_inherited_last_seen();
      if (const std::uint64_t fenced = read_inherited_fenced(); fenced != 0)
        XLOG_WARN(
            "while no daemon ran, the XDP program left behind withheld %llu ARP/neighbour "
            "answers for VIPs a peer had taken over",
            static_cast<unsigned long long>(fenced));
      stale_pins = read_pin_ids(pin_dir);
      XLOG_INFO("removing stale BPF pins in %s", pin_dir.c_str());
      remove_pin_dir(pin_dir);
    }
    if (::mkdir(pin_dir.c_str(), 0700) != 0) {
      throw std::system_error(errno, std::generic_category(), "mkdir " + pin_dir);
    }
    own_pin_dir = true;
  }
};

AdvertFilter::AdvertFilter(std::string router_id, const policy::MapSizes& sizes)
    : impl_(std::make_unique<Impl>()) {
  if (router_id.empty() || router_id.find('/') != std::string::npos || router_id == "." ||
      router_id == "..") {
    throw std::invalid_argument("AdvertFilter: router_id '" + router_id +
                                "' is not usable as a bpffs directory name");
  }
  static bool print_set = false;
  if (!print_set) {
    libbpf_set_print(libbpf_to_xlog);
    libxdp_set_print(libxdp_to_xlog);
    print_set = true;
  }
  Impl& d = *impl_;
  d.router_id = std::move(router_id);
  d.sizes = sizes;
  d.pin_dir = std::string(XVRRP_BPFFS_ROOT) + "/" + d.router_id;
  try {
    ensure_bpffs();
    d.claim_pin_dir();
    d.maps_skel = d.open_skeleton();
    bpf_program__set_autoload(d.maps_skel->progs.xvrrp_xdp, false);
    d.maps_skel.load();
  } catch (const std::exception& e) {
    if (d.own_pin_dir) {
      d.maps_skel.reset();
      try {
        remove_pin_dir(d.pin_dir);
      } catch (const std::exception&) {
        // Reporting the original failure matters more.
      }
    }
    throw std::runtime_error(std::string("XDP advert filter for router_id ") + d.router_id + ": " +
                             e.what());
  }
  auto& maps = d.maps_skel->maps;
  d.vrid_config =
      std::make_unique<BpfMap<xvrrp_vrid_key, xvrrp_vrid_config>>(maps.xvrrp_vrid_config);
  d.peers = std::make_unique<BpfMap<xvrrp_peer_key, xvrrp_peer_value>>(maps.xvrrp_peers);
  d.counters = std::make_unique<BpfMap<xvrrp_vrid_key, xvrrp_counters>>(maps.xvrrp_counters);
  d.last_seen = std::make_unique<BpfMap<xvrrp_vrid_key, xvrrp_last_seen>>(maps.xvrrp_last_seen);
  d.jitter = std::make_unique<BpfMap<xvrrp_peer_key, xvrrp_jitter>>(maps.xvrrp_jitter);
  d.meta = std::make_unique<BpfMap<__u32, xvrrp_meta>>(maps.xvrrp_meta);
  d.meta->update(0, xvrrp_meta{.abi_version = XVRRP_ABI_VERSION,
                               .daemon_pid = static_cast<__u32>(::getpid()),
                               .started_ns = static_cast<__u64>(clock::monotonic_ns())});
  d.vips = std::make_unique<BpfMap<xvrrp_vip_key, xvrrp_vip_value>>(maps.xvrrp_vips);
  d.alive = std::make_unique<MappedAlive>(bpf_map__fd(maps.xvrrp_alive));
  d.bfd = std::make_unique<BpfMap<xvrrp_bfd_key, xvrrp_bfd_seen>>(maps.xvrrp_bfd);
  d.alive->store(static_cast<std::uint64_t>(clock::monotonic_ns()));
  d.ring = std::make_unique<RingBuffer>(bpf_map__fd(maps.xvrrp_events));
}

AdvertFilter::~AdvertFilter() {
  Impl& d = *impl_;
  detach_all();
  d.ring.reset();
  d.alive.reset();
  d.test_skel.reset();
  d.maps_skel.reset();
  try {
    remove_pin_dir(d.pin_dir);
  } catch (const std::exception& e) {
    XLOG_WARN("%s", e.what());
  }
}

void AdvertFilter::set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& config,
                                const std::vector<xvrrp_peer_key>& peers) {
  std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>> with_values;
  with_values.reserve(peers.size());
  for (const auto& p : peers) with_values.emplace_back(p, xvrrp_peer_value{0, 255, {0, 0}, 0});
  set_instance(key, config, with_values);
}

void AdvertFilter::set_instance(
    const xvrrp_vrid_key& key, const xvrrp_vrid_config& config,
    const std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>>& peers) {
  Impl& d = *impl_;
  for (const auto& [p, value] : peers) {
    if (!same_key(p.vrid, key)) {
      throw std::invalid_argument("set_instance: peer key of VRID " + std::to_string(p.vrid.vrid) +
                                  " given for VRID " + std::to_string(key.vrid));
    }
  }
  for (const auto& existing : d.peers->keys()) {
    if (same_key(existing.vrid, key)) d.peers->erase(existing);
  }
  for (const auto& [p, value] : peers) d.peers->update(p, value);
  d.vrid_config->update(key, config);
}

void AdvertFilter::remove_instance(const xvrrp_vrid_key& key) {
  Impl& d = *impl_;
  d.vrid_config->erase(key);
  for (const auto& existing : d.peers->keys()) {
    if (same_key(existing.vrid, key)) d.peers->erase(existing);
  }
  d.last_seen->erase(key);
  set_vips(key, {}, 0);
}

namespace {

std::vector<std::uint8_t> bytes_of(const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  return {b, b + n};
}

}  // namespace

void AdvertFilter::set_vips(const xvrrp_vrid_key& key, const std::vector<xvrrp_vip_key>& vips,
                            std::uint64_t fence_after_ns) {
  Impl& d = *impl_;
  const auto owner = bytes_of(&key, sizeof(key));
  std::vector<xvrrp_vip_key>& mine = d.vips_of[owner];
  for (const auto& old : mine) {
    if (std::any_of(vips.begin(), vips.end(), [&](const auto& v) { return same_vip(v, old); }))
      continue;
    d.vips->erase(old);
    d.vip_owner.erase(bytes_of(&old, sizeof(old)));
  }
  mine.clear();
  for (const auto& v : vips) {
    const auto vb = bytes_of(&v, sizeof(v));
    auto [it, fresh] = d.vip_owner.emplace(vb, key);
    if (!fresh && !same_key(it->second, key)) continue;  // another instance's VIP
    // The fence counters survive a reload that keeps the VIP.
    xvrrp_vip_value value = d.vips->lookup(v).value_or(xvrrp_vip_value{});
    value.fence_after_ns = fence_after_ns;
    value.vrid = key.vrid;
    value.instance_family = key.family;
    d.vips->update(v, value);
    mine.push_back(v);
  }
  if (mine.empty()) d.vips_of.erase(owner);
}

void AdvertFilter::mark_alive(std::int64_t now_ns) {
  impl_->alive->store(static_cast<std::uint64_t>(now_ns));
}

std::vector<std::pair<xvrrp_vip_key, xvrrp_vip_value>> AdvertFilter::all_vips() const {
  std::vector<std::pair<xvrrp_vip_key, xvrrp_vip_value>> out;
  for (const auto& k : impl_->vips->keys())
    if (auto v = impl_->vips->lookup(k)) out.emplace_back(k, *v);
  return out;
}

namespace {

std::uint32_t xdp_flags(xdp_attach_mode mode) {
  return mode == XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
}

// Takes the hook of `ifindex` in every mode, or throws: a dead daemon's filter (SIGKILL,
// crash) would keep passing adverts to a ring nobody reads, so it goes; a live daemon's,
// or any other program, stays (policy/xdp_claim.hpp).
void claim_hook(int ifindex, const StalePins& stale) {
  for (xdp_attach_mode mode : {XDP_MODE_NATIVE, XDP_MODE_SKB}) {
    const policy::XdpOccupant o = xdp_hook_occupant(ifindex, xdp_flags(mode), stale);
    switch (policy::decide_xdp_claim(o)) {
      case policy::XdpClaim::Attach:
        break;
      case policy::XdpClaim::ReplaceStale: {
        const std::string owner =
            o.from_stale_pins
                ? std::string("an xvrrpd of this router_id killed before it recorded its pid")
                : "xvrrpd pid " + std::to_string(o.owner_pid) + ", which is no longer running";
        const int rc = xdp_hook_detach(ifindex, xdp_flags(mode), o.prog_id);
        if (rc != 0)
          throw std::runtime_error("cannot remove the stale XDP advert filter (program id " +
                                   std::to_string(o.prog_id) + ") from ifindex " +
                                   std::to_string(ifindex) + ", left by " + owner + ": " +
                                   std::strerror(-rc));
        XLOG_WARN("removed a stale xvrrp XDP program (id %u) from ifindex %d, left by %s",
                  o.prog_id, ifindex, owner.c_str());
        break;
      }
      case policy::XdpClaim::RefuseLive:
      case policy::XdpClaim::RefuseForeign: {
        char name[IF_NAMESIZE] = {};
        const bool named = ::if_indextoname(static_cast<unsigned>(ifindex), name) != nullptr;
        throw std::runtime_error(policy::xdp_claim_refusal(o, ifindex, named ? name : ""));
      }
    }
  }
}

}  // namespace

void AdvertFilter::attach(int ifindex, XdpMode requested) {
  Impl& d = *impl_;
  if (d.attached.count(ifindex) != 0) return;
  claim_hook(ifindex, d.stale_pins);

  std::vector<xdp_attach_mode> modes;
  if (requested != XdpMode::Skb) modes.push_back(XDP_MODE_NATIVE);
  if (requested != XdpMode::Native) modes.push_back(XDP_MODE_SKB);
  std::string errors;
  for (xdp_attach_mode mode : modes) {
    // A fresh object per attempt: a failed attempt may leave the first one
    // loaded in the wrong shape (dispatcher extension vs. plain XDP).
    auto a = std::make_unique<Impl::Attachment>();
    a->skel = d.open_skeleton();
    DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = a->skel->obj, .prog_name = kProgName);
    xdp_program* raw = xdp_program__create(&opts);
    long err = libxdp_get_error(raw);
    if (err != 0) {
      throw std::system_error(static_cast<int>(-err), std::generic_category(),
                              "xdp_program__create(" + std::string(kProgName) + ")");
    }
    a->prog.reset(raw);
    int rc = xdp_program__attach(raw, ifindex, mode, 0);
    const char* mode_name = mode == XDP_MODE_NATIVE ? "native" : "skb";
    if (rc != 0) {
      XLOG_WARN("XDP %s attach on ifindex %d failed: %s%s", mode_name, ifindex, std::strerror(-rc),
                mode == XDP_MODE_NATIVE && modes.size() > 1 ? "; falling back to skb mode" : "");
      errors += std::string(errors.empty() ? "" : ", ") + mode_name + ": " + std::strerror(-rc);
      continue;
    }
    a->mode = mode;
    a->info.ifindex = ifindex;
    a->info.native = mode == XDP_MODE_NATIVE;
    xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(ifindex);
    if (libxdp_get_error(mp) == 0 && mp != nullptr) {
      a->info.dispatcher = !xdp_multiprog__is_legacy(mp);
      xdp_multiprog__close(mp);
    }
    // The program never reads xvrrp_meta, so the kernel would not list it among the
    // program's maps; bound, it tells a later daemon whose program this is even when
    // this daemon's pins are out of its sight (a bpffs of another mount namespace).
    if (bpf_prog_bind_map(xdp_program__fd(raw), bpf_map__fd(a->skel->maps.xvrrp_meta), nullptr) !=
        0)
      XLOG_WARN(
          "cannot bind %s to the XDP program on ifindex %d (%s): another daemon will not "
          "tell whether its owner runs",
          XVRRP_MAP_NAME_STR(XVRRP_MAP_META), ifindex, std::strerror(errno));
    a->prog_pin = d.pin_dir + "/" XVRRP_PIN_PROG_NAME "_" + std::to_string(ifindex);
    if (bpf_obj_pin(xdp_program__fd(raw), a->prog_pin.c_str()) != 0) {
      XLOG_WARN("cannot pin XDP program at %s: %s", a->prog_pin.c_str(), std::strerror(errno));
      a->prog_pin.clear();
    }
    XLOG_INFO("XDP advert filter attached to ifindex %d in %s mode via %s", ifindex, mode_name,
              a->info.dispatcher ? "the libxdp multi-program dispatcher"
                                 : "legacy single-program attach (dispatcher unavailable)");
    d.attached.emplace(ifindex, std::move(a));
    return;
  }
  throw std::runtime_error("cannot attach XDP advert filter to ifindex " + std::to_string(ifindex) +
                           " (" + errors + ")");
}

void AdvertFilter::detach(int ifindex) {
  Impl& d = *impl_;
  auto it = d.attached.find(ifindex);
  if (it == d.attached.end()) return;
  int rc = 0;
  if (it->second->info.dispatcher) {
    rc = xdp_program__detach(it->second->prog.get(), ifindex, it->second->mode, 0);
  } else {
    // libxdp's detach looks the program up by id, which needs CAP_SYS_ADMIN;
    // the daemon has dropped it by now. Detaching our own fd needs only
    // CAP_NET_ADMIN.
    LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = xdp_program__fd(it->second->prog.get()));
    rc = bpf_xdp_detach(ifindex, xdp_flags(it->second->mode), &opts);
    if (rc > 0) rc = -rc;
  }
  if (rc != 0) {
    // The interface may be gone already (that detaches implicitly).
    XLOG_WARN("XDP detach from ifindex %d: %s", ifindex, std::strerror(-rc));
  } else {
    XLOG_INFO("XDP advert filter detached from ifindex %d", ifindex);
  }
  if (!it->second->prog_pin.empty()) ::unlink(it->second->prog_pin.c_str());
  d.attached.erase(it);
}

void AdvertFilter::detach_all() {
  while (!impl_->attached.empty()) detach(impl_->attached.begin()->first);
}

std::vector<XdpAttachInfo> AdvertFilter::attachments() const {
  std::vector<XdpAttachInfo> out;
  for (const auto& [ifindex, a] : impl_->attached) out.push_back(a->info);
  return out;
}

int AdvertFilter::ring_fd() const { return impl_->ring->epoll_fd(); }

std::size_t AdvertFilter::consume(const RingBuffer::Callback& cb) {
  return impl_->ring->consume(cb);
}

std::size_t AdvertFilter::consume(const RingBuffer::RecordCallback& cb) {
  return impl_->ring->consume(cb);
}

const std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>>& AdvertFilter::inherited_last_seen()
    const {
  return impl_->inherited_last_seen;
}

std::optional<xvrrp_last_seen> AdvertFilter::last_seen(const xvrrp_vrid_key& key) const {
  return impl_->last_seen->lookup(key);
}

void AdvertFilter::forget_last_seen(const xvrrp_vrid_key& key) { impl_->last_seen->erase(key); }

bool AdvertFilter::set_bfd_session(std::uint32_t discriminator, const xvrrp_bfd_seen& entry) {
  xvrrp_bfd_seen v{};
  std::memcpy(v.neighbor, entry.neighbor, sizeof v.neighbor);
  v.family = entry.family;
  v.min_ttl = entry.min_ttl;
  try {
    impl_->bfd->update(xvrrp_bfd_key{discriminator}, v);
  } catch (const std::system_error& e) {
    if (e.code().value() == E2BIG) return false;
    throw;
  }
  return true;
}

void AdvertFilter::remove_bfd_session(std::uint32_t discriminator) {
  impl_->bfd->erase(xvrrp_bfd_key{discriminator});
}

std::optional<xvrrp_bfd_seen> AdvertFilter::bfd_seen(std::uint32_t discriminator) const {
  return impl_->bfd->lookup(xvrrp_bfd_key{discriminator});
}

bool AdvertFilter::all_last_seen(
    std::vector<std::pair<xvrrp_vrid_key, xvrrp_last_seen>>& out) const {
  out.clear();
  constexpr __u32 kChunk = 256;
  xvrrp_vrid_key keys[kChunk];
  xvrrp_last_seen values[kChunk];
  __u32 batch = 0;
  bool first = true;
  for (;;) {
    __u32 count = kChunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    const int rc = bpf_map_lookup_batch(impl_->last_seen->fd(), first ? nullptr : &batch, &batch,
                                        keys, values, &count, &opts);
    const int err = rc < 0 ? errno : 0;
    for (__u32 i = 0; i < count; ++i) out.emplace_back(keys[i], values[i]);
    if (rc == 0) {
      first = false;
      continue;
    }
    if (err == ENOENT) return true;  // the whole map was read
    XLOG_WARN("batch lookup of %s: %s", XVRRP_MAP_NAME_STR(XVRRP_MAP_LAST_SEEN),
              std::strerror(err));
    return false;
  }
}

namespace {

void add_into(xvrrp_counters& sum, const xvrrp_counters& c) {
  sum.accepted += c.accepted;
  sum.suppressed += c.suppressed;
  for (int r = 0; r < XVRRP_REJECT_MAX; ++r) sum.rejected[r] += c.rejected[r];
}

}  // namespace

xvrrp_counters AdvertFilter::counters(const xvrrp_vrid_key& key) const {
  xvrrp_counters sum{};
  const int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) throw std::system_error(-ncpus, std::generic_category(), "possible CPUs");
  std::vector<xvrrp_counters> per_cpu(static_cast<std::size_t>(ncpus));
  if (bpf_map_lookup_elem(impl_->counters->fd(), &key, per_cpu.data()) != 0) {
    if (errno == ENOENT) return sum;  // no frame of this key seen yet
    throw std::system_error(errno, std::generic_category(),
                            "lookup in " XVRRP_MAP_NAME_STR(XVRRP_MAP_COUNTERS));
  }
  for (const auto& c : per_cpu) add_into(sum, c);
  return sum;
}

std::vector<std::pair<xvrrp_vrid_key, xvrrp_counters>> AdvertFilter::all_counters() const {
  std::vector<std::pair<xvrrp_vrid_key, xvrrp_counters>> out;
  for (const auto& key : impl_->counters->keys()) out.emplace_back(key, counters(key));
  return out;
}

xvrrp_counters AdvertFilter::counters(std::uint32_t slot) const {
  if (slot >= 512) throw std::out_of_range("counter slot " + std::to_string(slot) + " >= 512");
  xvrrp_counters sum{};
  const std::uint8_t family = slot >= 256 ? XVRRP_AF_INET6 : XVRRP_AF_INET;
  for (const auto& [key, c] : all_counters()) {
    if (key.vrid == slot % 256 && key.family == family) add_into(sum, c);
  }
  return sum;
}

std::optional<xvrrp_jitter> AdvertFilter::jitter(const xvrrp_peer_key& peer) const {
  return impl_->jitter->lookup(peer);
}

std::string AdvertFilter::pin_dir() const { return impl_->pin_dir; }

const policy::MapSizes& AdvertFilter::sizes() const { return impl_->sizes; }

int AdvertFilter::test_run_prog_fd() {
  Impl& d = *impl_;
  if (!d.test_skel) {
    auto skel = d.open_skeleton();
    skel.load();
    d.test_skel = std::move(skel);
  }
  return bpf_program__fd(d.test_skel->progs.xvrrp_xdp);
}

}  // namespace xvrrp::bpf
