# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# xvrrp lab library: the seed's topology in network namespaces, the daemons on
# it, the failover events and the client-side probe. Sourced by tools/lab/xvrrp-lab,
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
#   lab_last_state HOST                  MASTER/BACKUP/FAULT/INIT from the log since the last start
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
  trap lab_cleanup EXIT
  trap 'lab_log "interrupted"; exit 130' INT
  trap 'lab_log "terminated"; exit 143' TERM
}

lab_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  lab_topology_down
  if [[ -n ${LAB_WORK:-} && -d $LAB_WORK && -z ${LAB_KEEP_WORK:-} ]]; then
    rm -rf "$LAB_WORK"
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------
# Topology

lab_topology_up() {
  local sw h
  sw=$(lab_ns sw)
  for h in sw s1 s2 c1; do
    ip netns add "$(lab_ns "$h")" || lab_die "cannot create namespace $(lab_ns "$h")"
    ip -n "$(lab_ns "$h")" link set lo up
  done
  ip -n "$sw" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 ||
    lab_die "cannot create bridge in $sw"
  ip -n "$sw" link set br0 up
  for h in s1 s2 c1; do lab_eth0_add "$h"; done
  lab_dummy0_add s1
  lab_dummy0_add s2
}

lab_eth0_add() {
  local h=$1 ns sw
  ns=$(lab_ns "$h")
  sw=$(lab_ns sw)
  ip -n "$sw" link add "p-$h" type veth peer name eth0 netns "$ns" ||
    lab_die "cannot create eth0 of $h"
  ip -n "$sw" link set "p-$h" master br0 up
  ip -n "$ns" link set eth0 address "${LAB_MAC[$h]}"
  ip -n "$ns" addr add "${LAB_IP[$h]}/24" brd + dev eth0
  ip -n "$ns" link set eth0 up
}

lab_eth0_del() { ip -n "$(lab_ns "$1")" link del eth0; }

lab_dummy0_add() {
  local ns
  ns=$(lab_ns "$1")
  if ! ip -n "$ns" link add dummy0 type dummy 2>/dev/null; then
    ip -n "$ns" link add dummy0 type veth peer name dummy0p || lab_die "cannot create dummy0 in $ns"
    ip -n "$ns" link set dummy0 arp off
    ip -n "$ns" link set dummy0p up
  fi
  ip -n "$ns" link set dummy0 up
}

# Stops every daemon and background process this lab started, then deletes the
# namespaces (any process still inside one was started by this lab).
lab_topology_down() {
  local h ns pid
  for h in "${!LAB_DAEMON_PID[@]}"; do
    lab_daemon_signal "$h" TERM 2>/dev/null
  done
  for h in "${!LAB_DAEMON_PID[@]}"; do
    lab_daemon_wait_exit "$h" 3 || lab_daemon_signal "$h" KILL 2>/dev/null
    unset "LAB_DAEMON_PID[$h]"
  done
  for pid in "${LAB_BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  LAB_BG_PIDS=()
  [[ -n ${LAB_PREFIX:-} ]] || return 0
  for h in c1 s1 s2 sw; do
    ns=$(lab_ns "$h")
    [[ -e /run/netns/$ns ]] || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  LAB_PROBE_PID=
  return 0
}

# ---------------------------------------------------------------------------
# Configuration

