// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/bpffs.hpp"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/log.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::bpf {

bool is_bpffs(const std::string& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == BPF_FS_MAGIC;
}

void ensure_bpffs() {
  if (is_bpffs(XVRRP_BPFFS_MOUNT)) return;
  if (::mkdir(XVRRP_BPFFS_MOUNT, 0700) != 0 && errno != EEXIST) {
    throw std::system_error(errno, std::generic_category(), "mkdir " XVRRP_BPFFS_MOUNT);
  }
  if (::mount("bpf", XVRRP_BPFFS_MOUNT, "bpf", 0, "mode=0700") != 0) {
    throw std::system_error(errno, std::generic_category(), "mounting bpffs on " XVRRP_BPFFS_MOUNT);
  }
  XLOG_INFO("mounted bpffs on %s", XVRRP_BPFFS_MOUNT);
}

void remove_pin_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw std::system_error(ec, "removing pin directory " + dir);
  }
}

std::int64_t process_start_boottime_ns(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  FILE* f = std::fopen(path, "re");
  if (f == nullptr) return -1;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) return -1;
  ++p;
  for (int field = 3; field < 22; ++field) {
    p = std::strchr(p + 1, ' ');
    if (p == nullptr) return -1;
  }
  char* end = nullptr;
  const unsigned long long ticks = std::strtoull(p + 1, &end, 10);
  if (end == p + 1) return -1;
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (hz <= 0) return -1;
  return static_cast<std::int64_t>(ticks) * (1'000'000'000 / hz);
}

PinOwner pin_owner(std::uint32_t pid, std::uint64_t started_ns) {
  if (pid == 0 || static_cast<pid_t>(pid) == ::getpid()) return PinOwner::Gone;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return PinOwner::Gone;
  const std::int64_t start = process_start_boottime_ns(static_cast<pid_t>(pid));
  if (start < 0) return PinOwner::Alive;
  timespec boot{};
  timespec mono{};
  ::clock_gettime(CLOCK_BOOTTIME, &boot);
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  // BOOTTIME - MONOTONIC is the time spent suspended so far, at least what it was when the
  // daemon read CLOCK_MONOTONIC.
  const std::int64_t suspended =
      (boot.tv_sec - mono.tv_sec) * 1'000'000'000LL + (boot.tv_nsec - mono.tv_nsec);
  const long hz = ::sysconf(_SC_CLK_TCK);
  const std::int64_t tick = hz > 0 ? 1'000'000'000 / hz : 10'000'000;
  // The daemon started before it wrote started_ns; a process started later reused the pid.
  if (start > static_cast<std::int64_t>(started_ns) + suspended + tick) return PinOwner::Gone;
  return PinOwner::Alive;
}

}  // namespace xvrrp::bpf
