#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# vrrp_strict over IPv6 multicast (VRRPv3 to ff02::12), xvrrpd on both servers: the
# MASTER's no_accept filter drops client-1's pings of the VIP (2001:db8::100 on dummy0)
# but lets neighbour discovery through, so client-1 still resolves the VIP to the
# MASTER's MAC (a fresh neighbour cache, through the proxy NDP entry). server-1's own
# address answers. After server-1 stops, server-2 takes over and filters the same way.
source "$(dirname "$0")/common.sh"
# shellcheck source=ipv6_pair.sh
source "$(dirname "$0")/ipv6_pair.sh"
t_need_xvrrpd
t_require_tools nft jq

ipv6_pair_up "xn6$$"
for h in s1 s2; do
  sed -i -e '/^unicast_src_ip/d' -e '/^unicast_peer {$/,/^}$/d' \
    -e 's/^router_id \(.*\)$/router_id \1\nvrrp_strict/' "$LAB_WORK/$h.conf"
  grep -q unicast "$LAB_WORK/$h.conf" && t_fail "could not make $h's config multicast"
done
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
c1=$(lab_ns c1)
state_is() { [[ $(t_state "$1") == "$2" ]]; }
holds() { state_is "$1" MASTER && has_vip "$1"; }
pings6() { ip netns exec "$c1" ping -6 -n -q -c 1 -W 1 "$1" >/dev/null 2>&1; }
vip_mac() {
  ip -n "$c1" -6 neigh flush to "$VIP" dev eth0 2>/dev/null
  pings6 "$VIP"
  ip -n "$c1" -6 neigh show "$VIP" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}
in_set() {
  ip netns exec "$(lab_ns "$1")" nft -j list set ip6 "xvrrpd_server-${1#s}" vips 2>/dev/null |
    jq -e --arg v "$VIP" '[.nftables[].set? | select(.) | .elem[]?] | index($v) != null' >/dev/null
}

t_check_within 15 "server-1 MASTER with the VIP" holds s1
t_check_within 5 "server-2 BACKUP" state_is s2 BACKUP
t_check "strict mode warns that the first IPv6 VIP is not link-local" \
  grep -q 'first IPv6 virtual_ipaddress must be link-local' "$LAB_WORK/s1.log"
t_check "the VIP is in server-1's ip6 set" in_set s1
t_compare "client-1 resolves the VIP to server-1's MAC (neighbour discovery passes)" \
  "$(vip_mac)" == "${LAB_MAC[s1]}"
t_check "client-1's ping of the VIP gets no reply (no_accept)" \
  bash -c "! ip netns exec $c1 ping -6 -n -q -c 2 -W 1 $VIP"
t_check "server-1's own address answers" pings6 "${IP6[s1]}"

lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 8
t_check_within 5 "server-2 MASTER with the VIP" holds s2
t_check "the VIP is in server-2's ip6 set" in_set s2
t_compare "client-1 resolves the VIP to server-2's MAC" "$(vip_mac)" == "${LAB_MAC[s2]}"
t_check "server-2 drops client-1's ping of the VIP too" \
  bash -c "! ip netns exec $c1 ping -6 -n -q -c 2 -W 1 $VIP"
t_pass "vrrp_strict over IPv6 multicast: pings of the VIP dropped, neighbour discovery answered, on either holder"