# Copies SRC to DST, changing only what the lab was asked to change:
#   LAB_ADVERT_INT  replaces advert_int in every vrrp_instance
#   LAB_VERSION     adds "version N" to every vrrp_instance (replacing an existing one)
#   LAB_VIP_DEV     replaces "dev X" in virtual_ipaddress entries
# With neither set, DST is byte-identical to SRC.
lab_make_conf() {
  local src=$1 dst=$2
  [[ -r $src ]] || lab_die "config '$src' not readable"
  awk -v adv="$LAB_ADVERT_INT" -v ver="$LAB_VERSION" -v vipdev="$LAB_VIP_DEV" '
    function change(s,   t, o) { t = s; sub(/#.*/, "", t); o = gsub(/\{/, "{", t); return o - gsub(/\}/, "}", t) }
    {
      line = $0; d = depth
      if (inst && d == idepth + 1) {
        if (ver != "" && $1 == "version") next
        if (adv != "" && $1 == "advert_int") sub(/advert_int[ \t]+[^ \t#]+/, "advert_int " adv, line)
        if ($1 ~ /^virtual_ipaddress/) { vip = 1; vdepth = d }
      }
      if (vip && vipdev != "") gsub(/dev[ \t]+[^ \t#}]+/, "dev " vipdev, line)
      print line
      if (!inst && $1 == "vrrp_instance") { inst = 1; idepth = d; addver = (ver != "") }
      depth += change($0)
      if (addver && depth == idepth + 1) { print "version " ver; addver = 0 }
      if (vip && depth <= vdepth) vip = 0
      if (inst && depth <= idepth) inst = 0
    }' "$src" >"$dst" || lab_die "cannot write $dst"
}

# ---------------------------------------------------------------------------
# Daemons

# Prefixes each line with its arrival time, so that logs without sub-second
# timestamps (keepalived's console log) can be compared with the lab's events.
lab_timestamp() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

lab_daemon_start() {
  local h=$1 impl=$2 conf=$3 ns log bin
  ns=$(lab_ns "$h")
  log=$LAB_WORK/$h.log
  printf '%s === lab: starting %s on %s with %s\n' "$EPOCHREALTIME" "$impl" "$h" "$conf" >>"$log"
  case $impl in
    keepalived)
      bin=$(command -v keepalived) || lab_die "keepalived not installed"
      # keepalived 2.2.7 keeps pid files in /run by default, shared by every namespace.
      ip netns exec "$ns" "$bin" -n -l -D -G --vrrp -f "$conf" \
        -p "$LAB_WORK/$h.keepalived.pid" -r "$LAB_WORK/$h.vrrp.pid" -c "$LAB_WORK/$h.checkers.pid" \
        > >(lab_timestamp >>"$log") 2>&1 &
      ;;
    xvrrpd)
      bin=$(lab_find_bin xvrrpd) || lab_die "xvrrpd not found (build it, or give --bin-dir)"
      # shellcheck disable=SC2086
      # The control socket lives in /run, which namespaces share: one per lab host.
      ip netns exec "$ns" "$bin" -f "$conf" --control "$LAB_WORK/$h.ctl" $LAB_XVRRPD_ARGS \
        > >(lab_timestamp >>"$log") 2>&1 &
      ;;
    *) lab_die "unknown implementation '$impl' (xvrrpd or keepalived)" ;;
  esac
  LAB_DAEMON_PID[$h]=$!
  disown "$!" # no "Killed" job notices from bash on power loss
  LAB_DAEMON_IMPL[$h]=$impl
}

lab_daemon_pids() {
  local h=$1 pid=${LAB_DAEMON_PID[$1]:-} f
  [[ -n $pid ]] || return 1
  echo "$pid"
  if [[ ${LAB_DAEMON_IMPL[$h]} == keepalived ]]; then
    for f in "$LAB_WORK/$h.vrrp.pid" "$LAB_WORK/$h.checkers.pid"; do
      [[ -s $f ]] && cat "$f"
    done
  fi
  return 0
}

# TERM goes to the main process only (keepalived's parent stops its VRRP child,
# which sends priority 0); KILL goes to every process at once (power loss).
lab_daemon_signal() {
  local h=$1 sig=$2 pid=${LAB_DAEMON_PID[$1]:-}
  [[ -n $pid ]] || return 1
  if [[ $sig == KILL ]]; then
    # shellcheck disable=SC2046
    kill -KILL $(lab_daemon_pids "$h") 2>/dev/null
  else
    kill "-$sig" "$pid"
  fi
}

lab_daemon_wait_exit() {
  local h=$1 secs=$2 pid=${LAB_DAEMON_PID[$1]:-} deadline
  [[ -n $pid ]] || return 0
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
  unset "LAB_DAEMON_PID[$h]"
  return 0
}

lab_daemon_alive() { [[ -n ${LAB_DAEMON_PID[$1]:-} ]] && kill -0 "${LAB_DAEMON_PID[$1]}" 2>/dev/null; }

# Log lines since the daemon's last start.
lab_log_since_start() {
  local log=$LAB_WORK/$1.log
  [[ -r $log ]] || return 0
  awk '/ === lab: starting /{n = NR} {l[NR] = $0} END {for (i = n; i <= NR; i++) if (i) print l[i]}' "$log"
}

lab_last_state() {
  lab_log_since_start "$1" | grep -o 'Entering [A-Z]* STATE' | tail -n1 | awk '{print $2}'
}

# First "Entering STATE STATE" line of HOST logged after epoch AFTER; prints its
# time: the daemon's own timestamp when the line has one (xvrrpd writes
# "YYYY-MM-DD HH:MM:SS.ffffff" in local time), else the line's arrival time.
lab_state_time() {
  local h=$1 state=$2 after=$3 line own
  [[ -r $LAB_WORK/$h.log ]] || return 1
  line=$(awk -v s="Entering $state STATE" -v after="$after" \
    'index($0, s) && $1 + 0 > after + 0 { print; found = 1; exit } END { exit !found }' \
    "$LAB_WORK/$h.log") || return 1
  local -a f
  read -ra f <<<"$line"
  if [[ ${f[1]:-} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && ${f[2]:-} =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$ ]] &&
    own=$(date -d "${f[1]} ${f[2]}" +%s.%6N 2>/dev/null) &&
    awk -v a="$own" -v b="${f[0]}" 'BEGIN{d = a - b; exit !(d < 5 && d > -5)}'; then
    echo "$own"
  else
    echo "${f[0]}"
  fi
}

# Servers holding the VIP; a server whose eth0 is gone (rebooting, powered off) is skipped.
lab_vip_holders() {
  local h holders=()
  for h in s1 s2; do
    # A server without eth0 is powered off or rebooting: what is left in its
    # namespace is unreachable and does not count.
    ip -n "$(lab_ns "$h")" link show eth0 >/dev/null 2>&1 || continue
    if ip -n "$(lab_ns "$h")" -4 -o addr show 2>/dev/null | grep -q " inet $LAB_VIP/"; then
      holders+=("$h")
    fi
  done
  echo "${holders[*]}"
}

lab_vip_dev() {
  ip -n "$(lab_ns "$1")" -4 -o addr show 2>/dev/null | awk -v v="$LAB_VIP" '$4 ~ "^" v "/" {print $2}'
}

lab_client_reaches_vip() {
  local tries=${1:-1} i
  for ((i = 0; i < tries; i++)); do
    ip netns exec "$(lab_ns c1)" ping -n -q -c 1 -W 1 "$LAB_VIP" >/dev/null 2>&1 && return 0
  done
  return 1
}

# Waits until server-1 is MASTER and the only VIP holder and server-2 is BACKUP,
# and both stay so for a second without a transition (a start-up flap at 10 ms
# adverts would otherwise leave server-2's gratuitous ARPs in the client's cache).
# Then resolves the VIP afresh on client-1 and checks that it answers from
# server-1's MAC, so every scenario starts from the same client state.
lab_wait_steady() {
  local secs=$1 deadline since
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if lab_is_steady; then
      since=$EPOCHREALTIME
      sleep 1
      if lab_is_steady && ! lab_state_time s1 BACKUP "$since" >/dev/null &&
        ! lab_state_time s2 MASTER "$since" >/dev/null; then
        ip -n "$(lab_ns c1)" neigh flush to "$LAB_VIP" dev eth0 2>/dev/null
        if lab_client_reaches_vip 2 && [[ $(lab_client_vip_mac) == "${LAB_MAC[s1]}" ]]; then
          return 0
        fi
      fi
    fi
    sleep 0.1
  done
  lab_log "no steady state after ${secs}s: s1=$(lab_last_state s1) s2=$(lab_last_state s2)" \
    "VIP on [$(lab_vip_holders)] client-1 sends to $(lab_client_vip_mac)"
  return 1
}

lab_is_steady() {
  [[ $(lab_last_state s1) == MASTER && $(lab_last_state s2) == BACKUP && $(lab_vip_holders) == s1 ]] &&
    lab_daemon_alive s1 && lab_daemon_alive s2
}

# ---------------------------------------------------------------------------
# Probe. KIND: "xvrrp-probe" (the project's probe) or "ping" (ping -D fallback).
# A low-rate ping -D always runs beside xvrrp-probe as the lab's recovery detector.

lab_probe_start() {
  local kind=$1 svg=${2:-} ns iv
  ns=$(lab_ns c1)
  LAB_PROBE_KIND=$kind
  LAB_PROBE_T0=$EPOCHREALTIME
  iv=${LAB_INTERVAL_MS:-10}
  case $kind in
    ping)
      ip netns exec "$ns" ping -D -n -i "$(awk -v m="$iv" 'BEGIN{printf "%.3f", m/1000}')" \
        "$LAB_VIP" >"$LAB_WORK/probe.ping" 2>&1 &
      LAB_PROBE_PID=$!
      disown "$LAB_PROBE_PID"
      LAB_DETECT_FILE=$LAB_WORK/probe.ping
      ;;
    xvrrp-probe)
      # ARP who-has from the client would refresh client-1's own neighbour entry
      # (the kernel takes the new master's unicast ARP reply) and hide the stale
      # ARP cache outage an ordinary client sees, so it is off unless LAB_PROBE_ARP.
      local bin args=(--json -q --events "$LAB_WORK/probe.events")
      bin=$(lab_find_bin xvrrp-probe) || lab_die "xvrrp-probe not found (build it or use --probe ping)"
      [[ -n ${LAB_INTERVAL_MS:-} ]] && args+=(--interval "$LAB_INTERVAL_MS")
      [[ -n ${LAB_PROBE_ARP:-} ]] || args+=(--arp-interval 0)
      : >"$LAB_WORK/probe.events"
      [[ -n $svg ]] && args+=(--svg "$svg")
      ip netns exec "$ns" "$bin" "${args[@]}" "$LAB_VIP" >"$LAB_WORK/probe.json" 2>"$LAB_WORK/probe.err" &
      LAB_PROBE_PID=$!
      disown "$LAB_PROBE_PID"
      ip netns exec "$ns" ping -D -n -i 0.05 "$LAB_VIP" >"$LAB_WORK/detect.ping" 2>&1 &
      LAB_DETECT_PID=$!
      disown "$LAB_DETECT_PID"
      LAB_BG_PIDS+=("$LAB_DETECT_PID")
      LAB_DETECT_FILE=$LAB_WORK/detect.ping
      ;;
    *) lab_die "unknown probe '$kind' (xvrrp-probe or ping)" ;;
  esac
  LAB_BG_PIDS+=("$LAB_PROBE_PID")
}

