// SPDX-License-Identifier: GPL-2.0-or-later
// Process-level integration: systemd readiness (sd_notify) and capability
// dropping once everything privileged has been opened.
#pragma once

#include <string>
#include <vector>

namespace xvrrp::daemon {

/// systemd notifications (sd_notify(3) protocol); no-ops when not started by
/// systemd (NOTIFY_SOCKET unset).
void notify_ready(const std::string& status);
void notify_reloading();
void notify_stopping();

/// Keeps only `keep` (CAP_* numbers, intersected with what the process still
/// holds) in the effective and permitted sets and clears the inheritable set.
/// The bounding set is shrunk too when that is possible: capabilities already
/// absent from it (a systemd unit's CapabilityBoundingSet=) are skipped, and
/// without CAP_SETPCAP it is left as it is (the kernel would refuse) - the
/// process can then no longer use the dropped capabilities, only an execve()
/// as root could regain them. Never needs a capability it does not drop.
/// Throws std::system_error when the kernel refuses.
void drop_capabilities(const std::vector<int>& keep);

/// Returns the heap the allocator keeps free (start-up's and a reload's parse, plan and
/// netlink dumps) to the kernel: malloc_trim(0). Runs on the event loop once per start-up
/// or reload; it walks the free chunks of a heap of a few MB (well under a millisecond).
void release_free_heap();

/// Effective capability mask of this process as /proc/self/status shows it.
unsigned long long effective_capabilities();

}  // namespace xvrrp::daemon
