#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings and IP6/VIP are read by the sourcing test
# The article's pair over IPv6 unicast (VRRPv3, advert_int $V6_ADVERT_INT, default 0.1),
# sourced by ipv6.sh and
# interop6.sh after common.sh: server-1 2001:db8::5 (priority 100), server-2 2001:db8::6
# (priority 90), client 2001:db8::10, VIP 2001:db8::100/64 on dummy0.
#   ipv6_pair_up PREFIX   topology, addresses, link-locals out of DAD, $LAB_WORK/s{1,2}.conf
declare -A IP6=([s1]=2001:db8::5 [s2]=2001:db8::6 [c1]=2001:db8::10)
VIP=2001:db8::100
V6_ADVERT_INT=${V6_ADVERT_INT:-0.1}

# VRRPv3 over IPv6 advertises from the link-local address (RFC 5798 section 5.1.2.1):
# wait until DAD has finished with it.
ll_ready() { ! grep -q inet6 <<<"$(ip -n "$(lab_ns "$1")" -6 addr show dev eth0 scope link tentative)"; }
has_vip() { grep -q " $VIP/" <<<"$(ip -n "$(lab_ns "$1")" -6 addr show dev dummy0)"; }

v6_conf() { # HOST PRIORITY SOURCE PEER
  cat <<CONF
global_defs {
router_id server-$1
}
vrrp_instance service-100 {
state BACKUP
interface eth0
virtual_router_id 100
priority $2
advert_int $V6_ADVERT_INT
version 3
virtual_ipaddress {
$VIP/64 dev dummy0
}
unicast_src_ip $3
unicast_peer {
$4
}
}
CONF
}

ipv6_pair_up() {
  lab_init "$1"
  lab_topology_up
  local h
  for h in s1 s2 c1; do
    ip -n "$(lab_ns "$h")" addr add "${IP6[$h]}/64" dev eth0 nodad
  done
  for h in s1 s2; do
    t_wait_until 5 ll_ready "$h" || t_fail "$h: eth0's link-local address still tentative"
  done
  v6_conf 1 100 "${IP6[s1]}" "${IP6[s2]}" >"$LAB_WORK/s1.conf"
  v6_conf 2 90 "${IP6[s2]}" "${IP6[s1]}" >"$LAB_WORK/s2.conf"
}
