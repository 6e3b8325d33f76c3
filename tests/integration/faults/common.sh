# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
#
# Shared part of the fault-injection tests: the seed pair of the lab (tools/lab/lib.sh)
# with server-1, the daemon under test, started by f_start in the test's own mount
# namespace (nsenter --net, not `ip netns exec`), so its pins live in the bpffs of
# tests/integration/lib/isolate.sh and can be counted from here, across restarts too.
# Each test then checks what every fault must leave intact:
#   f_pair_up CONF1 CONF2      s1 (f_start) and s2 (lab_daemon_start), steady, baseline taken
#   f_baseline SECS            idle CPU ticks of s1 over SECS (F_IDLE_TICKS), its fds (F_FDS)
#   f_held WHAT                no transition on either side since the baseline, s1 MASTER,
#                              s2 BACKUP hearing s1 (last advert recent), the VIP on s1 only
#   f_no_leak WHAT             s1's fd count is back to the baseline (within 5 s)
#   f_no_spin WHAT SECS        s1's CPU ticks over SECS <= max(F_CPU_RATIO x idle, F_CPU_FLOOR)
#   f_stop_clean               SIGTERM s1: it exits, leaves no VIP, XDP program or pin
here_faults=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here_faults/../daemon/common.sh"
# shellcheck source=../reload/ctl.sh
source "$here_faults/../reload/ctl.sh"
t_need_xvrrpd
t_require_tools nsenter python3

F_CPU_RATIO=${F_CPU_RATIO:-10}
# Ticks (1/100 s) allowed over a window whatever the idle figure: a spinning daemon
# burns ~100 per second, an idle one ~0.
F_CPU_FLOOR=${F_CPU_FLOOR:-15}
F_PIN_DIR=/sys/fs/bpf/xvrrp/server-1
F_T1=0
F_T2=0
F_FDS=0
F_IDLE_TICKS=0
F_IDLE_SECS=1

# Like lab_daemon_start, but in this mount namespace; stdout and stderr go straight to
# the log file, or to F_OUTPUT when set (a FIFO whose reader the test controls).
f_start() {
  local h=$1 conf=$2 ns bin out=${F_OUTPUT:-$LAB_WORK/$1.log}
  ns=$(lab_ns "$h")
  bin=$(lab_find_bin xvrrpd) || t_fail "xvrrpd not built"
  printf '%s === lab: starting xvrrpd on %s with %s\n' "$EPOCHREALTIME" "$h" "$conf" >>"$LAB_WORK/$h.log"
  # shellcheck disable=SC2086 # LAB_XVRRPD_ARGS is a list of words
  nsenter --net="/run/netns/$ns" "$bin" -f "$conf" --control "$LAB_WORK/$h.ctl" \
    $LAB_XVRRPD_ARGS >>"$out" 2>&1 &
  LAB_DAEMON_PID[$h]=$!
  disown "$!"
  LAB_DAEMON_IMPL[$h]=xvrrpd
}

# f_aux_conf CONF LINE...: CONF is the seed's server-1 config plus aux-101 (priority 255,
# VIP 203.0.113.101, tracking the veth trk0 that f_aux_link makes), with LINEs (notify_*)
# in its block: a second instance on the MASTER that a test cycles FAULT <-> MASTER.
f_aux_conf() {
  local conf=$1
  shift
  cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
  {
    printf '%s\n' 'vrrp_instance aux-101 {' 'state MASTER' 'interface eth0' \
      'virtual_router_id 101' 'priority 255' 'advert_int 1' 'unicast_peer {' '192.0.2.6' '}' \
      'virtual_ipaddress {' '203.0.113.101/32 dev dummy0' '}' 'track_interface {' 'trk0' '}'
    printf '%s\n' "$@" '}'
  } >>"$conf"
}
f_aux_link() {  # trk0 in s1, up (its veth peer keeps it up)
  local ns
  ns=$(lab_ns s1)
  ip -n "$ns" link add trk0 type veth peer name trk0p
  ip -n "$ns" link set trk0p up
  ip -n "$ns" link set trk0 up
}

