#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_wait_until
# The neighbour fence (include/xvrrp/abi.h, "Neighbour fence"): server-1's daemon (MASTER)
# is SIGKILLed and not restarted. Its XDP program stays attached and its VIP stays on
# dummy0, so its kernel would keep answering ARP for the VIP beside server-2 once server-2
# has taken over, and client-1's ARP would flip between the two. Checked with client-1's
# xvrrp-probe asking for the VIP's MAC every 10 ms:
#   1. after the kill the client sees exactly one MAC change, to server-2, and the dead
#      daemon's program counts the requests it withheld;
#   2. server-2 stops too (no peer left): server-1's kernel answers for the VIP again;
#   3. a new daemon on server-1 reports what the dead one's program withheld, and takes over.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"
t_require_tools bpftool

lab_init "xzf$$"
# VRRPv3 at 0.1 s: server-2 takes over ~0.4 s after the kill.
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf"
F_ADVERT_AGE_MS=500
f_pair_up "$LAB_WORK/s1.conf" "$LAB_WORK/s2.conf"
state_is() { [[ $(t_state "$1") == "$2" ]]; }
probe_json=$LAB_WORK/probe.json
# The probe's MAC changes (ARP answers for the VIP, echo replies) after epoch $1, as
# "ms-after-it from -> to".
changes_after() {
  jq -r --argjson t "$(awk -v t="$1" 'BEGIN{printf "%.0f", t * 1000}')" \
    '.mac_changes[] | select(.unix_ms > $t) | "\(.unix_ms - $t) \(.from) \(.to)"' "$probe_json"
}
withheld() {
  bpftool -j map dump pinned "$F_PIN_DIR/xvrrp_vips" 2>/dev/null |
    jq '[.[] | (.formatted.value.fenced // .value.fenced // 0)] | add // 0'
}

echo "# 1. SIGKILL of the master's daemon, no restart"
LAB_PROBE_ARP=1 LAB_INTERVAL_MS=5 lab_probe_start xvrrp-probe
sleep 1
t0=$EPOCHREALTIME
kill -KILL "$(f_pid)"
lab_daemon_wait_exit s1 5 || t_fail "s1 still there 5 s after SIGKILL"
t_check "s2 takes over within 3 s" t_wait_until 3 state_is s2 MASTER
sleep 3
lab_probe_stop
t_compare "copies of the VIP on s1 (left by the killed daemon)" "$(f_vip_count)" == 1
t_compare "XDP programs on s1's eth0 (left by the killed daemon)" "$(f_progs)" == 1
changes_after "$t0" >"$LAB_WORK/changes.txt"
t_note "$(wc -l <"$LAB_WORK/changes.txt") MAC changes after the kill (ms after it, from, to): $(paste -sd, "$LAB_WORK/changes.txt")"
to_s2=$(awk -v m="${LAB_MAC[s2]}" '$3 == m {print $1; exit}' "$LAB_WORK/changes.txt")
t_compare "MAC changes to s2 after the kill" "$(awk -v m="${LAB_MAC[s2]}" '$3 == m' "$LAB_WORK/changes.txt" | wc -l)" -ge 1
# Two hosts may answer for at most one advert interval (100 ms) while clients move.
late=$(awk -v m="${LAB_MAC[s1]}" -v t="${to_s2:-0}" '$3 == m && $1 > t + 100' "$LAB_WORK/changes.txt" | wc -l)
t_compare "answers from s1 later than 100 ms after s2's first" "$late" == 0
t_compare "the MAC answering for the VIP at the end" "$(jq -r '.mac_changes[-1].to' "$probe_json")" == "${LAB_MAC[s2]}"
t_compare "the client's neighbour entry for the VIP" "$(lab_client_vip_mac)" == "${LAB_MAC[s2]}"
fenced=$(withheld)
t_note "the dead daemon's program withheld $fenced ARP answers"
t_compare "ARP answers the dead daemon's program withheld" "$fenced" -gt 0

echo "# 2. server-2 stops too: server-1's kernel is the only holder left"
lab_daemon_signal s2 TERM
t_check "s2 exits within 8 s" lab_daemon_wait_exit s2 8
ip -n "$(lab_ns c1)" neigh flush dev eth0
t_check "client-1 reaches the VIP" lab_client_reaches_vip 3
t_compare "the client's neighbour entry for the VIP" "$(lab_client_vip_mac)" == "${LAB_MAC[s1]}"

echo "# 3. a new daemon on server-1"
fenced=$(withheld)
f_start s1 "$LAB_WORK/s1.conf"
t_check "the new daemon is MASTER within 3 s" t_wait_until 3 state_is s1 MASTER
t_check "it reports what the dead daemon's program withheld" \
  grep -q "withheld $fenced ARP/neighbour answers" "$LAB_WORK/s1.log"
t_compare "XDP programs on s1's eth0" "$(f_progs)" == 1
t_compare "copies of the VIP on s1" "$(f_vip_count)" == 1
t_compare "ARP answers withheld by the new daemon's program" "$(withheld)" == 0
f_stop_clean
t_pass "a killed master's VIP is answered for by one host at a time"