# Records HOST's link and address changes as the kernel reports them (ip -ts
# monitor; kept in a run's logs as linkmon.txt), so a
# link event is timed when it happened, not when the ip command that caused it
# was reaped (tens of ms later on a busy machine).
lab_link_monitor_start() {
  ip -ts -n "$(lab_ns "$1")" monitor link address >"$LAB_WORK/linkmon.txt" 2>&1 &
  LAB_LINKMON_PID=$!
  LAB_BG_PIDS+=("$LAB_LINKMON_PID")
}

lab_link_monitor_stop() {
  [[ -n ${LAB_LINKMON_PID:-} ]] && kill "$LAB_LINKMON_PID" 2>/dev/null
  LAB_LINKMON_PID=
}

# Prints the epoch of the first change of link IFNAME reported after AFTER, or
# fails. Waits up to a second for the monitor to write it.
lab_link_event_time() {
  local ifname=$1 after=$2 stamp t i
  for i in {1..20}; do
    while read -r stamp; do
      t=$(date -d "$stamp" +%s.%6N 2>/dev/null) || continue
      if awk -v a="$t" -v b="$after" 'BEGIN{exit !(a >= b - 0.002)}'; then
        echo "$t"
        return 0
      fi
    done < <(grep -E "^\[[^]]+\] (Deleted )?[0-9]+: ${ifname}[@:]" "$LAB_WORK/linkmon.txt" 2>/dev/null |
      sed -E 's/^\[([^]]+)\].*/\1/')
    sleep 0.05
  done
  return 1
}

