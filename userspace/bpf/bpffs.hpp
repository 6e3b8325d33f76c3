// SPDX-License-Identifier: GPL-2.0-or-later
// bpffs helpers. `ip netns exec` remounts /sys, which hides the host's
// /sys/fs/bpf; pinning then fails unless a bpffs is mounted again.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace xvrrp::bpf {

/// Mounts a bpffs at XVRRP_BPFFS_MOUNT unless one is already there.
/// Throws std::system_error naming the path on failure.
void ensure_bpffs();

/// Whether `path` is on a bpffs.
bool is_bpffs(const std::string& path);

/// Removes every entry of `dir` (pins are plain files to unlink) and `dir`
/// itself. Missing dir is not an error.
void remove_pin_dir(const std::string& dir);

/// Whether the xvrrpd that pinned a directory still runs, from its xvrrp_meta record
/// (daemon_pid, started_ns on CLOCK_MONOTONIC, written once the daemon runs):
///  - Gone when the pid does not exist, or is this very process (a daemon restarted in a
///    container is pid 1 again, and so was the one that left the pins), or belongs to a
///    process that started after started_ns (the pid was reused): /proc/PID/stat field 22,
///    on CLOCK_BOOTTIME, compared with started_ns moved to that clock.
///  - Alive otherwise (also when /proc/PID/stat cannot be read but the pid exists).
/// A pid from another pid namespace cannot be told apart from one of ours.
enum class PinOwner { Alive, Gone };
PinOwner pin_owner(std::uint32_t pid, std::uint64_t started_ns);

/// /proc/PID/stat field 22 (starttime, clock ticks since boot) in ns, or -1.
std::int64_t process_start_boottime_ns(pid_t pid);

}  // namespace xvrrp::bpf
