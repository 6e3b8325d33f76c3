#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# vrrp_track_process on the seed pair: server-1 (priority 100, MASTER) tracks a service
# process by name; the service dies and the VIP moves to server-2 at once (the exit is seen
# through a pidfd); it starts again and server-1 takes the VIP back (a new process is found
# by the /proc scan: namespaces other than the initial one have no proc connector).
#
#   track_process.sh WEIGHT [group]
#     WEIGHT 0 = no weight (FAULT without quorum); e.g. -60 = priority 100 -> 40, below
#     server-2's 50. `group`: the track_process line is on a vrrp_sync_group holding the
#     instance, which applies it to its members (keepalived's sync_group_tracking_init).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
t_need_xvrrpd

weight=${1:-0}
where=${2:-instance}
lab_init "xtp$$"
# The service is a copy of sleep under a name of its own (/proc/PID/comm is the file name),
# so that no other process on the host matches it.
svc=xtp$$
cp "$(command -v sleep)" "$LAB_WORK/$svc"
svc_pid=
start_svc() {
  "$LAB_WORK/$svc" 600 &
  svc_pid=$!
  disown "$svc_pid"
}
stop_svc() { [[ -n $svc_pid ]] && kill "$svc_pid" 2>/dev/null; svc_pid=; }
t_at_exit stop_svc
t_on_failure() { t_dump_logs; }
lab_topology_up

for n in 1 2; do lab_make_conf "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/s$n.conf"; done
{
  printf 'vrrp_track_process svc {\n  process %s\n' "$svc"
  [[ $weight != 0 ]] && printf '  weight %s\n' "$weight"
  printf '}\n'
  if [[ $where == group ]]; then
    cat "$LAB_WORK/s1.conf"
    printf 'vrrp_sync_group G {\n  group {\n    service-100\n  }\n  track_process {\n    svc\n  }\n}\n'
  else
    sed 's/^advert_int 1$/advert_int 1\ntrack_process {\n  svc\n}/' "$LAB_WORK/s1.conf"
  fi
} >"$LAB_WORK/s1.track.conf"
grep -Eq "^ *track_process \{$" "$LAB_WORK/s1.track.conf" || t_fail "s1's config has no track_process"

holds() { [[ $(lab_vip_holders) == "$1" ]]; }
state_is() { [[ $(t_state "$1") == "$2" ]]; }
tracker() { t_status s1 | jq -r --arg f "$1" '.instances[0].trackers[] | select(.kind == "process") | .[$f]'; }
now() { printf '%s' "$EPOCHREALTIME"; }
ms_since() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%d", (b - a) * 1000}'; }

start_svc
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.track.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
t_check_within 15 "server-1 MASTER with its service running" holds s1
t_compare "status: the process tracker is UP" "$(tracker state)" == UP
t_compare "status: one process running" "$(tracker running)" == 1
t_check "server-1 logged how it tracks processes" grep -q 'Tracking processes by a /proc scan' "$LAB_WORK/s1.log"

t0=$(now)
stop_svc
t_check_within 10 "the VIP moves to server-2 when the service dies" holds s2
moved=$(ms_since "$t0" "$(now)")
t_note "kill -> VIP on server-2: ${moved} ms"
if [[ $weight == 0 ]]; then
  t_compare "server-1 in FAULT" "$(t_state s1)" == FAULT
else
  t_compare "server-1 BACKUP at its lowered priority" "$(t_state s1)" == BACKUP
  t_compare "status: the tracker's share of the priority" "$(tracker delta)" == "$weight"
fi
t_compare "status: the tracker is DOWN" "$(tracker state)" == DOWN
t_check "server-1 logged the lost quorum" grep -q 'Quorum lost for tracked process svc (0 running)' "$LAB_WORK/s1.log"

start_svc
t_check_within 10 "server-1 takes the VIP back once the service runs again" holds s1
t_check_within 5 "server-2 BACKUP" state_is s2 BACKUP
t_compare "status: the tracker is UP again" "$(tracker state)" == UP
t_pass "track_process on the $where moves the VIP with the service (weight $weight)"
