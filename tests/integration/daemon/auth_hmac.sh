#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed pair with auth_hmac in place of PASS (server-1's key inline, server-2's
# from a 0600 file), on the receive path RX (xdp | socket): server-1 MASTER,
# server-2 BACKUP verifying every advert; server-1's adverts are captured on the
# switch; server-1 stops and server-2 takes over; the captured adverts, replayed
# from client-1 (priority 100 against server-2's 50), move nothing and are counted
# as refused; a server-1 with another key moves nothing either and is counted as
# bad_hmac.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
rx=${1:-xdp}
[[ $rx == xdp || $rx == socket ]] || t_fail "receive path '$rx': expected xdp or socket"
FRAMES=$TEST_DIR/vrrp_frames.py
KEY1=hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
KEY_OTHER=hex:f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f

lab_init "xh$$"
lab_topology_up

# SRC with its authentication block replaced by an auth_hmac block keyed KEY.
hmac_conf() {
  awk -v key="$3" '
    /^authentication[ \t]*\{/ { skip = 1; next }
    skip && /^\}/ { skip = 0
      print "auth_hmac {"; print "key 1 " key; print "active_key 1"; print "}"; next }
    !skip { print }' "$1" >"$2" || t_fail "cannot write $2"
}
start() { LAB_XVRRPD_ARGS="--rx=$rx" lab_daemon_start "$1" xvrrpd "$LAB_WORK/$1.conf"; }
result() { t_status "$1" | jq -r --arg r "$2" '.instances[0].auth_hmac.results[$r] // "-"'; }
result_at_least() { [[ $(result "$1" "$2") -ge $3 ]]; }
state_is() { [[ $(t_state "$1") == "$2" ]]; }

(umask 077 && printf '%s\n' "$KEY1" >"$LAB_WORK/s2.key")
hmac_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf" "$KEY1"
hmac_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf" "file:$LAB_WORK/s2.key"
hmac_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1-other.conf" "$KEY_OTHER"
grep -q 'auth_hmac' "$LAB_WORK/s2.conf" || t_fail "no auth_hmac block written"

start s1
start s2
lab_wait_steady 15 || { t_dump_logs; t_fail "no steady state: server-1 MASTER, server-2 BACKUP"; }
t_compare "server-2 state" "$(t_state s2)" == BACKUP
t_compare "server-2 verifies: mode" "$(t_status s2 | jq -r '.instances[0].auth_hmac.mode')" == enforce
t_check_within 3 "server-2 accepted signed adverts" result_at_least s2 ok 2
t_compare "server-2 refused none so far" "$(result s2 bad_hmac)$(result s2 replay)" == 00

# Server-1's adverts as they cross the switch (before any XDP program).
t_check "captured 4 adverts of server-1" ip netns exec "$(lab_ns sw)" \
  python3 "$FRAMES" capture p-s1 "${LAB_IP[s1]}" 4 8 "$LAB_WORK/adverts.hex"
first=$(head -n 1 "$LAB_WORK/adverts.hex")
t_compare "captured adverts carry the 28-byte trailer (IP length 20 + 20 + 28)" \
  "$((16#${first:32:4}))" == 68

lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 10 || t_fail "server-1 did not stop"
t_check_within 5 "server-2 takes over" state_is s2 MASTER
n2=$(lab_transitions s2)
replays_before=$(result s2 replay)

sent=$(ip netns exec "$(lab_ns c1)" python3 "$FRAMES" replay eth0 "$LAB_WORK/adverts.hex" 5 50)
t_note "replayed $sent captured adverts of server-1 from client-1"
sleep 1.5
t_compare "server-2 still MASTER after the replay" "$(t_state s2)" == MASTER
t_compare "server-2: no transition from the replay" "$(lab_transitions s2)" == "$n2"
t_compare "server-2 counted every replayed advert as a replay" \
  "$(($(result s2 replay) - replays_before))" == "$sent"

# A server-1 whose key differs: refused, nothing moves.
cp "$LAB_WORK/s1-other.conf" "$LAB_WORK/s1.conf"
start s1
t_check_within 6 "server-2 refuses the other key's adverts" result_at_least s2 bad_hmac 2
t_compare "server-2 still MASTER" "$(t_state s2)" == MASTER
t_compare "server-2: no transition from the wrong key" "$(lab_transitions s2)" == "$n2"
t_compare "server-2 admitted nothing unsigned" "$(result s2 missing)$(result s2 unsigned)" == 00
if grep -qiF -e "${KEY1#hex:}" -e "${KEY_OTHER#hex:}" "$LAB_WORK/s1.log" "$LAB_WORK/s2.log"; then
  t_fail "a key appears in a daemon log"
fi
t_ok "no key in either log"
t_check "both daemons still running" eval 'lab_daemon_alive s1 && lab_daemon_alive s2'
