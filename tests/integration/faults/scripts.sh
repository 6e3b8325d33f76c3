#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# Notify scripts that misbehave: notify_master forks a child that never exits (and keeps
# the script's stdout and stderr open), notify_fault floods stdout and stderr (1 MB each).
# They belong to a second instance on the MASTER (aux-101, priority 255, tracking a
# veth trk0) that is cycled FAULT <-> MASTER N times by taking trk0 down and up; the
# seed instance next to it must not notice: its adverts go on, no transition, no fd
# leak, no zombie, no spinning, and each script ran once per cycle.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
cycles=${1:-5}

lab_init "xfn$$"
sdir=$LAB_WORK/scripts
mkdir -p "$sdir"
cat >"$sdir/fork.sh" <<SH
#!/bin/sh
sleep 600 &
echo \$! >>"$sdir/children"
echo forked >>"$sdir/fork.count"
SH
cat >"$sdir/flood.sh" <<SH
#!/bin/sh
head -c 1000000 /dev/zero | tr '\\0' o
head -c 1000000 /dev/zero | tr '\\0' e >&2
echo flooded >>"$sdir/flood.count"
SH
chmod 755 "$sdir"/*.sh
conf=$LAB_WORK/s1.conf
f_aux_conf "$conf" "notify_master \"$sdir/fork.sh\"" "notify_fault \"$sdir/flood.sh\""
lab_topology_up
ns1=$(lab_ns s1)
f_aux_link
f_start s1 "$conf"
lab_daemon_start s2 xvrrpd "$LAB_DATA_DIR/server-2.keepalived.conf"
lab_wait_steady 25 || t_fail "no steady state (s1 MASTER with the VIP, s2 BACKUP)"
aux_is() { [[ $(t_state s1 1) == "$1" ]]; }
t_check_within 3 "aux-101 is MASTER" aux_is MASTER
lines() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }
forks_are() { [[ $(lines "$sdir/fork.count") == "$1" ]]; }
t_check_within 3 "notify_master ran at start-up" forks_are 1
sleep 1 # the fds a first script run opens for good (the launcher's) are in the baseline
f_baseline 2

t0=$EPOCHREALTIME
for ((n = 1; n <= cycles; n++)); do
  ip -n "$ns1" link set trk0 down
  t_wait_until 3 aux_is FAULT || t_fail "cycle $n: aux-101 not FAULT with trk0 down"
  ip -n "$ns1" link set trk0 up
  t_wait_until 3 aux_is MASTER || t_fail "cycle $n: aux-101 not MASTER with trk0 up"
done
t_note "$cycles FAULT/MASTER cycles in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b - a}') s"
floods_are() { [[ $(lines "$sdir/flood.count") == "$1" ]]; }
t_check_within 10 "notify_fault (the flood) ran to its end $cycles times" floods_are "$cycles"
t_check_within 3 "notify_master (the fork) ran $((cycles + 1)) times" forks_are $((cycles + 1))
alive=0
while read -r c; do kill -0 "$c" 2>/dev/null && alive=$((alive + 1)); done <"$sdir/children"
t_compare "the forked children still run (nobody waits for them)" "$alive" == $((cycles + 1))
zombies=$(ps -eo stat= | awk '/^Z/ {n++} END {print n + 0}')
t_compare "no zombie process" "$zombies" == 0
f_held "after the script cycles"
f_no_leak "after the script cycles"
f_no_spin "after the script cycles" 2
f_stop_clean
while read -r c; do kill "$c" 2>/dev/null; done <"$sdir/children"
t_pass "$cycles cycles of a forking and a flooding notify script: seed instance untouched, no leak"
