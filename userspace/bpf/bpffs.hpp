// SPDX-License-Identifier: GPL-2.0-or-later
// bpffs helpers. `ip netns exec` remounts /sys, which hides the host's
// /sys/fs/bpf; pinning then fails unless a bpffs is mounted again.
#pragma once

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

}  // namespace xvrrp::bpf
