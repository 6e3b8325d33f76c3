// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/xdp_hook.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "bpf/bpffs.hpp"
#include "common/unique_fd.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::bpf {
namespace {

constexpr const char* kFilterProgName = "xvrrp_xdp";

std::vector<__u32> prog_map_ids(int prog_fd) {
  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return {};
  std::vector<__u32> ids(info.nr_map_ids);
  if (ids.empty()) return {};
  bpf_prog_info again{};
  again.nr_map_ids = static_cast<__u32>(ids.size());
  again.map_ids = reinterpret_cast<__u64>(ids.data());
  len = sizeof again;
  if (bpf_obj_get_info_by_fd(prog_fd, &again, &len) != 0) return {};
  ids.resize(std::min<std::size_t>(ids.size(), again.nr_map_ids));
  return ids;
}

// The xvrrp_meta record among a program's maps; false when it has none.
bool read_meta(const std::vector<__u32>& ids, xvrrp_meta& meta) {
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

StalePins read_pin_ids(const std::string& dir) {
  StalePins out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    UniqueFd fd(bpf_obj_get(entry.path().c_str()));
    if (!fd) continue;
    bpf_map_info mi{};
    __u32 len = sizeof mi;
    // bpf_obj_get_info_by_fd fills whichever info the object's type has; the name
    // tells a program pin from a map pin.
    if (entry.path().filename().string().rfind(XVRRP_PIN_PROG_NAME, 0) == 0) {
      bpf_prog_info pi{};
      __u32 plen = sizeof pi;
      if (bpf_obj_get_info_by_fd(fd.get(), &pi, &plen) == 0) out.prog_ids.push_back(pi.id);
    } else if (bpf_obj_get_info_by_fd(fd.get(), &mi, &len) == 0) {
      out.map_ids.push_back(mi.id);
    }
  }
  return out;
}

policy::XdpOccupant xdp_hook_occupant(int ifindex, std::uint32_t xdp_flags,
                                      const StalePins& stale) {
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
  if (o.prog_name != kFilterProgName) return o;
  const std::vector<__u32> maps = prog_map_ids(prog.get());
  xvrrp_meta meta{};
  if (read_meta(maps, meta)) {
    o.xvrrp = true;
    o.owner_pid = meta.daemon_pid;
    o.owner_alive =
        meta.daemon_pid != 0 && pin_owner(meta.daemon_pid, meta.started_ns) == PinOwner::Alive;
    return o;
  }
  const auto in = [](const std::vector<std::uint32_t>& v, std::uint32_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  o.from_stale_pins = in(stale.prog_ids, id) || std::any_of(maps.begin(), maps.end(), [&](__u32 m) {
                        return in(stale.map_ids, m);
                      });
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
