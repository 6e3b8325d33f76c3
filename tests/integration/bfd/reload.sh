#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# bfd_instance blocks change on a reload, xvrrpd on both servers of the seed pair:
# - server-1 runs `bfd_instance peer` (10 ms x 3) from the start; server-2 none, so the
#   session stays Down. A reload of server-2 that adds the block brings both sides Up.
# - A reload of server-1 with new timers (20 ms) keeps the session Up (a Poll Sequence,
#   no Down) and applies the intervals; a reload that adds `track_bfd { peer }` to its
#   instance keeps it MASTER.
# - A reload of server-2 without the block: its session goes AdminDown and is deleted;
#   server-1 sees "Neighbor Signaled Session Down".
# Throughout, no VRRP transition on either server.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../faults/common.sh
source "$here/../faults/common.sh"

lab_init "xbr$$"
conf1=$LAB_WORK/s1.conf
conf2=$LAB_WORK/s2.conf
bfd() {  # NEIGHBOR MS
  printf '%s\n' 'bfd_instance peer {' "neighbor_ip $1" "min_rx $2" "min_tx $2" 'multiplier 3' '}'
}
{ bfd 192.0.2.6 10; cat "$LAB_DATA_DIR/server-1.keepalived.conf"; } >"$conf1"
cp "$LAB_DATA_DIR/server-2.keepalived.conf" "$conf2"
f_pair_up "$conf1" "$conf2"
session() {  # HOST FIELD
  t_status "$1" | jq -r --arg f "$2" '(.bfd_sessions[] | select(.name == "peer") | .[$f]) // "-"'
}
up_both() { [[ $(session s1 state) == Up && $(session s2 state) == Up ]]; }
reload() {  # HOST
  local r0
  r0=$(t_status "$1" | jq .reloads)
  if [[ $1 == s1 ]]; then kill -HUP "$(f_pid)"; else lab_daemon_signal s2 HUP; fi
  reloaded() { (($(t_status "$1" | jq .reloads) > r0)); }
  t_check_within 5 "$1 reloaded" reloaded "$1"
  t_compare "$1's reload failures" "$(t_status "$1" | jq .reload_failures)" == 0
}
t_compare "server-1's session Down while server-2 runs no BFD" "$(session s1 state)" == Down

{ bfd 192.0.2.5 10; cat "$LAB_DATA_DIR/server-2.keepalived.conf"; } >"$conf2"
reload s2
t_check_within 2 "server-2's reload added the session: both Up" up_both
t_check "server-2 logged the new session" grep -q '(bfd peer) added by the reload' "$LAB_WORK/s2.log"

downs() { grep -c '(bfd peer) Up -> Down' "$LAB_WORK/s1.log"; }
d0=$(downs)
{ bfd 192.0.2.6 20; cat "$LAB_DATA_DIR/server-1.keepalived.conf"; } >"$conf1"
reload s1
tx20() { [[ $(session s1 tx_interval_us) == 20000 ]]; }
t_check_within 2 "server-1's new timers apply: tx interval 20 ms" tx20
t_compare "server-1's session still Up" "$(session s1 state)" == Up
t_compare "server-1's session never went Down" "$(downs)" == "$d0"
# The XDP program folds the neighbor's repeats: the session stays Up on replays of the
# record while most packets never reach the socket.
if [[ $(t_status s1 | jq -r .rx) == xdp ]]; then
  t_compare "server-1's session folded in XDP" "$(session s1 folded_in_xdp)" == true
  sleep 1
  folded=$(session s1 packets_folded) received=$(session s1 packets_received)
  t_check "server-1 folded repeats ($folded folded, $received received)" \
    test "$folded" -gt "$received"
  t_check "server-1 replayed folded records" test "$(session s1 replays)" -gt 0
  t_compare "server-1's session still Up on folded packets" "$(session s1 state)" == Up
fi

{
  bfd 192.0.2.6 20
  sed 's/^advert_int 1$/advert_int 1\ntrack_bfd {\npeer\n}/' "$LAB_DATA_DIR/server-1.keepalived.conf"
} >"$conf1"
grep -q '^track_bfd {$' "$conf1" || t_fail "could not add track_bfd"
reload s1
sleep 0.5
t_compare "server-1 tracking its Up session stays MASTER" "$(t_state s1)" == MASTER
f_held "after server-1's reloads"

cp "$LAB_DATA_DIR/server-2.keepalived.conf" "$conf2"
reload s2
s2_gone() { [[ $(session s2 state) == - ]]; }
t_check_within 2 "server-2's session deleted" s2_gone
signaled() { [[ $(session s1 state) == Down && $(session s1 local_diag) == "Neighbor Signaled Session Down" ]]; }
t_check_within 2 "server-1 sees the neighbour signal Down" signaled
f_stop_clean
t_pass "bfd_instance added, retimed and removed by reloads, without a transition"
