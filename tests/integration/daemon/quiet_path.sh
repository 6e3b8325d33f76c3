#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# The quiet-path rule on the wire, the seed pair at VRRPv3 0.1 s (server-1 MASTER):
# - server-1's daemon stops (SIGSTOP) while nothing else reaches server-2's eth0: the
#   interface delivered no frame at all, so server-2 defers its expired down timer once by
#   one advert interval (logged, counted in status), then takes over;
# - the same with client-1 pinging server-2 every 20 ms: the path is alive, the master is
#   silent, server-2 takes over with no extension;
# - with --quiet-path-grace 0, no extension either way (RFC 5798 as written).
# Every status also carries the near-miss record, and `xvrrpctl metrics` exports it.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
t_require_tools jq ping
# Router solicitations and MLD reports (the bridge's included) would count as traffic
# on server-2's eth0.
LAB_VERSION=3 LAB_ADVERT_INT=0.1 LAB_IPV6=0

lab_init "xq$$"
lab_topology_up
for n in 1 2; do lab_make_conf "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/s$n.conf"; done
t_on_failure() { t_dump_logs; }
state_is() { [[ $(t_state "$1") == "$2" ]]; }
field() { t_status "$1" | jq -r ".instances[0].$2"; }

start_pair() {
  lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
  t_check_within 10 "server-1 MASTER" state_is s1 MASTER
  lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
  t_check_within 10 "server-2 BACKUP" state_is s2 BACKUP
  sleep 1
}

start_pair
t_compare "no extension while the master advertises" "$(field s2 down_timer_extensions)" == 0
t_check "server-2's status has its largest advert gap" test "$(field s2 max_advert_gap_ms)" != null
t_compare "server-2's master-down interval is 3 x 100 ms + skew" \
  "$(field s2 master_down_interval_ms | cut -d. -f1)" -ge 300

lab_daemon_signal s1 STOP
t_check_within 5 "server-2 takes over from a silent master on a quiet path" state_is s2 MASTER
t_check "server-2 logged the quiet path" grep -q 'delivered no frame at all since' "$LAB_WORK/s2.log"
t_compare "one down-timer extension counted" "$(field s2 down_timer_extensions)" == 1
metrics=$("$(lab_find_bin xvrrpctl)" --run-dir "$LAB_WORK" -r s2 metrics 2>/dev/null)
t_check "metrics export the extension" grep -q '^xvrrp_instance_down_timer_extensions_total{.*} 1$' <<<"$metrics"
t_check "metrics export the master-down interval" grep -q '^xvrrp_instance_master_down_interval_seconds{' <<<"$metrics"
lab_daemon_signal s1 CONT
t_check_within 5 "server-1 preempts back" state_is s1 MASTER
t_check_within 3 "server-2 BACKUP again" state_is s2 BACKUP
t_check "server-1's status has its largest send lateness" \
  grep -Eq '^[0-9]+[.][0-9]+$' <<<"$(field s1 max_send_late_ms)"

# A live path: client-1 keeps server-2's eth0 busy, the master alone is silent.
ip netns exec "$(lab_ns c1)" ping -q -i 0.02 "${LAB_IP[s2]}" >/dev/null 2>&1 &
LAB_BG_PIDS+=("$!")
sleep 0.5
lab_daemon_signal s1 STOP
t_check_within 5 "server-2 takes over from a silent master on a live path" state_is s2 MASTER
t_compare "no new extension: frames kept arriving" "$(field s2 down_timer_extensions)" == 1
lab_daemon_signal s1 CONT
t_check_within 5 "server-1 preempts back" state_is s1 MASTER

# --quiet-path-grace 0: the RFC rule, no extension on a quiet path.
kill "${LAB_BG_PIDS[-1]}" 2>/dev/null
for h in s1 s2; do lab_daemon_signal "$h" TERM; lab_daemon_wait_exit "$h" 5; done
LAB_XVRRPD_ARGS="--quiet-path-grace 0"
start_pair
lab_daemon_signal s1 STOP
t_check_within 5 "server-2 takes over with the grace off" state_is s2 MASTER
t_compare "no extension with the grace off" "$(field s2 down_timer_extensions)" == 0
lab_daemon_signal s1 CONT
t_pass "the quiet-path rule defers an expired down timer only when the interface was silent"
