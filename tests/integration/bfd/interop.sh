#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2317 # LAB_* settings are read by tools/lab/lib.sh; functions run through t_wait_until
# BFD interop, 10 ms x 3, in the lab's namespaces:
#   interop.sh keepalived   server-2 runs Debian's keepalived 2.2.7 (VRRP + BFD, ./data config:
#                           its bfd_instance; it warns on master_bfd and ignores it)
#   interop.sh frr          server-2 runs FRR's bfdd alone (`bfd / peer 192.0.2.5`)
# server-1 runs xvrrpd (./data/server-1). Checks, each direction:
#   1. xvrrpd first, the peer 1 s later: both sides Up within 1 s of the peer being ready
#      (keepalived: its start; bfdd: its control interface answers);
#   2. xvrrpd stops (SIGTERM): the peer's session goes Down because of our AdminDown;
#   3. xvrrpd starts again while the peer runs: both Up within 1 s;
#   4. (frr) the peer goes AdminDown (`shutdown`): xvrrpd sees remote AdminDown, goes Down
#      with diag "Neighbor Signaled Session Down", and Up again after `no shutdown`.
source "$(dirname "$0")/../daemon/common.sh"
t_need_xvrrpd
peer=${1:?usage: interop.sh keepalived|frr}
data=$(cd "$(dirname "$0")" && pwd)/data
case $peer in
  keepalived) t_need_keepalived ;;
  frr) [[ -x /usr/lib/frr/bfdd ]] || t_skip "FRR's bfdd not installed (Debian package frr)" ;;
  *) t_fail "bad peer '$peer'" ;;
esac

lab_init "xf$$"
lab_topology_up
s1=$(lab_ns s1)
s2=$(lab_ns s2)
cp "$data/server-1.keepalived.conf" "$LAB_WORK/server-1.conf"
cp "$data/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
peer_pid=

peer_start() {
  case $peer in
    keepalived)
      # BFD runs in keepalived's own child process: no --vrrp (which would leave it out).
      ip netns exec "$s2" keepalived -n -l -D -f "$LAB_WORK/server-2.conf" \
        -p "$LAB_WORK/ka.pid" -r "$LAB_WORK/ka-vrrp.pid" -c "$LAB_WORK/ka-check.pid" \
        -b "$LAB_WORK/ka-bfd.pid" > >(lab_timestamp >>"$LAB_WORK/s2.log") 2>&1 &
      ;;
    frr)
      # bfdd drops to user frr: it must reach its directory under the private work dir.
      chmod o+x "$LAB_WORK"
      mkdir -p "$LAB_WORK/frr"
      chown frr:frr "$LAB_WORK/frr"
      printf 'bfd\n peer 192.0.2.5\n  receive-interval 10\n  transmit-interval 10\n  detect-multiplier 3\n !\n!\n' \
        >"$LAB_WORK/frr/bfdd.conf"
      ip netns exec "$s2" /usr/lib/frr/bfdd -N "xf$$" -f "$LAB_WORK/frr/bfdd.conf" \
        -i "$LAB_WORK/frr/bfdd.pid" --vty_socket "$LAB_WORK/frr" \
        --bfdctl "$LAB_WORK/frr/bfdd.sock" --log "file:$LAB_WORK/frr/bfdd.log" \
        --log-level info >>"$LAB_WORK/s2.log" 2>&1 &
      ;;
  esac
  peer_pid=$!
  disown "$peer_pid"
}

peer_stop() {
  case $peer in
    keepalived) [[ -s $LAB_WORK/ka.pid ]] && kill -TERM "$(cat "$LAB_WORK/ka.pid")" ;;
    frr) kill -TERM "$peer_pid" ;;
  esac
  sleep 0.5
}
t_at_exit peer_stop

vty() { ip netns exec "$s2" vtysh --vty_socket "$LAB_WORK/frr" "$@" 2>/dev/null; }

