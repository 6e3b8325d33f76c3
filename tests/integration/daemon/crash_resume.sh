#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck disable=SC2317 # the predicates below run through t_wait_until
# Crash resume with the seed's configs verbatim:
#   crash_resume.sh [BOUND_MS]
# 1. server-1 (MASTER) is SIGKILLed and started again 1 s later (systemd's Restart=on-failure,
#    RestartSec=1s), well inside server-2's Master_Down_Interval (3.8 s): server-1 resumes as
#    MASTER from its record. server-2 makes no transition, server-1 holds the VIP at the end,
#    there is never a second holder (sampled every 20 ms), and client-1's outage (xvrrp-probe,
#    1 ms) stays under BOUND_MS (default 1000; measured ~30 ms).
# 2. server-1 is SIGKILLed again and started only after server-2 took over: it starts as
#    BACKUP, keeps the VIP the kill left until it hears server-2, then preempts as before.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
bound=${1:-1000}
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"

lab_init "xcr$$"
LAB_IMPL=xvrrpd
t_use_probe 1
state_is() { [[ $(lab_state "$1") == "$2" ]]; }
vip_on() { [[ $(lab_vip_holders) == "$1" ]]; }

lab_topology_up
lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/server-1.conf"
lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/server-2.conf"
lab_wait_steady 20 || t_fail "no steady state with server-1 MASTER"
n2=$(lab_transitions s2)

# Every 20 ms: who holds the VIP.
sampler() {
  while :; do
    printf '%s %s\n' "$EPOCHREALTIME" "$(lab_vip_holders)"
    sleep 0.02
  done >"$LAB_WORK/holders.txt"
}
sampler &
sampler_pid=$!
LAB_BG_PIDS+=("$sampler_pid")

echo "# SIGKILL of the master's daemon, restart 1 s later"
lab_probe_start xvrrp-probe
sleep 0.5
pids=$(lab_daemon_pids s1)
t0=$EPOCHREALTIME
# shellcheck disable=SC2086
kill -KILL $pids
lab_daemon_wait_exit s1 5 || t_fail "s1 still there 5 s after SIGKILL"
sleep 1
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
t_check "restarted s1 is MASTER within 2 s" t_wait_until 2 state_is s1 MASTER
t1=$EPOCHREALTIME
sleep 1.5
lab_probe_stop
kill "$sampler_pid" 2>/dev/null
wait "$sampler_pid" 2>/dev/null
read -r outage lost sent _ _ < <(lab_probe_result)
t_check "s1 resumed from its record" grep -q 'start-up: resume' "$LAB_WORK/s1.log"
t_check "s1 sent no priority 0" bash -c "! grep -q 'priority 0 sent' '$LAB_WORK/s1.log'"
t_compare "s2's transitions" "$(lab_transitions s2)" == "$n2"
t_compare "s2's state" "$(lab_state s2)" == BACKUP
t_compare "VIP holders at the end" "$(lab_vip_holders)" == s1
two=$(awk 'NF > 2' "$LAB_WORK/holders.txt" | head -n 3)
t_compare "samples with two holders (of $(wc -l <"$LAB_WORK/holders.txt"))" "$(awk 'NF > 2' "$LAB_WORK/holders.txt" | wc -l)" == 0
[[ -z $two ]] || t_note "two holders: $two"
nobody=$(awk -v a="$t0" -v b="$t1" '$1 > a && $1 < b && NF == 1' "$LAB_WORK/holders.txt" | wc -l)
t_compare "samples with no holder between the kill and MASTER" "$nobody" == 0
[[ $outage == - ]] && outage=0
t_note "crash + restart after 1 s: client outage $outage ms, $lost of $sent probes lost (1 ms probe)"
t_assert_le_ms "client outage" "${outage%.*}" "$bound"

echo "# SIGKILL, restart after the backup took over"
pids=$(lab_daemon_pids s1)
# shellcheck disable=SC2086
kill -KILL $pids
lab_daemon_wait_exit s1 5 || t_fail "s1 still there 5 s after SIGKILL"
t_check "s2 takes over within 6 s" t_wait_until 6 state_is s2 MASTER
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
t_check "s1 keeps the VIP found until it hears s2" t_wait_until 5 grep -q 'a master is heard: removing the VIPs' "$LAB_WORK/s1.log"
t_check "s1 started without resuming" grep -q 'start-up: keep-vips' "$LAB_WORK/s1.log"
t_check "s1 preempts (MASTER within 6 s)" t_wait_until 6 state_is s1 MASTER
t_check "VIP only on s1 at the end" t_wait_until 3 vip_on s1
t_check "client reaches the VIP" lab_client_reaches_vip 3
t_pass "crash resume: outage $outage ms after a SIGKILL and a restart 1 s later, s2 never took over"
