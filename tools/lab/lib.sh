# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# xvrrp lab library: the seed's topology in network namespaces, the daemons on
# it, the failover events and the client-side probe. This file holds the settings
# and the common helpers and sources the three parts: topology.sh (namespaces,
# links, the VIP as the client sees it), daemons.sh (configs, processes, logs,
# state) and measure.sh (probe, link events, scenario runs). Sourced by tools/lab/xvrrp-lab,
# tools/stress/xvrrp-scale, tools/stress/xvrrp-flood and tests/integration/daemon/*.sh.
#
# Topology (one run; every name carries LAB_PREFIX so parallel runs never collide):
#
#   <prefix>-sw   bridge br0 ("the switch"), ports p-s1 p-s2 p-c1
#   <prefix>-s1   server-1: eth0 192.0.2.5/24 (veth to p-s1), dummy0
#   <prefix>-s2   server-2: eth0 192.0.2.6/24 (veth to p-s2), dummy0
#   <prefix>-c1   client-1: eth0 192.0.2.10/24 (veth to p-c1)
#
# dummy0 is a real dummy device when the kernel has the driver; otherwise a veth
# pair whose peer dummy0p stays up in the same namespace, with ARP off, so it is
# NOARP like a dummy device and nothing sent on it leaves the host.
#
# Hosts are named s1, s2, c1 in every function below. Times are Unix epoch
# seconds with microseconds (bash's EPOCHREALTIME) unless a name ends in _ms.
# Daemon logs are LAB_WORK/HOST.log, each line prefixed with its arrival time.
#
# Public functions (failures return non-zero, or exit through lab_die):
#   lab_require_root                     refuse clearly without root
#   lab_require_tools TOOL...            die naming the first missing tool
#   lab_find_bin NAME                    LAB_BIN_DIR/NAME, else build*/bin, else PATH
#   lab_init [PREFIX]                    work dir, traps; LAB_PREFIX default "xl<pid>"
#   lab_topology_up / lab_topology_down  build / remove the namespaces (down also stops
#                                        every daemon and background process)
#   lab_ns HOST                          namespace name of a host
#   lab_eth0_add HOST / lab_eth0_del HOST
#   lab_make_conf SRC DST                rewrite per LAB_VERSION, LAB_ADVERT_INT, LAB_VIP_DEV
#   lab_daemon_start HOST IMPL CONF      IMPL = xvrrpd | keepalived
#   lab_daemon_pids HOST                 the daemon's processes (keepalived: parent + children)
#   lab_daemon_signal HOST SIG           SIG to the daemon (all of keepalived's processes for KILL)
#   lab_daemon_wait_exit HOST SECONDS / lab_daemon_alive HOST
#   lab_log_since_start HOST             the log since the daemon's last start
#   lab_state HOST                       MASTER/BACKUP/FAULT/INIT: xvrrpctl status for xvrrpd,
#                                        the log for keepalived
#   lab_last_state HOST                  the same from the log since the last start
#   lab_transitions HOST                 transition count (xvrrpctl status, or the log)
#   lab_state_time HOST STATE AFTER      epoch of the first "Entering STATE STATE" after AFTER
#   lab_vip_holders / lab_vip_dev HOST   who holds LAB_VIP / on which device
#   lab_wait_steady SECONDS              s1 MASTER holding the VIP, s2 BACKUP, client on s1's MAC
#   lab_client_reaches_vip [TRIES]       client-1 gets an echo reply from the VIP
#   lab_client_vip_mac                   the MAC client-1's kernel sends VIP traffic to
#   lab_probe_start KIND [SVG] / lab_probe_event EPOCH LABEL / lab_probe_stop / lab_probe_result
#   lab_wait_recovered HOST AFTER SECONDS  HOST entered MASTER after AFTER and the VIP answered since
#   lab_link_monitor_start HOST / lab_link_event_time IFNAME AFTER / lab_link_monitor_stop
#   lab_run_scenario SCENARIO RUN        one measured scenario from a fresh topology (below)
#   lab_finish_run / lab_diagnose / lab_host_name HOST / lab_host_of_mac MAC