f_pid() { echo "${LAB_DAEMON_PID[s1]:-0}"; }
f_fds() { find "/proc/$(f_pid)/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
f_ticks() { awk '{print $14 + $15}' "/proc/$(f_pid)/stat" 2>/dev/null || echo 0; }
f_pins() { find "$F_PIN_DIR" -mindepth 1 2>/dev/null | wc -l; }
f_progs() { ip -n "$(lab_ns s1)" -d link show eth0 2>/dev/null | grep -c 'prog/xdp'; }
f_vip_count() {  # copies of the VIP on s1's dummy0
  ip -n "$(lab_ns s1)" -4 -o addr show dev dummy0 2>/dev/null | grep -c " $LAB_VIP/"
}

f_baseline() {
  F_IDLE_SECS=$1
  F_T1=$(lab_transitions s1)
  F_T2=$(lab_transitions s2)
  F_FDS=$(f_fds)
  local a
  a=$(f_ticks)
  sleep "$F_IDLE_SECS"
  F_IDLE_TICKS=$(($(f_ticks) - a))
  t_note "baseline: s1 pid $(f_pid), $F_FDS fds, $F_IDLE_TICKS CPU ticks in $F_IDLE_SECS s idle, $(f_pins) pins, $(f_progs) XDP program(s) on eth0"
}

f_pair_up() {
  lab_topology_up
  f_start s1 "$1"
  lab_daemon_start s2 xvrrpd "$2"
  lab_wait_steady 25 || t_fail "no steady state (s1 MASTER with the VIP, s2 BACKUP)"
  f_baseline 2
}

f_s2_hears_s1() {
  local js
  js=$(t_status s2) || return 1
  [[ $(jq -r '.instances[0].master' <<<"$js") == "${LAB_IP[s1]}" ]] &&
    (($(jq -r '.instances[0].last_advert_age_ms | floor' <<<"$js") < ${F_ADVERT_AGE_MS:-2500}))
}

f_held() {
  t_compare "$1: s1 transitions (status counter)" "$(lab_transitions s1)" == "$F_T1"
  t_compare "$1: s2 transitions (status counter)" "$(lab_transitions s2)" == "$F_T2"
  t_compare "$1: s1 state" "$(t_state s1)" == MASTER
  t_compare "$1: s2 state" "$(t_state s2)" == BACKUP
  t_check "$1: s2 hears s1's adverts (last advert recent)" f_s2_hears_s1
  t_compare "$1: VIP holders" "$(lab_vip_holders)" == s1
  t_compare "$1: copies of the VIP on s1" "$(f_vip_count)" == 1
}

f_fds_back() { [[ $(f_fds) == "$F_FDS" ]]; }
f_no_leak() {
  t_wait_until 5 f_fds_back || true
  t_compare "$1: s1 fds (/proc/PID/fd)" "$(f_fds)" == "$F_FDS"
}

f_no_spin() {
  local what=$1 secs=$2 a used allowed
  a=$(f_ticks)
  sleep "$secs"
  used=$(($(f_ticks) - a))
  allowed=$(awk -v i="$F_IDLE_TICKS" -v is="$F_IDLE_SECS" -v s="$secs" -v r="$F_CPU_RATIO" \
    -v f="$F_CPU_FLOOR" 'BEGIN{a = r * i * s / is; if (a < f * s) a = f * s; printf "%d", a}')
  t_compare "$what: s1 CPU ticks in $secs s (idle: $F_IDLE_TICKS in $F_IDLE_SECS s)" "$used" -le "$allowed"
}

f_stop_clean() {
  local pid
  pid=$(f_pid)
  lab_daemon_signal s1 TERM
  t_check "s1 exits on SIGTERM within 8 s" lab_daemon_wait_exit s1 8
  t_compare "after exit: copies of the VIP on s1" "$(f_vip_count)" == 0
  t_compare "after exit: XDP programs on s1's eth0" "$(f_progs)" == 0
  t_compare "after exit: pins under $F_PIN_DIR" "$(f_pins)" == 0
  t_check "after exit: no process left with s1's pid" bash -c "! kill -0 $pid 2>/dev/null"
}