# Marks a moment on the probe's timeline (the SVG shows it).
lab_probe_event() {
  [[ ${LAB_PROBE_KIND:-} == xvrrp-probe ]] && printf '%s %s\n' "$1" "$2" >>"$LAB_WORK/probe.events"
  return 0
}

# The MAC client-1's kernel uses for the VIP right now (what an ordinary client sends to).
lab_client_vip_mac() {
  ip -n "$(lab_ns c1)" neigh show "$LAB_VIP" dev eth0 2>/dev/null |
    awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") {print $(i + 1); f = 1}} END {if (!f) print "-"}'
}

# Time of the last echo reply in the detector's output, or nothing.
lab_last_reply_time() {
  tac "$LAB_DETECT_FILE" 2>/dev/null | awk '/bytes from/ { gsub(/[][]/, "", $1); print $1; exit }'
}

# Waits until HOST logged "Entering MASTER STATE" after AFTER and the VIP has
# answered since. Prints the MASTER line's time. Fails after SECONDS.
lab_wait_recovered() {
  local h=$1 after=$2 secs=$3 deadline tm last
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if tm=$(lab_state_time "$h" MASTER "$after"); then
      last=$(lab_last_reply_time)
      if [[ -n $last ]] && awk -v a="$last" -v b="$tm" 'BEGIN{exit !(a > b)}'; then
        echo "$tm"
        return 0
      fi
    fi
    sleep 0.1
  done
  return 1
}

