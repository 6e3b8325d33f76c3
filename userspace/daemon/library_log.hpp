// SPDX-License-Identifier: GPL-2.0-or-later
// libbpf's and libxdp's messages in the daemon's log (log::set_line_hook).
//
// Attaching XDP, libxdp first tries its multi-program dispatcher; where the kernel or the
// capability set refuses it, libbpf and libxdp print that probe's failures as warnings
// ("prog 'xdp_pass': BPF program load failed", "try raising 'ulimit -l'?") and libxdp falls
// back to attaching the program alone, which is an expected outcome, not a problem. The
// hook holds consecutive "libbpf: " / "libxdp: " lines; when libxdp announces that fallback
// it writes one info line naming the attach mode chosen and the reason (the held lines go
// to debug level); any other line first releases the held ones unchanged, so a real
// failure keeps its warnings.
#pragma once

#include "common/log.hpp"

namespace xvrrp::daemon {

/// Installs the hook described above (process-wide, single-threaded).
void coalesce_bpf_library_logs();

/// The hook itself, for tests: returns whether it took the line over.
bool bpf_library_line_hook(log::Level level, const char* message);

}  // namespace xvrrp::daemon
