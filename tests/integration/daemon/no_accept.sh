#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# vrrp_strict and no_accept on the wire, beside Debian's keepalived:
#   no_accept.sh xvrrpd|keepalived      (what runs on server-2)
# Both servers run the seed's configs made strict: multicast (no unicast_peer), no
# authentication, `vrrp_strict` in global_defs, so no_accept is the default below
# priority 255 (keepalived.conf(5)).
# - server-1 (xvrrpd) MASTER: client-1 resolves the VIP to server-1's MAC (ARP still
#   answered) but gets no reply to a ping of it; server-1's own address answers. The
#   VIP is in xvrrpd's nftables set (ip xvrrpd_server-1 vips).
# - server-1 stopped: server-2 takes over and, xvrrpd or keepalived, drops packets to
#   the VIP the same way; server-1 left no table behind.
# - server-1 restarted with `strict_mode off` (accept mode): it preempts, and the VIP
#   answers client-1's ping; server-2 (xvrrpd) has emptied its set.
# - server-1 SIGKILLed holding the VIP, then restarted strict: the tables its killed
#   predecessor left are replaced, not doubled, and hold the VIP again. Reloads switch
#   it to accept mode and back while MASTER, without a transition.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
peer=${1:-xvrrpd}
[[ $peer == keepalived ]] && t_need_keepalived
t_require_tools nft jq

lab_init "xna$$"
lab_topology_up
strict() {  # SRC DST [INSTANCE-LINE...]: the seed's config made strict
  local src=$1 dst=$2
  shift 2
  sed -e '/^unicast_peer {$/,/^}$/d' -e '/^authentication {$/,/^}$/d' \
    -e 's/^router_id \(.*\)$/router_id \1\nvrrp_strict/' "$src" >"$dst"
  local line
  for line in "$@"; do sed -i "/^vrrp_instance /a $line" "$dst"; done
  grep -q 'unicast_peer\|auth_pass' "$dst" && t_fail "could not make $src strict"
  return 0
}
strict "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
strict "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf"
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
lab_daemon_start s2 "$peer" "$LAB_WORK/s2.conf"
c1=$(lab_ns c1)
ns1=$(lab_ns s1)
ns2=$(lab_ns s2)
steady() { [[ $(lab_state s1) == MASTER && $(lab_state s2) == BACKUP && $(lab_vip_holders) == s1 ]]; }
s2_holds() { [[ $(lab_state s2) == MASTER && $(lab_vip_holders) == s2 ]]; }
pings() { ip netns exec "$c1" ping -n -q -c 1 -W 1 "$1" >/dev/null 2>&1; }
vip_mac() {
  ip -n "$c1" neigh flush to "$LAB_VIP" dev eth0 2>/dev/null
  pings "$LAB_VIP"
  lab_client_vip_mac
}
in_set() {  # NS TABLE: is the VIP in the table's set
  ip netns exec "$1" nft -j list set ip "$2" vips 2>/dev/null |
    jq -e --arg v "$LAB_VIP" '[.nftables[].set? | select(.) | .elem[]?] | index($v) != null' >/dev/null
}
tables() { ip netns exec "$1" nft -j list tables 2>/dev/null | jq -r '[.nftables[].table? | select(.) | "\(.family) \(.name)"] | join(",")'; }

t_check_within 15 "server-1 MASTER, server-2 ($peer) BACKUP, the VIP on server-1" steady
t_check "server-1 warns that strict mode resets state MASTER below priority 255" \
  grep -q 'state MASTER with priority 100 (MASTER if and only if priority 255).*reset' "$LAB_WORK/s1.log"
t_compare "client-1 resolves the VIP to server-1's MAC" "$(vip_mac)" == "${LAB_MAC[s1]}"
t_check "client-1's ping of the VIP gets no reply (no_accept)" bash -c "! ip netns exec $c1 ping -n -q -c 2 -W 1 $LAB_VIP"
t_check "server-1's own address answers" pings "${LAB_IP[s1]}"
t_check "the VIP is in server-1's set" in_set "$ns1" xvrrpd_server-1
t_compare "server-1's tables" "$(tables "$ns1")" == "ip xvrrpd_server-1,ip6 xvrrpd_server-1"
t_note "server-1: $(ip netns exec "$ns1" nft list table ip xvrrpd_server-1 | tr -s ' \n\t' ' ')"

lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 8
t_compare "server-1 left no table" "$(tables "$ns1")" == ""
t_check_within 8 "server-2 ($peer) MASTER with the VIP" s2_holds
t_compare "client-1 resolves the VIP to server-2's MAC" "$(vip_mac)" == "${LAB_MAC[s2]}"
t_check "server-2 ($peer) drops client-1's ping of the VIP too" bash -c "! ip netns exec $c1 ping -n -q -c 2 -W 1 $LAB_VIP"
s2_table=keepalived
[[ $peer == xvrrpd ]] && s2_table=xvrrpd_$(awk '$1 == "router_id" { print $2 }' "$LAB_WORK/s2.conf")
t_check "the VIP is in server-2's set ($s2_table)" in_set "$ns2" "$s2_table"

strict "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1-accept.conf" "strict_mode off"
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1-accept.conf"
t_check_within 15 "server-1 (strict_mode off) preempts" steady
t_check_within 3 "the VIP answers client-1's ping (accept mode)" pings "$LAB_VIP"
t_compare "server-1 (accept mode) has no table" "$(tables "$ns1")" == ""
if [[ $peer == xvrrpd ]]; then
  not_in_s2() { ! in_set "$ns2" "$s2_table"; }
  t_check_within 3 "server-2 (BACKUP) emptied its set" not_in_s2
fi
lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 8

# A killed daemon's tables: replaced by its successor.
t_check_within 8 "server-2 ($peer) MASTER again" s2_holds
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
t_check_within 15 "server-1 (strict) preempts" steady
lab_daemon_signal s1 KILL
lab_daemon_wait_exit s1 5 || true
t_compare "the killed daemon's tables stay" "$(tables "$ns1")" == "ip xvrrpd_server-1,ip6 xvrrpd_server-1"
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
t_check_within 15 "server-1 restarted, MASTER" steady
t_compare "its tables are replaced, not doubled" "$(tables "$ns1")" == "ip xvrrpd_server-1,ip6 xvrrpd_server-1"
t_check_within 3 "the VIP is in server-1's set again" in_set "$ns1" xvrrpd_server-1
t_check "client-1's ping of the VIP gets no reply" bash -c "! ip netns exec $c1 ping -n -q -c 2 -W 1 $LAB_VIP"

# A reload switches the running MASTER between the modes, with no transition.
n=$(lab_transitions s1)
cp "$LAB_WORK/s1-accept.conf" "$LAB_WORK/s1.conf"
lab_daemon_signal s1 HUP
t_check_within 3 "reloaded with strict_mode off: the VIP answers" pings "$LAB_VIP"
strict "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
lab_daemon_signal s1 HUP
not_answering() { ! pings "$LAB_VIP"; }
t_check_within 3 "reloaded strict again: the VIP is filtered" not_answering
t_compare "server-1's transitions over both reloads" "$(lab_transitions s1)" == "$n"
t_compare "server-1 still MASTER" "$(lab_state s1)" == MASTER
lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 8
t_compare "server-1 left no table" "$(tables "$ns1")" == ""
t_pass "vrrp_strict beside $peer: no_accept drops packets to the VIP on either holder, ARP answered; accept mode answers"