lab_probe_stop() {
  LAB_PROBE_T1=$EPOCHREALTIME
  [[ -n ${LAB_DETECT_PID:-} ]] && kill -INT "$LAB_DETECT_PID" 2>/dev/null
  [[ -n ${LAB_PROBE_PID:-} ]] && kill -INT "$LAB_PROBE_PID" 2>/dev/null
  local p
  for p in ${LAB_PROBE_PID:-} ${LAB_DETECT_PID:-}; do
    for _ in {1..50}; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  LAB_PROBE_PID=
  LAB_DETECT_PID=
}

# Prints "outage_ms lost sent mac_before mac_after" for the last probe run.
# The outage is the longest gap between consecutive replies, or from the last
# reply to the probe's stop (the VIP never came back); a probe that got no reply
# at all reports its whole length.
lab_probe_result() {
  case $LAB_PROBE_KIND in
    ping)
      # Only gaps that end after the event count (LAB_EVENT_T, default: the start).
      awk -v t0="$LAB_PROBE_T0" -v t1="$LAB_PROBE_T1" -v ev="${LAB_EVENT_T:-0}" '
        /bytes from/ { ts = $1; gsub(/[][]/, "", ts); ts += 0
                       if (prev != "" && ts > ev + 0 && ts - prev > gap) gap = ts - prev
                       prev = ts; got++ }
        / packets transmitted/ { sent = $1; recv = $4 }
        END { if (prev == "") prev = t0
              if (t1 - prev > gap) gap = t1 - prev
              if (sent == "") { sent = got; recv = got }
              printf "%.1f %d %d - -\n", gap * 1000, sent - recv, sent }' "$LAB_WORK/probe.ping"
      ;;
    xvrrp-probe)
      local j=$LAB_WORK/probe.json
      [[ -s $j ]] || lab_die "xvrrp-probe wrote no JSON: $(head -c 400 "$LAB_WORK/probe.err")"
      jq -r '[(.outage.duration_ms // "-"), .probes.lost, .probes.sent,
              (.outage.mac_before // .mac_changes[0].to // "-"),
              (.outage.mac_after // .mac_changes[-1].to // "-")] | map(tostring) | join(" ")' "$j" ||
        lab_die "cannot parse xvrrp-probe JSON $j"
      ;;
  esac
}

lab_host_of_mac() {
  local h m=${1,,}
  for h in s1 s2 c1; do [[ ${LAB_MAC[$h]} == "$m" ]] && { echo "$h"; return 0; }; done
  echo "-"
}

# ---------------------------------------------------------------------------
# Scenarios

lab_host_name() { case $1 in s1) echo server-1 ;; s2) echo server-2 ;; "") echo none ;; *) echo "$1" ;; esac; }

