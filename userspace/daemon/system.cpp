// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/system.hpp"

#include <linux/capability.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "common/log.hpp"
#include "common/unique_fd.hpp"

namespace xvrrp::daemon {
namespace {

// sd_notify(3)'s protocol is one datagram to the AF_UNIX socket named by
// $NOTIFY_SOCKET ('@' = abstract namespace). Sending it ourselves keeps
// libsystemd (and the libgcrypt it pulls in, ~700 kB RSS) out of the daemon.
void notify_systemd(const std::string& message) {
  const char* path = getenv("NOTIFY_SOCKET");
  if (path == nullptr || (path[0] != '/' && path[0] != '@')) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = strlen(path);
  if (len >= sizeof addr.sun_path) return;
  memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return;
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  if (sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL,
             reinterpret_cast<const sockaddr*>(&addr), addr_len) < 0)
    XLOG_WARN("sd_notify to %s: %s", path, strerror(errno));
}

}  // namespace

void notify_ready(const std::string& status) {
  notify_systemd("READY=1\nSTATUS=" + status + "\nMAINPID=" + std::to_string(getpid()));
}

void notify_reloading() { notify_systemd("RELOADING=1"); }

void notify_stopping() { notify_systemd("STOPPING=1"); }

void drop_capabilities(const std::vector<int>& keep) {
  std::uint64_t mask = 0;
  for (int cap : keep) mask |= 1ULL << cap;
  // Only what is still in the bounding set needs dropping: under systemd the
  // unit's CapabilityBoundingSet= has already removed the rest, and asking the
  // kernel to drop those again would need CAP_SETPCAP for nothing.
  std::vector<int> to_drop;
  for (int cap = 0; cap <= 63; ++cap) {
    if (mask & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) to_drop.push_back(cap);
  }
  // The bounding set first, while CAP_SETPCAP (if we hold it) is still
  // effective: the capset below removes it.
  if (!to_drop.empty()) {
    if (prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) == 1 &&
        (effective_capabilities() & (1ULL << CAP_SETPCAP)) != 0) {
      for (int cap : to_drop) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
          throw std::system_error(errno, std::generic_category(), "prctl(PR_CAPBSET_DROP)");
      }
    } else {
      // Without CAP_SETPCAP the kernel refuses PR_CAPBSET_DROP. The capset
      // below still removes them from the permitted set, so this process can
      // no longer use them; only a later execve() as root could regain them,
      // and the daemon never executes anything after start-up (scripts are
      // started by the launcher forked before this point).
      XLOG_DEBUG("bounding set kept: no CAP_SETPCAP to shrink it (%zu capabilities)",
                 to_drop.size());
    }
  }
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0)
    throw std::system_error(errno, std::generic_category(), "capget");
  // capset() may only lower the permitted set: keep what we want and still have.
  mask &= static_cast<std::uint64_t>(data[0].permitted) |
          (static_cast<std::uint64_t>(data[1].permitted) << 32);
  for (int i = 0; i < 2; ++i) {
    const auto word = static_cast<std::uint32_t>(mask >> (32 * i));
    data[i].effective = word;
    data[i].permitted = word;
    data[i].inheritable = 0;
  }
  if (syscall(SYS_capset, &header, data) != 0)
    throw std::system_error(errno, std::generic_category(), "capset");
}

unsigned long long effective_capabilities() {
  FILE* f = fopen("/proc/self/status", "re");
  if (f == nullptr) return 0;
  char line[256];
  unsigned long long caps = 0;
  while (fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "CapEff:", 7) == 0) {
      caps = std::strtoull(line + 7, nullptr, 16);
      break;
    }
  }
  fclose(f);
  return caps;
}

void release_free_heap() { ::malloc_trim(0); }

}  // namespace xvrrp::daemon
