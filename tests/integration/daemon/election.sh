#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The election with the seed's configs verbatim: server-1 (priority 100) becomes
# MASTER with 192.0.2.100 on its dummy0, server-2 stays BACKUP without it, the
# client reaches the VIP, and nothing flaps for 3 advert intervals.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd

lab_init "xe$$"
lab_topology_up
for n in 1 2; do
  lab_make_conf "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/server-$n.conf"
  cmp -s "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/server-$n.conf" ||
    t_fail "server-$n config is not the seed's verbatim"
done
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/server-2.conf"
lab_wait_steady 15 || { t_dump_logs; t_fail "no steady state: server-1 MASTER with the VIP, server-2 BACKUP"; }
[[ $(lab_vip_dev s1) == dummy0 ]] || t_fail "VIP on server-1's '$(lab_vip_dev s1)', expected dummy0"
n1=$(lab_transitions s1) n2=$(lab_transitions s2)
sleep 3.5
t_compare "VIP stays on server-1 without an event" "$(lab_vip_holders)" == s1
t_compare "server-1: no transition without an event" "$(lab_transitions s1)" == "$n1"
t_compare "server-2: no transition without an event" "$(lab_transitions s2)" == "$n2"
t_compare "server-1 state (xvrrpctl status)" "$(t_state s1)" == MASTER
t_compare "server-2 state (xvrrpctl status)" "$(t_state s2)" == BACKUP
t_check "both daemons still running" eval 'lab_daemon_alive s1 && lab_daemon_alive s2'
t_check "client-1 reaches the VIP" lab_client_reaches_vip 3
