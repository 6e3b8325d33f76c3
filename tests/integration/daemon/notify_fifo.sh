#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2317 # LAB_* settings are read by tools/lab/lib.sh; functions run through t_check
# keepalived's notify FIFOs on the seed pair (VRRPv3 at 0.1 s). server-1 has a
# vrrp_notify_fifo read by its vrrp_notify_fifo_script (started by xvrrpd with the FIFO as
# last argument); server-2 a notify_fifo read by a reader this test starts, a one-member
# sync group tracking a file (weight 10), vrrp_notify_priority_changes and
# fifo_write_vrrp_states_on_reload. Checked: the lines of the election, of two priority
# changes, of a reload, of the failover when server-1 stops (its STOP line, its FIFO
# removed, its script ended) and of server-2's shutdown (STOP lines, the reader sees end of
# file). About 3 s.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
lab_init "xf$$"
LAB_VERSION=3 LAB_ADVERT_INT=0.1
lab_topology_up

W=$LAB_WORK
cat >"$W/reader.sh" <<'EOF'
#!/bin/sh
# reader.sh OUT FIFO: what xvrrpd writes to FIFO, appended to OUT, until end of file.
echo $$ >"$1.pid"
exec cat "$2" >>"$1"
EOF
chmod 755 "$W/reader.sh"
: >"$W/s1.lines"
: >"$W/s2.lines"

add_globals() { # SRC DST LINES
  lab_make_conf "$1" "$2.tmp"
  awk -v add="$3" '{ print } /^global_defs \{/ { print add }' "$2.tmp" >"$2"
}
add_globals "$LAB_DATA_DIR/server-1.keepalived.conf" "$W/s1.conf" \
  "vrrp_notify_fifo $W/s1.fifo
vrrp_notify_fifo_script \"$W/reader.sh $W/s1.lines\""
add_globals "$LAB_DATA_DIR/server-2.keepalived.conf" "$W/s2.conf" \
  "notify_fifo $W/s2.fifo
fifo_write_vrrp_states_on_reload
vrrp_notify_priority_changes"
printf 'track_file tf {\nfile %s\nweight 10\n}\n' "$W/s2.track" >>"$W/s2.conf"
printf 'vrrp_sync_group G1 {\ngroup {\nservice-100\n}\ntrack_file {\ntf\n}\n}\n' >>"$W/s2.conf"

lines() { cat "$W/$1.lines"; }
last_line() { tail -n 1 "$W/$1.lines"; }
has_line() { grep -qxF -- "$2" "$W/$1.lines"; }
count() { wc -l <"$W/$1.lines"; }
master_is() { [[ $(t_state "$1") == MASTER ]]; }
backup_is() { [[ $(t_state "$1") == BACKUP ]]; }
well_formed() { ! grep -qvE '^(INSTANCE|GROUP) "[^"]+" (MASTER|BACKUP|FAULT|STOP|MASTER_RX_LOWER_PRI|MASTER_PRIORITY|BACKUP_PRIORITY) [0-9]+$' "$W/$1.lines"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
at_least() { [[ $(count "$1") -ge $2 ]]; }
absent() { [[ ! -e $1 ]]; }
no_drops() { ! grep -q 'line(s) dropped' "$W/$1.log"; }

lab_daemon_start s1 xvrrpd "$W/s1.conf"
t_check_within 5 "server-1 created its FIFO" test -p "$W/s1.fifo"
t_check_within 5 "server-1 started its vrrp_notify_fifo_script" test -s "$W/s1.lines.pid"
t_check_within 10 "server-1 MASTER" master_is s1
t_check_within 2 "server-1's script read MASTER 100" has_line s1 'INSTANCE "service-100" MASTER 100'

lab_daemon_start s2 xvrrpd "$W/s2.conf"
t_check_within 5 "server-2 created its FIFO" test -p "$W/s2.fifo"
cat "$W/s2.fifo" >>"$W/s2.lines" &
reader=$!
LAB_BG_PIDS+=("$reader")
t_check_within 10 "server-2 BACKUP" backup_is s2
t_check_within 2 "server-2: instance BACKUP 50" has_line s2 'INSTANCE "service-100" BACKUP 50'
t_check_within 2 "server-2: group BACKUP 0" has_line s2 'GROUP "G1" BACKUP 0'
t_note "server-1 after the election: $(lines s1 | tr '\n' '|')"
t_note "server-2 after the election: $(lines s2 | tr '\n' '|')"

# vrrp_notify_priority_changes: the tracked file moves server-2's priority and back.
echo 1 >"$W/s2.track"
t_check_within 3 "server-2: BACKUP_PRIORITY 60" has_line s2 'INSTANCE "service-100" BACKUP_PRIORITY 60'
echo 0 >"$W/s2.track"
t_check_within 3 "server-2: BACKUP_PRIORITY 50" has_line s2 'INSTANCE "service-100" BACKUP_PRIORITY 50'

# fifo_write_vrrp_states_on_reload: the unchanged states are written again.
n=$(count s2)
lab_daemon_signal s2 HUP
t_check_within 3 "server-2's reload wrote both states" at_least s2 $((n + 2))
t_compare "server-2's reload lines" "$(tail -n 2 "$W/s2.lines" | tr '\n' '|')" == \
  'INSTANCE "service-100" BACKUP 50|GROUP "G1" BACKUP 0|'

dropped() { t_status "$1" | jq -r '.notify_fifo_dropped'; }
t_compare "server-1's status: notify_fifo lines dropped" "$(dropped s1)" == 0

# Failover: server-1 stops.
script_pid=$(cat "$W/s1.lines.pid")
lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 5
t_compare "server-1's last line" "$(last_line s1)" == 'INSTANCE "service-100" STOP 100'
t_check "server-1 removed the FIFO it created" absent "$W/s1.fifo"
t_check_within 3 "server-1's script ended" gone "$script_pid"
t_check_within 5 "server-2 MASTER" master_is s2
t_check_within 2 "server-2: instance MASTER 50" has_line s2 'INSTANCE "service-100" MASTER 50'
t_check_within 2 "server-2: group MASTER 0" has_line s2 'GROUP "G1" MASTER 0'

# Shutdown of server-2: the instance's STOP line, then the group's, then end of file.
lab_daemon_signal s2 TERM
t_check "server-2 exits on SIGTERM" lab_daemon_wait_exit s2 5
t_check_within 2 "server-2's reader saw end of file" gone "$reader"
t_compare "server-2's last lines" "$(tail -n 2 "$W/s2.lines" | tr '\n' '|')" == \
  'INSTANCE "service-100" STOP 50|GROUP "G1" STOP 0|'
t_check "server-1's lines are keepalived's format" well_formed s1
t_check "server-2's lines are keepalived's format" well_formed s2
t_check "server-1 logged no dropped line" no_drops s1
t_note "server-1: $(lines s1 | tr '\n' '|')"
t_note "server-2: $(lines s2 | tr '\n' '|')"
[[ $T_FAILED -eq 0 ]] || t_fail "$T_FAILED check(s) failed"
t_pass "notify FIFOs: election, priority, reload, failover and shutdown lines"
