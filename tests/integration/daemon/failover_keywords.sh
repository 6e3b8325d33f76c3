#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# keepalived's failover keywords on the wire, the seed pair at VRRPv3 0.1 s:
# - vrrp_startup_delay 2 on server-1 (priority 100): it starts BACKUP and does not preempt
#   server-2 (priority 50, already MASTER) until the delay is over, then it does;
# - down_timer_adverts 10 on server-2: with server-1's adverts stopped (SIGSTOP), server-2
#   waits 10 advert intervals, not 3, before it takes over; server-1 preempts back after.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
LAB_VERSION=3 LAB_ADVERT_INT=0.1

lab_init "xk$$"
lab_topology_up
for n in 1 2; do lab_make_conf "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/s$n.conf"; done
sed -i 's/^router_id server-1$/&\nvrrp_startup_delay 2/' "$LAB_WORK/s1.conf"
sed -i 's/^priority 50$/&\ndown_timer_adverts 10/' "$LAB_WORK/s2.conf"
grep -q '^vrrp_startup_delay 2$' "$LAB_WORK/s1.conf" || t_fail "s1.conf: no vrrp_startup_delay"
grep -q '^down_timer_adverts 10$' "$LAB_WORK/s2.conf" || t_fail "s2.conf: no down_timer_adverts"
t_on_failure() { t_dump_logs; }
holds() { [[ $(lab_vip_holders) == "$1" ]]; }
state_is() { [[ $(t_state "$1") == "$2" ]]; }

lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
t_check_within 10 "server-2 MASTER alone" state_is s2 MASTER
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
t0=$EPOCHREALTIME
t_check_within 5 "server-1 logs its startup delay" grep -q 'Delaying startup for 2.000 seconds' "$LAB_WORK/s1.log"
sleep 1
t_compare "server-1 BACKUP inside its startup delay" "$(t_state s1)" == BACKUP
t_compare "the VIP stays on server-2 inside the delay" "$(lab_vip_holders)" == s2
t_check_within 6 "server-1 preempts once the delay is over" holds s1
elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
t_note "server-1 took the VIP ${elapsed} s after its start"
t_compare "not before the 2 s delay" "$elapsed" -ge 2
t_check "server-1 logged the end of the delay" grep -q 'Startup delay over' "$LAB_WORK/s1.log"
t_check_within 3 "server-2 BACKUP" state_is s2 BACKUP

lab_daemon_signal s1 STOP
sleep 0.6
t_compare "server-2 still BACKUP 0.6 s after server-1 went silent (3 intervals are 0.4 s)" \
  "$(t_state s2)" == BACKUP
t_check_within 5 "server-2 takes over after 10 missed adverts" state_is s2 MASTER
t_check "server-2 logged the master down timer" grep -q 'master down timer expired' "$LAB_WORK/s2.log"
lab_daemon_signal s1 CONT
t_check_within 5 "server-1 preempts back" holds s1
t_check_within 3 "server-2 BACKUP again" state_is s2 BACKUP
t_pass "startup delay and down_timer_adverts as keepalived defines them"
