// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl's view of a running xvrrpd: where its control socket and pinned maps live, which
// router ids exist, and the status request on the control socket.
//
// Control protocol: unix stream socket RUN_DIR/<router_id>.ctl; the client writes "status\n",
// the daemon writes one JSON document and closes. Every failure throws CtlError with a
// message an operator can act on (what is missing, where, and what runs instead).
#pragma once

#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "xvrrp/abi.h"

namespace xvrrp::ctl {

class CtlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Paths {
  std::string run_dir = "/run/xvrrp";       ///< control sockets: RUN_DIR/<id>.ctl
  std::string pin_root = XVRRP_BPFFS_ROOT;  ///< pinned maps: PIN_ROOT/<id>/<map>
};

/// Router ids with a control socket (RUN_DIR/*.ctl), sorted. Missing dir: empty.
std::vector<std::string> control_socket_ids(const Paths& paths);
/// Router ids with a pin directory (PIN_ROOT/*/), sorted. Missing dir: empty.
std::vector<std::string> pinned_ids(const Paths& paths);

/// The pid of the process listening on RUN_DIR/<id>.ctl, as SO_PEERCRED reports it in this
/// pid namespace; nullopt when nothing accepts the connection (stale socket) or the pid is
/// not visible here.
std::optional<pid_t> control_socket_pid(const Paths& paths, const std::string& router_id);

/// Whether process `pid` is in this process's network namespace (/proc/PID/ns/net against
/// /proc/self/ns/net); nullopt when either link cannot be read.
std::optional<bool> same_network_namespace(pid_t pid);

/// The requested id, or else the daemon of this network namespace: among the control
/// sockets, the one whose daemon shares our network namespace (`ip netns exec` shares
/// RUN_DIR between namespaces); failing that, the only id found in either place. Throws
/// when none or several.
std::string resolve_router_id(const Paths& paths, const std::optional<std::string>& requested);

/// Where the pins of `router_id` are readable from here: PIN_ROOT/<id> when it exists,
/// else, when the daemon (pid from its control socket) has a bpffs of its own (a private
/// mount namespace: `ip netns exec`, a systemd unit's private mounts), the same path
/// through /proc/PID/root. Returns the pin root to use (paths.pin_root when nothing better
/// is found).
std::string locate_pin_root(const Paths& paths, const std::string& router_id);

/// Sends "status\n" and returns the reply (read until EOF). Throws CtlError for a missing
/// socket (naming the running ids), a refused connection (stale socket), a timeout, or an
/// empty reply.
std::string request_status(const Paths& paths, const std::string& router_id, int timeout_ms = 5000);
/// Sends one command line (without its '\n') and returns the reply, as request_status.
std::string request(const Paths& paths, const std::string& router_id, const std::string& command,
                    int timeout_ms = 5000);

std::string join(const std::vector<std::string>& parts, const char* sep);

}  // namespace xvrrp::ctl