# The peer's view of its session: up | down | ? .
peer_state() {
  case $peer in
    keepalived)
      # keepalived logs "(peer) Entering Up state" / "(peer) Entering Down state (...)".
      local line
      line=$(grep -E '\(peer\) Entering (Up|Down|AdminDown|Init) state' "$LAB_WORK/s2.log" | tail -n 1)
      case $line in *"Entering Up"*) echo up ;; *"Entering Down"*) echo down ;; *) echo '?' ;; esac
      ;;
    frr)
      vty -c 'show bfd peers json' | jq -r '.[0].status // "?"'
      ;;
  esac
}

ours() { t_status s1 | jq -r ".bfd_sessions[0].$1 // \"-\""; }
ours_up() { [[ $(ours state) == Up ]]; }
peer_up() { [[ $(peer_state) == up ]]; }
peer_down() { [[ $(peer_state) == down ]]; }
both_up() { ours_up && peer_up; }
ours_down() { [[ $(ours state) == Down ]]; }

# Milliseconds from epoch T0 until both sides are Up (polled every 50 ms), or "-".
time_to_up() {
  local t0=$1
  if t_wait_until 5 both_up; then
    awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN{printf "%.0f", (a - b) * 1000}'
  else
    echo -
  fi
}

# The peer is up once it answers on its control interface (bfdd) or at once (keepalived).
peer_ready() { [[ $peer != frr ]] || [[ -n $(vty -c 'show bfd peers json') ]]; }

lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
sleep 1
peer_start
t_wait_until 5 peer_ready || t_fail "$peer did not start"
t0=$EPOCHREALTIME
up_ms=$(time_to_up "$t0")
# While Down both sides send once per idle_tx (1 s, RFC 5880 6.8.3), and a peer that starts
# may answer our next Down rather than send at once: up to 1 s plus the start and the answer.
t_compare "$peer started after xvrrpd: both Up after $up_ms ms" "$up_ms" -le 1500

lab_daemon_signal s1 TERM
t_check_within 2 "xvrrpd's stop (AdminDown) takes $peer's session Down" peer_down
lab_daemon_wait_exit s1 10 || lab_daemon_signal s1 KILL
if [[ $peer == frr ]]; then
  diag=$(vty -c 'show bfd peers json' | jq -r '.[0]."remote-diagnostic" // "?"')
  t_compare "$peer saw our diagnostic" "$diag" == "administratively down"
else
  t_check "keepalived logged the neighbor's signal" \
    grep -q 'Entering Down state (Local diagnostic - Neighbor Signaled Session Down' "$LAB_WORK/s2.log"
fi

t0=$EPOCHREALTIME
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
up_ms=$(time_to_up "$t0")
t_compare "xvrrpd started after $peer: both Up after $up_ms ms" "$up_ms" -le 1500
t_compare "negotiated tx interval" "$(ours tx_interval_us)" == 10000
t_compare "detection time (3 x 10 ms)" "$(ours detection_time_ms)" -le 30

if [[ $peer == frr ]]; then
  vty -c 'conf t' -c 'bfd' -c 'peer 192.0.2.5' -c 'shutdown' >/dev/null
  t_check_within 2 "the peer's AdminDown takes xvrrpd's session Down" ours_down
  t_compare "xvrrpd's diagnostic" "$(ours local_diag)" == "Neighbor Signaled Session Down"
  t0=$EPOCHREALTIME
  vty -c 'conf t' -c 'bfd' -c 'peer 192.0.2.5' -c 'no shutdown' >/dev/null
  up_ms=$(time_to_up "$t0")
  t_compare "after the peer's no shutdown: both Up after $up_ms ms" "$up_ms" -le 1000
else
  peer_stop
  t_check_within 2 "keepalived's stop takes xvrrpd's session Down" \
    ours_down
  t_note "after keepalived's stop: remote state $(ours remote_state), diag $(ours local_diag)"
fi
t_compare "xvrrpd dropped nothing" "$(ours drops)" == 0
[[ $T_FAILED -eq 0 ]] || t_fail "$T_FAILED check(s) failed"
t_pass "BFD interop with $peer"
