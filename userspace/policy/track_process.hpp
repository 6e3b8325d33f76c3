// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process (keepalived.conf(5)): which processes a tracker counts. Pure; the daemon
// reads /proc and passes the text here, and core::ProcessQuorum turns the count into a state.
// keepalived 2.2.7's rules (core/track_process.c, check_params):
//  - the name compared with `process` is the process name (/proc/PID/comm) or, with
//    full_command (implied by parameters or param_match), the command line's first word;
//    the comparison is exact (`process ssh` does not match sshd);
//  - with param_match, the rest of the command line (NUL-separated words) must equal the
//    parameters (exact), begin with them (partial), or begin with them with the last one
//    allowed to be longer (initial). param_match exact without parameters: no parameters.
//  - zombies never count (the caller skips them).
#pragma once

#include <string_view>

#include "config/config.hpp"
#include "core/process_quorum.hpp"

namespace xvrrp::policy {

/// True when the process named `comm` whose command line is `cmdline` (as read from
/// /proc/PID/cmdline: each word NUL-terminated) matches `t`.
bool process_matches(const config::TrackProcess& t, std::string_view comm,
                     std::string_view cmdline);

/// The quorum and delays of `t` for core::ProcessQuorum.
core::ProcessQuorumParams quorum_params(const config::TrackProcess& t);

}  // namespace xvrrp::policy
