// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/system.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#ifdef XVRRP_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace xvrrp::daemon {

void notify_ready(const std::string& status) {
#ifdef XVRRP_HAVE_LIBSYSTEMD
  sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%d", status.c_str(), static_cast<int>(getpid()));
#else
  (void)status;
#endif
}

void notify_reloading() {
#ifdef XVRRP_HAVE_LIBSYSTEMD
  sd_notify(0, "RELOADING=1");
#endif
}

void notify_stopping() {
#ifdef XVRRP_HAVE_LIBSYSTEMD
  sd_notify(0, "STOPPING=1");
#endif
}

void drop_capabilities(const std::vector<int>& keep) {
  std::uint64_t mask = 0;
  for (int cap : keep) mask |= 1ULL << cap;
  // The bounding set first: once CAP_SETPCAP is gone from the effective set we
  // could no longer shrink it.
  for (int cap = 0; cap <= 63; ++cap) {
    if (mask & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      throw std::system_error(errno, std::generic_category(), "prctl(PR_CAPBSET_DROP)");
  }
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
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

}  // namespace xvrrp::daemon
