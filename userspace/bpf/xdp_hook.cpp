// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/xdp_hook.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "bpf/bpffs.hpp"
#include "common/unique_fd.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::bpf {
namespace {

constexpr const char* kFilterProgName = "xvrrp_xdp";

// The xvrrp_meta record among a program's maps; false when it has none.
bool read_meta(int prog_fd, xvrrp_meta& meta) {
  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return false;
  std::vector<__u32> ids(info.nr_map_ids);
  if (ids.empty()) return false;
  bpf_prog_info again{};
  again.nr_map_ids = static_cast<__u32>(ids.size());
  again.map_ids = reinterpret_cast<__u64>(ids.data());
  len = sizeof again;
  if (bpf_obj_get_info_by_fd(prog_fd, &again, &len) != 0) return false;
  ids.resize(std::min<std::size_t>(ids.size(), again.nr_map_ids));
  for (__u32 id : ids) {
    UniqueFd map(bpf_map_get_fd_by_id(id));
    if (!map) continue;
    bpf_map_info mi{};
    __u32 mlen = sizeof mi;
    if (bpf_obj_get_info_by_fd(map.get(), &mi, &mlen) != 0) continue;
    if (std::strncmp(mi.name, XVRRP_MAP_NAME_STR(XVRRP_MAP_META), sizeof mi.name) != 0) continue;
    if (mi.value_size != sizeof(xvrrp_meta)) return false;
    __u32 zero = 0;
    return bpf_map_lookup_elem(map.get(), &zero, &meta) == 0;
  }
  return false;
}

}  // namespace

policy::XdpOccupant xdp_hook_occupant(int ifindex, std::uint32_t xdp_flags) {
  policy::XdpOccupant o;
  __u32 id = 0;
  if (bpf_xdp_query_id(ifindex, static_cast<int>(xdp_flags), &id) != 0 || id == 0) return o;
  o.prog_id = id;
  UniqueFd prog(bpf_prog_get_fd_by_id(id));
  if (!prog) return o;
  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(prog.get(), &info, &len) != 0) return o;
  o.prog_name.assign(info.name, strnlen(info.name, sizeof info.name));
  o.inspected = true;
  xvrrp_meta meta{};
  if (o.prog_name == kFilterProgName && read_meta(prog.get(), meta)) {
    o.xvrrp = true;
    o.owner_pid = meta.daemon_pid;
    o.owner_alive =
        meta.daemon_pid != 0 && pin_owner(meta.daemon_pid, meta.started_ns) == PinOwner::Alive;
  }
  return o;
}

int xdp_hook_detach(int ifindex, std::uint32_t xdp_flags, std::uint32_t prog_id) {
  UniqueFd prog(bpf_prog_get_fd_by_id(prog_id));
  if (!prog) return -errno;
  LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = prog.get());
  const int rc = bpf_xdp_detach(ifindex, xdp_flags, &opts);
  return rc > 0 ? -rc : rc;
}

}  // namespace xvrrp::bpf
