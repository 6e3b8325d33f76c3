// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl handover / maintenance: send the command on the control socket, then follow the
// handovers it started in `status` (each instance's last_handover, matched by id) until they
// ended or `wait_ms` passed. Prints one line per instance (or a JSON array with --json).
// Exit status: 0 when every handover completed (or there was nothing to hand over), 1 when
// one was abandoned, interrupted or still pending at the end of the wait, or on an error.
#pragma once

#include <string>

#include "control.hpp"

namespace xvrrp::ctl {

/// target: a vrrp_instance name or "--all".
int run_handover(const Paths& paths, const std::string& router_id, const std::string& target,
                 bool json, int wait_ms);
int run_maintenance(const Paths& paths, const std::string& router_id, bool on, bool json,
                    int wait_ms);

}  // namespace xvrrp::ctl
