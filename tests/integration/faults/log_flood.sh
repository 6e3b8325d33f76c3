#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# The MASTER's stderr is a pipe (as journald's stream or a supervisor's pipe) whose reader
# stalls for STALL seconds, while a notify script floods that same stderr (4 MB: past the
# 1 MiB the daemon grows its pipe to) and the daemon has lines to log (a second instance,
# aux-101, cycles FAULT -> MASTER). The pipe fills; the daemon must not wait for it: the
# seed instance's adverts go on (the peer stays BACKUP, no transition), the control socket
# answers, the lines that found no room are dropped and counted (status
# log_lines_dropped), and once the reader is back the next line says how many were lost.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
stall=${1:-6}

lab_init "xfl$$"
sdir=$LAB_WORK/scripts
mkdir -p "$sdir"
cat >"$sdir/flood.sh" <<SH
#!/bin/sh
head -c 4000000 /dev/zero | tr '\\0' e >&2
echo flooded >>"$sdir/flood.count"
SH
chmod 755 "$sdir/flood.sh"
conf=$LAB_WORK/s1.conf
f_aux_conf "$conf" "notify_fault \"$sdir/flood.sh\""
lab_topology_up
ns1=$(lab_ns s1)
f_aux_link
pipe=$LAB_WORK/s1.stderr
mkfifo "$pipe"
cat "$pipe" >>"$LAB_WORK/s1.log" &
reader=$!
t_at_exit "kill -CONT $reader 2>/dev/null; kill $reader 2>/dev/null"
F_OUTPUT=$pipe f_start s1 "$conf"
lab_daemon_start s2 xvrrpd "$LAB_DATA_DIR/server-2.keepalived.conf"
lab_wait_steady 25 || t_fail "no steady state (s1 MASTER with the VIP, s2 BACKUP)"
aux_is() { [[ $(t_state s1 1) == "$1" ]]; }
t_check_within 3 "aux-101 is MASTER" aux_is MASTER
f_baseline 2

kill -STOP "$reader"
t_note "stderr's reader stopped for $stall s"
ip -n "$ns1" link set trk0 down
t_check_within 3 "aux-101 enters FAULT (its lines and its script's flood hit the stalled pipe)" \
  aux_is FAULT
dropping() { (($(r_status s1 | jq -r .log_lines_dropped) > 0)); }
ip -n "$ns1" link set trk0 up
t_check_within 3 "aux-101 is MASTER again while the pipe is full" aux_is MASTER
t_check_within 3 "log lines the full pipe had no room for are counted" dropping
sleep "$stall"
answered=0
if r_status s1 >/dev/null; then answered=1; fi
t_compare "the control socket answers after $stall s of a full stderr" "$answered" == 1
f_held "with stderr's reader stalled for $stall s"
kill -CONT "$reader"
t_note "stderr's reader resumed"
# The flood's run during the stall ended at its timeout; a second cycle finds room.
ip -n "$ns1" link set trk0 down
t_check_within 3 "aux-101 enters FAULT again" aux_is FAULT
ip -n "$ns1" link set trk0 up
t_check_within 3 "aux-101 is MASTER again" aux_is MASTER
floods_are() { [[ -f $sdir/flood.count ]]; }
t_check_within 10 "the flooding script runs to its end once the pipe drains" floods_are
dropped=$(r_status s1 | jq -r .log_lines_dropped)
t_note "log lines dropped: $dropped"
told() { grep -q 'log line(s) dropped' "$LAB_WORK/s1.log"; }
t_check_within 5 "the log says how many lines were lost" told
t_note "$(grep -o '[0-9]* log line(s) dropped.*' "$LAB_WORK/s1.log" | tail -1)"
f_held "after the stall"
f_no_leak "after the stall"
f_no_spin "after the stall" 2
f_stop_clean
t_pass "stderr stalled $stall s under a script's flood: adverts on time, $dropped log lines dropped and counted"
