#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck disable=SC2317 # the predicates below run through t_wait_until
# `xvrrpctl handover` and `xvrrpctl maintenance` on the seed's pair (configs verbatim),
# client-1 probing the VIP every 1 ms (xvrrp-probe):
#  - handover server-1 -> server-2, then back: 0 probes lost each way, the command prints the
#    gap it measured, and the old master stays BACKUP past a Master_Down_Interval (its
#    preemption is held after a handover);
#  - maintenance on: server-1 hands over and stays BACKUP through a reload and a restart;
#    off: it preempts again. 0 probes lost over all of it.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"
CTL=$(lab_find_bin xvrrpctl) || t_fail "xvrrpctl not built"

lab_init "xop$$"
LAB_IMPL=xvrrpd
t_use_probe 1
state_is() { [[ $(lab_state "$1") == "$2" ]]; }
vip_on() { [[ $(lab_vip_holders) == "$1" ]]; }
ctl() { local h=$1; shift; "$CTL" --run-dir "$LAB_WORK" -r "$h" "$@"; }
status_field() { ctl "$1" status --json | jq -r "$2"; }
# probe_phase NAME: stops the running probe and checks it lost nothing.
probe_phase() {
  local outage lost sent
  lab_probe_stop
  read -r outage lost sent _ _ < <(lab_probe_result)
  t_note "$1: $lost of $sent probes lost, longest gap $outage ms (1 ms probe)"
  t_compare "$1: probes lost" "$lost" == 0
}

lab_topology_up
lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/server-1.conf"
lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/server-2.conf"
lab_wait_steady 20 || t_fail "no steady state with server-1 MASTER"

echo "# handover server-1 -> server-2"
lab_probe_start xvrrp-probe
sleep 0.5
out=$(ctl s1 handover --all) || t_fail "xvrrpctl handover failed: $out"
t_note "xvrrpctl: $out"
t_check "the command reports the new master" grep -q 'service-100: handed over to 192.0.2.6' <<<"$out"
t_check "s2 MASTER" t_wait_until 2 state_is s2 MASTER
t_check "VIP on s2 alone" t_wait_until 2 vip_on s2
t_compare "s1 state" "$(lab_state s1)" == BACKUP
t_compare "s1 holds its preemption" "$(status_field s1 '.instances[0].preempt_held')" == true
sleep 4.5 # past s1's Master_Down_Interval (3.6 s): it would have preempted without the hold
t_compare "s1 still BACKUP past a Master_Down_Interval" "$(lab_state s1)" == BACKUP
t_compare "VIP still on s2 alone" "$(lab_vip_holders)" == s2
out=$(ctl s1 handover service-100) || true
t_check "a BACKUP has nothing to hand over" grep -q 'BACKUP, nothing to hand over' <<<"$out"
probe_phase "handover to server-2"

echo "# handover server-2 -> server-1"
lab_probe_start xvrrp-probe
sleep 0.5
out=$(ctl s2 handover service-100) || t_fail "xvrrpctl handover failed: $out"
t_note "xvrrpctl: $out"
t_check "the command reports the new master" grep -q 'handed over to 192.0.2.5' <<<"$out"
t_check "s1 MASTER" t_wait_until 2 state_is s1 MASTER
t_check "VIP on s1 alone" t_wait_until 2 vip_on s1
t_compare "s1's hold ended when it took over" "$(status_field s1 '.instances[0].preempt_held')" == false
sleep 0.5
probe_phase "handover back to server-1"

echo "# maintenance on server-1: through a reload and a restart, then off"
lab_probe_start xvrrp-probe
sleep 0.5
out=$(ctl s1 maintenance on) || t_fail "xvrrpctl maintenance on failed: $out"
t_note "xvrrpctl: $out"
t_check "s2 MASTER" t_wait_until 2 state_is s2 MASTER
t_check "VIP on s2 alone" t_wait_until 2 vip_on s2
t_compare "status says maintenance" "$(status_field s1 '.maintenance')" == true
t_check "metrics say maintenance" bash -c "'$CTL' --run-dir '$LAB_WORK' -r s1 metrics 2>/dev/null | grep -q '^xvrrp_instance_maintenance{.*} 1'"
lab_daemon_signal s1 HUP
sleep 1
t_compare "maintenance survives a reload" "$(status_field s1 '.instances[0].maintenance')" == true
lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 8 || t_fail "s1 did not stop"
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
t_check "s1 back as BACKUP" t_wait_until 3 state_is s1 BACKUP
t_compare "maintenance survives a restart" "$(status_field s1 '.maintenance')" == true
sleep 4.5
t_compare "s1 still BACKUP past a Master_Down_Interval" "$(lab_state s1)" == BACKUP
t_compare "VIP still on s2 alone" "$(lab_vip_holders)" == s2
ctl s1 maintenance off >/dev/null || t_fail "xvrrpctl maintenance off failed"
t_check "s1 preempts after maintenance off" t_wait_until 6 state_is s1 MASTER
t_check "s2 BACKUP" t_wait_until 2 state_is s2 BACKUP
t_check "VIP on s1 alone" t_wait_until 2 vip_on s1
t_compare "status says maintenance off" "$(status_field s1 '.maintenance')" == false
sleep 0.5
probe_phase "maintenance on, reload, restart, off"
t_pass "handover both ways and maintenance on/off without a lost probe"
