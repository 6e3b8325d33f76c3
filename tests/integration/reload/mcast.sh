#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A multicast instance in XDP mode holds the VRRP group on its interface (NICs
# that filter multicast MACs deliver only groups the stack joined), and leaves
# it on exit: `ip maddr show dev eth0` lists 224.0.0.18 while xvrrpd runs.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
t_need_xvrrpd

lab_init "xmc$$"
lab_topology_up
conf=$LAB_WORK/s1.conf
# The seed's server-1 without unicast_peer: multicast adverts.
sed '/^unicast_peer {$/,/^}$/d' "$LAB_DATA_DIR/server-1.keepalived.conf" >"$conf"
grep -q unicast_peer "$conf" && t_fail "could not strip unicast_peer"
joined() { grep -qw 224.0.0.18 <<<"$(ip -n "$(lab_ns s1)" maddr show dev eth0)"; }
joined && t_fail "224.0.0.18 joined before xvrrpd runs"
lab_daemon_start s1 xvrrpd "$conf"
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS <= deadline)); do "$@" && return 0; sleep 0.05; done
  return 1
}
wait_until 10 joined || t_fail "224.0.0.18 not in ip maddr of eth0 while xvrrpd runs"
grep -q 'prog/xdp' <(ip -n "$(lab_ns s1)" link show eth0) || t_fail "XDP not attached (not XDP mode?)"
lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 10 || t_fail "xvrrpd did not exit"
joined && t_fail "224.0.0.18 still joined after xvrrpd stopped"

# The same for an IPv6 (VRRPv3) multicast instance and ff02::12.
cat >"$conf" <<'CONF'
global_defs {
router_id server-1
}
vrrp_instance v6-100 {
interface eth0
virtual_router_id 100
version 3
priority 100
advert_int 1
virtual_ipaddress {
2001:db8::100/64 dev dummy0
}
}
CONF
joined6() { grep -qw ff02::12 <<<"$(ip -n "$(lab_ns s1)" maddr show dev eth0)"; }
joined6 && t_fail "ff02::12 joined before xvrrpd runs"
lab_daemon_start s1 xvrrpd "$conf"
wait_until 10 joined6 || t_fail "ff02::12 not in ip maddr of eth0 while an IPv6 instance runs"
lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 10 || t_fail "xvrrpd (IPv6) did not exit"
joined6 && t_fail "ff02::12 still joined after xvrrpd stopped"
t_pass "224.0.0.18 and ff02::12 joined on eth0 while running, left on exit"