LAB_VIP=${LAB_VIP:-192.0.2.100}
declare -gA LAB_IP=([s1]=192.0.2.5 [s2]=192.0.2.6 [c1]=192.0.2.10)
# Fixed, locally administered MACs: a recreated eth0 (a "reboot") keeps its MAC,
# as a real NIC does, and the probe's MACs map back to hosts.
declare -gA LAB_MAC=([s1]=02:00:00:00:02:05 [s2]=02:00:00:00:02:06 [c1]=02:00:00:00:02:0a)
declare -gA LAB_DAEMON_PID=()
declare -gA LAB_DAEMON_IMPL=()
declare -ga LAB_BG_PIDS=()
LAB_IMPL=${LAB_IMPL:-xvrrpd}
LAB_VERSION=${LAB_VERSION:-}        # empty: keep the config's; 2 or 3: force
LAB_ADVERT_INT=${LAB_ADVERT_INT:-}  # empty: keep the config's
LAB_VIP_DEV=${LAB_VIP_DEV:-}        # empty: keep the config's (dummy0 in the seed)
LAB_XVRRPD_ARGS=${LAB_XVRRPD_ARGS:-}
LAB_IPV6=${LAB_IPV6:-1}             # 0: no IPv6 in any namespace (no RS, MLD or DAD frames)
LAB_INTERVAL_MS=${LAB_INTERVAL_MS:-}  # probe interval; empty: the probe's default (ping: 10)
LAB_SCRIPT_DIR=${LAB_SCRIPT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LAB_REPO_DIR=${LAB_REPO_DIR:-$(cd "$LAB_SCRIPT_DIR/../.." && pwd)}
# The seed's configs: beside the script when installed, else in the source tree.
if [[ -z ${LAB_DATA_DIR:-} ]]; then
  if [[ -d $LAB_SCRIPT_DIR/data ]]; then LAB_DATA_DIR=$LAB_SCRIPT_DIR/data; else
    LAB_DATA_DIR=$LAB_REPO_DIR/tests/integration/daemon/data
  fi
fi

lab_log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

lab_die() {
  printf 'xvrrp-lab: error: %s\n' "$*" >&2
  exit 1
}

lab_require_root() {
  if [[ $EUID -ne 0 ]]; then
    printf 'xvrrp-lab: error: must run as root: the lab creates network namespaces, veth links\n' >&2
    printf '  and a bridge, and runs VRRP daemons in them (try: sudo %s)\n' "${0##*/}" >&2
    exit 1
  fi
}

lab_require_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || lab_die "required tool '$t' not found in PATH"
  done
}

# Finds a built binary: $LAB_BIN_DIR, then build*/bin in the repo, then PATH.
lab_find_bin() {
  local name=$1 d
  if [[ -n ${LAB_BIN_DIR:-} ]]; then
    [[ -x $LAB_BIN_DIR/$name ]] && { echo "$LAB_BIN_DIR/$name"; return 0; }
    return 1
  fi
  for d in "$LAB_REPO_DIR"/build/bin "$LAB_REPO_DIR"/build*/bin; do
    [[ -x $d/$name ]] && { echo "$d/$name"; return 0; }
  done
  command -v "$name" 2>/dev/null
}

lab_ns() { printf '%s-%s' "$LAB_PREFIX" "$1"; }

lab_init() {
  LAB_PREFIX=${1:-${LAB_PREFIX:-xl$$}}
  [[ $LAB_PREFIX =~ ^[A-Za-z0-9_.-]{1,20}$ ]] ||
    lab_die "bad namespace prefix '$LAB_PREFIX' (letters, digits, _ . -, at most 20)"
  LAB_WORK=$(mktemp -d "${TMPDIR:-/tmp}/xvrrp-lab.$LAB_PREFIX.XXXXXX") || lab_die "mktemp failed"
  # Under the integration harness (tests/integration/lib/harness.sh) the cleanup is
  # one of its exit hooks, run before its summary; on its own the lab owns the traps.
  if declare -F t_at_exit >/dev/null; then
    t_at_exit lab_cleanup_files
    return 0
  fi
  trap lab_cleanup EXIT
  trap 'lab_log "interrupted"; exit 130' INT
  trap 'lab_log "terminated"; exit 143' TERM
}

# Stops everything the lab started and removes its work directory.
lab_cleanup_files() {
  lab_topology_down
  if [[ -n ${LAB_WORK:-} && -d $LAB_WORK && -z ${LAB_KEEP_WORK:-} ]]; then
    rm -rf "$LAB_WORK"
  fi
  return 0
}

lab_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  lab_cleanup_files
  exit "$rc"
}

# The three parts, each documented in its own file.
# shellcheck source=topology.sh
source "$LAB_SCRIPT_DIR/topology.sh"
# shellcheck source=daemons.sh
source "$LAB_SCRIPT_DIR/daemons.sh"
# shellcheck source=measure.sh
source "$LAB_SCRIPT_DIR/measure.sh"
