# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The lab's topology (sourced by tools/lab/lib.sh, which documents it): the switch,
# server and client namespaces, their links, and what the client sees of the VIP.

lab_topology_up() {
  local sw h
  sw=$(lab_ns sw)
  for h in sw s1 s2 c1; do
    ip netns add "$(lab_ns "$h")" || lab_die "cannot create namespace $(lab_ns "$h")"
    # Before any link exists, so that none of them sends a router solicitation or an
    # MLD report later (the bridge's own included).
    if [[ $LAB_IPV6 == 0 ]]; then
      ip netns exec "$(lab_ns "$h")" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
        net.ipv6.conf.all.disable_ipv6=1
    fi
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
  # shellcheck disable=SC2034 # the probe state of measure.sh
  LAB_PROBE_PID=
  return 0
}

# Servers holding the VIP; a server whose eth0 is gone (rebooting, powered off) is skipped.
lab_vip_holders() {
  local h holders=() links addrs err
  for h in s1 s2; do
    # One reading of both lists per host; a failed `ip` (not a missing eth0) is retried, so
    # a transient failure is never read as "nobody holds the VIP".
    for _ in 1 2 3 4 5; do
      links=$(ip -n "$(lab_ns "$h")" -o link show 2>&1) && addrs=$(ip -n "$(lab_ns "$h")" -4 -o addr show 2>&1) && break
      err="$links $addrs"
      printf '%s lab_vip_holders %s: %s\n' "$EPOCHREALTIME" "$h" "$err" >>"${LAB_WORK:-${TMPDIR:-/tmp}}/holders-errors.txt"
      links='' addrs=''
      sleep 0.02
    done
    # A server without eth0 is powered off or rebooting: what is left in its
    # namespace is unreachable and does not count.
    grep -qE '^[0-9]+: eth0[@:]' <<<"$links" || continue
    grep -q " inet $LAB_VIP/" <<<"$addrs" && holders+=("$h")
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

# The MAC client-1's kernel uses for the VIP right now (what an ordinary client sends to).
lab_client_vip_mac() {
  ip -n "$(lab_ns c1)" neigh show "$LAB_VIP" dev eth0 2>/dev/null |
    awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") {print $(i + 1); f = 1}} END {if (!f) print "-"}'
}

lab_host_name() { case $1 in s1) echo server-1 ;; s2) echo server-2 ;; "") echo none ;; *) echo "$1" ;; esac; }

lab_host_of_mac() {
  local h m=${1,,}
  for h in s1 s2 c1; do [[ ${LAB_MAC[$h]} == "$m" ]] && { echo "$h"; return 0; }; done
  echo "-"
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