# One scenario run from a fresh topology: steady state with server-1 MASTER, the
# event, the VIP measured from client-1 until it answers again. Uses:
#   LAB_IMPL_S1 / LAB_IMPL_S2   daemon per server (default LAB_IMPL)
#   LAB_PROBE                   xvrrp-probe | ping (default ping)
#   LAB_MAX_OUTAGE              seconds to wait for the VIP (default 90)
#   LAB_STEADY_S                length of the "steady" probe (default 3)
#   LAB_SVG_DIR, LAB_KEEP_LOGS  optional output directories
#   LAB_RESULTS                 file the result line is appended to (optional)
# Sets LAB_R_OUTAGE_MS LAB_R_LOST LAB_R_MASTER LAB_R_DETECTION_MS LAB_R_NOTE and
# LAB_RESULT, the tab-separated line:
#   impl scenario run outage_ms lost sent new_master detection_ms reached mac_before mac_after note
# Returns 0 when LAB_R_NOTE is "ok": the expected node alone holds the VIP and
# client-1 reaches it.
lab_run_scenario() {
  local sc=$1 run=$2 t0 expect=s2 tm det=- note=ok holders reached=no svg=
  local outage=- lost=- sent=- mac_b=- mac_a=- master=- client_mac_b client_mac_a
  local impl1=${LAB_IMPL_S1:-$LAB_IMPL} impl2=${LAB_IMPL_S2:-$LAB_IMPL} impl
  local probe=${LAB_PROBE:-ping} max_outage=${LAB_MAX_OUTAGE:-90} steady_s=${LAB_STEADY_S:-3}
  local steady_timeout t_steady tf
  LAB_EVENT_T=0
  impl=$impl1
  [[ $impl1 == "$impl2" ]] || impl=$impl1/$impl2
  LAB_RUN_TAG=${impl//\//-}-$sc-$run
  # A start-up election takes 3 x advert_int + skew; allow it twice, plus start-up.
  steady_timeout=$(awk -v a="${LAB_ADVERT_INT:-1}" 'BEGIN{printf "%d", 6 * a + 10}')
  lab_topology_up
  lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/server-1.conf"
  lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
  : >"$LAB_WORK/s1.log"
  : >"$LAB_WORK/s2.log"
  lab_daemon_start s1 "$impl1" "$LAB_WORK/server-1.conf"
  lab_daemon_start s2 "$impl2" "$LAB_WORK/server-2.conf"
  if ! lab_wait_steady "$steady_timeout"; then
    note=no-steady-state
  fi
  t_steady=$EPOCHREALTIME
  if [[ $note != ok ]]; then
    :
  elif [[ $sc == return ]]; then
    # The starting point is server-2 holding the VIP after server-1's reboot.
    t0=$EPOCHREALTIME
    lab_daemon_signal s1 TERM
    lab_daemon_wait_exit s1 10 || lab_daemon_signal s1 KILL
    lab_eth0_del s1
    lab_probe_start ping
    lab_wait_recovered s2 "$t0" "$max_outage" >/dev/null || note=no-failover-before-return
    lab_probe_stop
    sleep 1
    t_steady=$EPOCHREALTIME
    expect=s1
  fi
  if [[ $note == ok ]]; then
    [[ -n ${LAB_SVG_DIR:-} ]] && svg=$LAB_SVG_DIR/$LAB_RUN_TAG.svg
    lab_probe_start "$probe" "$svg"
    lab_link_monitor_start s1
    sleep "${LAB_PREROLL_S:-0.5}"
    client_mac_b=$(lab_client_vip_mac)
    # t0 is the moment of the event: a signal is instant (a shell builtin); a link
    # change is timed by the kernel's notification (lab_link_event_time), falling
    # back to the return of the ip command.
    case $sc in
      steady) t0=$EPOCHREALTIME; sleep "$steady_s"; expect= ;;
      reboot)
        t0=$EPOCHREALTIME
        lab_daemon_signal s1 TERM
        lab_daemon_wait_exit s1 10 || { note=slow-stop; lab_daemon_signal s1 KILL; }
        lab_eth0_del s1
        ;;
      return)
        t0=$EPOCHREALTIME
        lab_eth0_add s1
        lab_daemon_start s1 "$impl1" "$LAB_WORK/server-1.conf"
        ;;
      power-loss)
        # The link goes first: once it is gone, nothing the daemon still does is seen.
        local pids
        pids=$(lab_daemon_pids s1)
        t0=$EPOCHREALTIME
        lab_eth0_del s1
        # shellcheck disable=SC2086
        kill -KILL $pids
        t0=$(lab_link_event_time eth0 "$t0") || t0=$EPOCHREALTIME
        ;;
      eth0-down | dummy0-down)
        t0=$EPOCHREALTIME
        ip -n "$(lab_ns s1)" link set "${sc%-down}" down
        t0=$(lab_link_event_time "${sc%-down}" "$t0") || t0=$EPOCHREALTIME
        ;;
      *) lab_die "unknown scenario '$sc'" ;;
    esac
    lab_probe_event "$t0" "$sc"
    # A transition between the steady state and the event (a false takeover at a
    # short advert interval on a busy machine) would be measured as the event's.
    if tf=$(lab_state_time s2 MASTER "$t_steady") && awk -v a="$tf" -v b="$t0" 'BEGIN{exit !(a < b)}'; then
      note=flap-before-event
    fi
    if [[ $sc == steady ]] && lab_state_time s2 MASTER "$t_steady" >/dev/null; then
      note=flap-in-steady-state
    fi
    LAB_EVENT_T=$t0
    if [[ -n $expect ]]; then
      if tm=$(lab_wait_recovered "$expect" "$t0" "$max_outage"); then
        sleep "${LAB_SETTLE_S:-0.5}" # a flap right after recovery shows in the probe
      else
        note=no-recovery
        tm=$(lab_state_time "$expect" MASTER "$t0") || tm=
      fi
      [[ -n $tm ]] && det=$(awk -v a="$tm" -v b="$t0" 'BEGIN{printf "%.0f", (a - b) * 1000}')
    fi
    client_mac_a=$(lab_client_vip_mac)
    lab_probe_stop
    read -r outage lost sent mac_b mac_a < <(lab_probe_result)
    [[ $mac_b == - ]] && mac_b=$client_mac_b
    [[ $mac_a == - ]] && mac_a=$client_mac_a
    holders=$(lab_vip_holders)
    master=$(lab_host_name "${holders// /+}")
    if [[ $holders == *" "* ]]; then
      note=split-brain
    elif [[ -n $expect && $holders != "$expect" && $note == ok ]]; then
      note=unexpected-holder
    fi
    lab_client_reaches_vip 3 && reached=yes
    [[ $reached == yes || $note != ok ]] || note=client-cannot-reach-vip
    [[ $note == ok ]] || lab_diagnose >"$LAB_WORK/diag.txt" 2>&1
    lab_link_monitor_stop
    [[ $mac_b != - ]] && mac_b=$(lab_host_name "$(lab_host_of_mac "$mac_b")")
    [[ $mac_a != - ]] && mac_a=$(lab_host_name "$(lab_host_of_mac "$mac_a")")
  fi
  # shellcheck disable=SC2034 # results for the caller
  LAB_R_OUTAGE_MS=$outage LAB_R_LOST=$lost LAB_R_MASTER=$master LAB_R_DETECTION_MS=$det
  # shellcheck disable=SC2034
  LAB_R_NOTE=$note
  LAB_RESULT=$(printf '%s\t' "$impl" "$sc" "$run" "$outage" "$lost" "$sent" "$master" "$det" \
    "$reached" "$mac_b" "$mac_a")$note
  [[ -n ${LAB_RESULTS:-} ]] && printf '%s\n' "$LAB_RESULT" >>"$LAB_RESULTS"
  lab_log "$impl $sc run $run: outage $outage ms, lost $lost, VIP on $master, detection $det ms: $note"
  lab_finish_run
  [[ $note == ok ]]
}

# Addresses, links and neighbours of every host, for a failed run's logs.
lab_diagnose() {
  local h
  for h in s1 s2 c1; do
    printf '== %s at %s\n' "$h" "$EPOCHREALTIME"
    ip -n "$(lab_ns "$h")" -br link
    ip -n "$(lab_ns "$h")" -4 addr
    ip -n "$(lab_ns "$h")" neigh
  done
}

# Tears the run's topology down and keeps its files under LAB_KEEP_LOGS/LAB_RUN_TAG.
lab_finish_run() {
  local d
  lab_topology_down
  if [[ -n ${LAB_KEEP_LOGS:-} ]]; then
    d=$LAB_KEEP_LOGS/$LAB_RUN_TAG
    mkdir -p "$d" && cp "$LAB_WORK"/*.log "$LAB_WORK"/*.conf "$LAB_WORK"/*.txt "$LAB_WORK"/probe.* \
      "$LAB_WORK"/detect.* "$d"/ 2>/dev/null
  fi
  rm -f "$LAB_WORK"/*.log "$LAB_WORK"/*.txt "$LAB_WORK"/probe.* "$LAB_WORK"/detect.* "$LAB_WORK"/*.pid
}
