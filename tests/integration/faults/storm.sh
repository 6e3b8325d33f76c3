#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# An rtnetlink storm: 10 000 address additions and removals on the MASTER's eth0 and
# dummy0 in one burst (ip -batch), with the VIP itself deleted in the middle of it. The
# daemon is held (SIGSTOP, as a loaded host would delay it) for the burst, about 0.3 s,
# so its event socket overflows for sure (ENOBUFS); the resync that follows must find the
# VIP gone and put it back. Throughout: no transition on either side, the backup keeps
# hearing adverts, no fd leak, no spinning, and a clean stop afterwards.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
ops=${1:-10000}

lab_init "xfs$$"
f_pair_up "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_DATA_DIR/server-2.keepalived.conf"

batch=$LAB_WORK/storm.batch
# Secondary /24 addresses on eth0 (the primary 192.0.2.5 stays) and /32s on dummy0,
# each added and removed again; the VIP goes halfway through.
awk -v n="$ops" -v vip="$LAB_VIP" 'BEGIN {
  for (i = 0; i < n / 4; i++) {
    e = "192.0.2." (150 + i % 100) "/24"; d = "203.0.113." (1 + i % 250) "/32"
    printf "address add %s dev eth0\naddress add %s dev dummy0\n", e, d
    printf "address del %s dev eth0\naddress del %s dev dummy0\n", e, d
    if (i == int(n / 8)) printf "address del %s/24 dev dummy0\n", vip
  }
}' >"$batch"
t_note "storm: $(wc -l <"$batch") address changes in one ip -batch"
t0=$EPOCHREALTIME
a=$(f_ticks)
kill -STOP "$(f_pid)"
ip -n "$(lab_ns s1)" -batch "$batch" || { kill -CONT "$(f_pid)"; t_fail "ip -batch failed"; }
kill -CONT "$(f_pid)"
t1=$EPOCHREALTIME
t_note "storm (s1 stopped) took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}') s"
vip_back() { [[ $(f_vip_count) == 1 ]]; }
t_check_within 5 "the VIP deleted inside the storm is back on s1" vip_back
sleep 1
t_note "s1 used $(($(f_ticks) - a)) CPU ticks for the storm and its resync"
overruns=$(grep -c 'event buffer overrun (ENOBUFS)' "$LAB_WORK/s1.log")
t_note "netlink overruns logged by s1: $overruns"
t_compare "the storm overran s1's netlink socket (ENOBUFS, then a resync)" "$overruns" -ge 1
vips=$(r_field s1 'i["vips_present"]')
t_compare "s1 reports its VIP present" "$vips" == True
f_held "after the storm"
f_no_leak "after the storm"
f_no_spin "after the storm" 2
f_stop_clean
t_pass "rtnetlink storm of $ops changes: VIP restored, no transition, no leak"
