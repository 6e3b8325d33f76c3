#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# The seed pair over IPv6 unicast (VRRPv3): server-1 2001:db8::5 (priority 100),
# server-2 2001:db8::6, client 2001:db8::10, VIP 2001:db8::100/64 on dummy0.
#   ipv6.sh [RX1 [RX2]]     receive path of server-1 / server-2: xdp (default) | socket
# A client with an empty neighbour cache must reach the VIP on dummy0: the master
# answers neighbour solicitations on eth0 through a proxy NDP entry, and only the
# master has one. Steps: server-1 master; SIGTERM of server-1 -> server-2 master,
# server-1 without its proxy entry. Run time about 10 s.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
rx1=${1:-xdp} rx2=${2:-xdp}
declare -A RX=([s1]=$rx1 [s2]=$rx2)
source "$(dirname "$0")/ipv6_pair.sh"
ipv6_pair_up "x6$$"

start() { LAB_XVRRPD_ARGS="--rx=${RX[$1]}" lab_daemon_start "$1" xvrrpd "$LAB_WORK/$1.conf"; }
has_proxy() { grep -q "^$VIP " <<<"$(ip -n "$(lab_ns "$1")" -6 neigh show proxy dev eth0)"; }
# A fresh client: empty neighbour cache, then one ping (the proxied answer to a
# multicast NS may wait up to proxy_delay, 0.8 s).
fresh_client_reaches_vip() {
  ip -n "$(lab_ns c1)" -6 neigh flush dev eth0
  ip netns exec "$(lab_ns c1)" ping -6 -c 1 -W 3 "$VIP" >/dev/null
}
vip_mac_is() { # HOST: the client's neighbour entry for the VIP is HOST's eth0 MAC
  grep -qi "lladdr ${LAB_MAC[$1]}" <<<"$(ip -n "$(lab_ns c1)" -6 neigh show "$VIP" dev eth0)"
}

state_is() { [[ $(t_state "$1") == "$2" ]]; }

start s1
start s2
t_check_within 10 "server-1 MASTER" state_is s1 MASTER
t_check_within 5 "server-2 BACKUP" state_is s2 BACKUP
t_check_within 2 "VIP on server-1's dummy0" has_vip s1
t_check "server-2 does not hold the VIP" eval '! has_vip s2'
t_check_within 2 "server-1 has the proxy NDP entry on eth0" has_proxy s1
t_check "server-2 has no proxy NDP entry" eval '! has_proxy s2'
t_compare "server-1 eth0 proxy_ndp" "$(ip netns exec "$(lab_ns s1)" sysctl -n net.ipv6.conf.eth0.proxy_ndp)" == 1
t_check "a fresh client reaches the VIP on server-1" fresh_client_reaches_vip
t_check "the client resolved the VIP to server-1's MAC" vip_mac_is s1

lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 5
t_check_within 5 "server-2 MASTER" state_is s2 MASTER
t_check "server-1 no longer has the proxy NDP entry" eval '! has_proxy s1'
t_compare "server-1 eth0 proxy_ndp restored" "$(ip netns exec "$(lab_ns s1)" sysctl -n net.ipv6.conf.eth0.proxy_ndp)" == 0
t_compare "server-1 eth0 forwarding restored" "$(ip netns exec "$(lab_ns s1)" sysctl -n net.ipv6.conf.eth0.forwarding)" == 0
t_check "server-1 no longer holds the VIP" eval '! has_vip s1'
t_check_within 2 "server-2 has the proxy NDP entry on eth0" has_proxy s2
t_check "a fresh client reaches the VIP on server-2" fresh_client_reaches_vip
t_check "the client resolved the VIP to server-2's MAC" vip_mac_is s2
