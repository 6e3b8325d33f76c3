// SPDX-License-Identifier: GPL-2.0-or-later
#include "pinned_maps.hpp"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/unique_fd.hpp"

namespace xvrrp::ctl {

namespace fs = std::filesystem;

namespace {

bool is_bpffs(const char* path) {
  struct statfs st {};
  return ::statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

struct OpenMap {
  UniqueFd fd;
  bpf_map_info info{};
};

const char* map_type_name(unsigned type) {
  switch (type) {
    case BPF_MAP_TYPE_ARRAY:
      return "array";
    case BPF_MAP_TYPE_PERCPU_ARRAY:
      return "percpu_array";
    case BPF_MAP_TYPE_HASH:
      return "hash";
    case BPF_MAP_TYPE_LRU_HASH:
      return "lru_hash";
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      return "lru_percpu_hash";
    default:
      return "other";
  }
}

OpenMap open_pinned(const std::string& dir, const char* name, unsigned type, unsigned key_size,
                    unsigned value_size) {
  std::string path = dir + "/" + name;
  int fd = bpf_obj_get(path.c_str());
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) throw CtlError("map " + path + " is not pinned (is xvrrpd running?)");
    throw CtlError("bpf_obj_get(" + path + "): " + std::strerror(err));
  }
  OpenMap map;
  map.fd.reset(fd);
  __u32 len = sizeof map.info;
  if (bpf_obj_get_info_by_fd(fd, &map.info, &len) != 0)
    throw CtlError("bpf_obj_get_info_by_fd(" + path + "): " + std::strerror(errno));
  if (map.info.type != type || map.info.key_size != key_size || map.info.value_size != value_size) {
    throw CtlError("ABI mismatch in " + path + ": found a " + map_type_name(map.info.type) +
                   " map with key " + std::to_string(map.info.key_size) + " B and value " +
                   std::to_string(map.info.value_size) + " B, this xvrrpctl (ABI " +
                   std::to_string(XVRRP_ABI_VERSION) + ") expects a " + map_type_name(type) +
                   " map with key " + std::to_string(key_size) + " B and value " +
                   std::to_string(value_size) + " B");
  }
  return map;
}

bool all_zero(const xvrrp_counters& c) {
  if (c.accepted || c.suppressed) return false;
  for (auto r : c.rejected)
    if (r) return false;
  return true;
}

}  // namespace

void ensure_bpffs(const Paths& paths) {
  const std::string mount_point = XVRRP_BPFFS_MOUNT;
  if (paths.pin_root.rfind(mount_point + "/", 0) != 0) return;
  if (is_bpffs(mount_point.c_str())) return;
  if (::mount("bpf", mount_point.c_str(), "bpf", 0, nullptr) != 0) {
    throw CtlError("bpffs is not mounted on " + mount_point + " and mounting it failed: " +
                   std::strerror(errno) + " (mount -t bpf bpf " + mount_point + ")");
  }
}

const char* family_name(unsigned family) {
  return family == XVRRP_AF_INET6 ? "ipv6" : family == XVRRP_AF_INET ? "ipv4" : "unknown";
}

std::string peer_address(const xvrrp_peer_key& key) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (key.vrid.family == XVRRP_AF_INET6) {
    inet_ntop(AF_INET6, key.addr, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET, key.addr, buf, sizeof buf);
  }
  return buf;
}

