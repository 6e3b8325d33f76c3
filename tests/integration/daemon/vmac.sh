#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# use_vmac on the wire: vmac.sh xvrrpd|keepalived   (what runs on server-2)
# The seed's configs, multicast (no unicast_peer), the VIP on eth0, and `use_vmac` in the
# instance. server-1 (xvrrpd) makes vrrp.100, a macvlan of eth0 with MAC 00:00:5e:00:01:64,
# and holds the VIP there; client-1 resolves the VIP to that MAC; the lab switch learns it
# on server-1's port from the adverts. On server-1's SIGTERM server-2 takes over: the switch
# learns the MAC on server-2's port, client-1's neighbour entry needs no change and the VIP
# answers (with keepalived as the new master the entry moves to its eth0's MAC: it leaves
# arp_announce at 0). server-1 leaves no macvlan and its eth0's sysctls as they were.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
peer=${1:-xvrrpd}
[[ $peer == keepalived ]] && t_need_keepalived
t_require_tools bridge

lab_init "xvm$$"
lab_topology_up
LAB_VIP_DEV=eth0
for n in 1 2; do
  lab_make_conf "$LAB_DATA_DIR/server-$n.keepalived.conf" "$LAB_WORK/s$n.conf"
  sed -i -e '/^unicast_peer {$/,/^}$/d' -e 's/^advert_int 1$/advert_int 1\nuse_vmac/' "$LAB_WORK/s$n.conf"
  grep -q '^use_vmac$' "$LAB_WORK/s$n.conf" || t_fail "could not add use_vmac to s$n's config"
done
ns1=$(lab_ns s1)
ns2=$(lab_ns s2)
c1=$(lab_ns c1)
vmac=00:00:5e:00:01:64
sysctl1() { ip netns exec "$ns1" cat "/proc/sys/net/ipv4/conf/eth0/$1"; }
ai0=$(sysctl1 arp_ignore)
af0=$(sysctl1 arp_filter)
an0=$(sysctl1 arp_announce)
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
lab_daemon_start s2 "$peer" "$LAB_WORK/s2.conf"
has_vip() { ip -n "$1" -4 -o addr show dev vrrp.100 2>/dev/null | grep -q " $LAB_VIP/"; }
holds() { [[ $(lab_state "$1") == MASTER ]] && has_vip "$(lab_ns "$1")"; }
t_check_within 15 "server-1 MASTER with the VIP on vrrp.100" holds s1
s2_backup() { [[ $(lab_state s2) == BACKUP ]]; }
t_check_within 5 "server-2 BACKUP" s2_backup
link1=$(ip -n "$ns1" -d link show vrrp.100)
t_check "vrrp.100 is a macvlan (private) of eth0" grep -q 'macvlan mode private' <<<"$link1"
t_check "vrrp.100 has the virtual router MAC" grep -q "link/ether $vmac" <<<"$link1"
t_check "vrrp.100 is up" grep -q 'state UP\|,UP' <<<"$link1"
t_check "server-2 ($peer) has its vrrp.100 too" ip -n "$ns2" link show vrrp.100
t_compare "server-1's eth0 arp_ignore while it runs" "$(sysctl1 arp_ignore)" == 1
pings() { ip netns exec "$c1" ping -n -q -c 1 -W 1 "$LAB_VIP" >/dev/null 2>&1; }
ip -n "$c1" neigh flush to "$LAB_VIP" dev eth0
t_check "client-1 reaches the VIP" pings
t_compare "client-1 resolves the VIP to the virtual router MAC" "$(lab_client_vip_mac)" == "$vmac"
port_of() { bridge -n "$(lab_ns sw)" fdb show br br0 2>/dev/null | awk -v m="$vmac" '$1 == m { print $3; exit }'; }
learned() { [[ $(port_of) == "$1" ]]; }
t_check_within 3 "the switch learns the virtual MAC on server-1's port (adverts leave from it)" learned p-s1

lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 8
t_check_within 8 "server-2 ($peer) MASTER with the VIP on its vrrp.100" holds s2
t_check_within 3 "the switch learns the virtual MAC on server-2's port" learned p-s2
t_check "client-1 reaches the VIP" pings
if [[ $peer == xvrrpd ]]; then
  t_compare "client-1's neighbour entry is still the virtual router MAC" "$(lab_client_vip_mac)" == "$vmac"
else
  # keepalived leaves the parent's arp_announce at 0: its own ARP request for client-1,
  # sent from eth0 for a reply from the VIP, names the VIP with eth0's MAC.
  t_note "client-1's neighbour entry with keepalived holding the VIP: $(lab_client_vip_mac)"
fi
t_check "server-1 left no vrrp.100" bash -c "! ip -n $ns1 link show vrrp.100 >/dev/null 2>&1"
t_compare "server-1's eth0 arp_ignore restored" "$(sysctl1 arp_ignore)" == "$ai0"
t_compare "server-1's eth0 arp_filter restored" "$(sysctl1 arp_filter)" == "$af0"
t_compare "server-1's eth0 arp_announce restored" "$(sysctl1 arp_announce)" == "$an0"
t_pass "use_vmac beside $peer: the VIP on the macvlan with the virtual MAC, moved without a neighbour change"