MapSnapshot read_pinned_maps(const Paths& paths, const std::string& router_id) {
  ensure_bpffs(paths);
  MapSnapshot snap;
  snap.router_id = router_id;
  snap.dir = paths.pin_root + "/" + router_id;
  std::error_code ec;
  if (!fs::is_directory(snap.dir, ec)) {
    std::string msg = "no pinned maps for router id " + router_id + " (no " + snap.dir + ")";
    auto others = pinned_ids(paths);
    if (!others.empty()) msg += "; pinned router ids: " + join(others, ", ");
    throw CtlError(msg);
  }

  // Meta first: a map layout change always comes with an ABI version bump.
  OpenMap meta = open_pinned(snap.dir, XVRRP_MAP_NAME_STR(XVRRP_MAP_META), BPF_MAP_TYPE_ARRAY,
                             sizeof(__u32), sizeof(xvrrp_meta));
  __u32 zero = 0;
  if (bpf_map_lookup_elem(meta.fd.get(), &zero, &snap.meta) != 0)
    throw CtlError("reading " + snap.dir + "/xvrrp_meta: " + std::strerror(errno));
  if (snap.meta.abi_version != XVRRP_ABI_VERSION) {
    throw CtlError("ABI version mismatch: the maps in " + snap.dir + " were pinned by an xvrrpd " +
                   "with ABI " + std::to_string(snap.meta.abi_version) + " (pid " +
                   std::to_string(snap.meta.daemon_pid) + "), this xvrrpctl reads ABI " +
                   std::to_string(XVRRP_ABI_VERSION) + "; use the xvrrpctl of the same release");
  }

  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) throw CtlError("libbpf_num_possible_cpus: " + std::string(std::strerror(-ncpus)));
  snap.possible_cpus = static_cast<unsigned>(ncpus);

  OpenMap counters =
      open_pinned(snap.dir, XVRRP_MAP_NAME_STR(XVRRP_MAP_COUNTERS), BPF_MAP_TYPE_LRU_PERCPU_HASH,
                  sizeof(xvrrp_vrid_key), sizeof(xvrrp_counters));
  // Per-CPU values come back as one value per possible CPU, each rounded up to 8 bytes
  // (112 already is).
  std::vector<xvrrp_counters> per_cpu(snap.possible_cpus);
  {
    xvrrp_vrid_key cur{};
    xvrrp_vrid_key next{};
    const void* prev = nullptr;
    while (bpf_map_get_next_key(counters.fd.get(), prev, &next) == 0) {
      cur = next;
      prev = &cur;
      // An LRU entry can be evicted between get_next_key and lookup: skip it.
      if (bpf_map_lookup_elem(counters.fd.get(), &cur, per_cpu.data()) != 0) continue;
      CounterSlot sum;
      sum.ifindex = cur.ifindex;
      sum.vrid = cur.vrid;
      sum.family = cur.family;
      for (const auto& c : per_cpu) {
        sum.sum.accepted += c.accepted;
        sum.sum.suppressed += c.suppressed;
        for (int r = 0; r < XVRRP_REJECT_MAX; ++r) sum.sum.rejected[r] += c.rejected[r];
      }
      if (!all_zero(sum.sum)) snap.counters.push_back(sum);
    }
    if (errno != ENOENT)
      throw CtlError("iterating " + snap.dir + "/xvrrp_counters: " + std::strerror(errno));
  }
  std::sort(snap.counters.begin(), snap.counters.end(),
            [](const CounterSlot& a, const CounterSlot& b) {
              if (a.ifindex != b.ifindex) return a.ifindex < b.ifindex;
              if (a.family != b.family) return a.family < b.family;
              return a.vrid < b.vrid;
            });

  OpenMap jitter = open_pinned(snap.dir, XVRRP_MAP_NAME_STR(XVRRP_MAP_JITTER),
                               BPF_MAP_TYPE_LRU_HASH, sizeof(xvrrp_peer_key), sizeof(xvrrp_jitter));
  xvrrp_peer_key key{};
  xvrrp_peer_key next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(jitter.fd.get(), prev, &next) == 0) {
    JitterPeer peer;
    peer.key = next;
    // An LRU entry can be evicted between get_next_key and lookup: skip it.
    if (bpf_map_lookup_elem(jitter.fd.get(), &next, &peer.hist) == 0) snap.jitter.push_back(peer);
    key = next;
    prev = &key;
  }
  if (errno != ENOENT)
    throw CtlError("iterating " + snap.dir + "/xvrrp_jitter: " + std::strerror(errno));
  std::sort(snap.jitter.begin(), snap.jitter.end(), [](const JitterPeer& a, const JitterPeer& b) {
    if (a.key.vrid.vrid != b.key.vrid.vrid) return a.key.vrid.vrid < b.key.vrid.vrid;
    if (a.key.vrid.family != b.key.vrid.family) return a.key.vrid.family < b.key.vrid.family;
    if (a.key.vrid.ifindex != b.key.vrid.ifindex) return a.key.vrid.ifindex < b.key.vrid.ifindex;
    return std::memcmp(a.key.addr, b.key.addr, sizeof a.key.addr) < 0;
  });
  return snap;
}

}  // namespace xvrrp::ctl
