#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# Interop with Debian's keepalived over IPv6 unicast (VRRPv3, advert_int 0.1):
#   interop6.sh MASTER_IMPL     MASTER_IMPL: keepalived | xvrrpd
# server-1 (priority 100, 2001:db8::5) runs MASTER_IMPL, server-2 (2001:db8::6) the
# other; VIP 2001:db8::100/64 on dummy0. keepalived sends unicast IPv6 adverts with a
# hop limit below 255, which xvrrpd accepts from a unicast peer (no TTL range given).
# Passes when exactly one server holds the VIP: server-1 in steady state (3 s without
# a change), server-2 after server-1's SIGTERM. Run time about 10 s.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
t_need_keepalived
case ${1:?usage: interop6.sh keepalived|xvrrpd} in
  keepalived) declare -A IMPL=([s1]=keepalived [s2]=xvrrpd) ;;
  xvrrpd) declare -A IMPL=([s1]=xvrrpd [s2]=keepalived) ;;
  *) t_fail "bad master implementation '$1'" ;;
esac
declare -A IP6=([s1]=2001:db8::5 [s2]=2001:db8::6 [c1]=2001:db8::10)
VIP=2001:db8::100

lab_init "x7$$"
lab_topology_up
for h in s1 s2 c1; do
  ip -n "$(lab_ns "$h")" addr add "${IP6[$h]}/64" dev eth0 nodad
done
ll_ready() { ! ip -n "$(lab_ns "$1")" -6 addr show dev eth0 scope link tentative | grep -q inet6; }
for h in s1 s2; do
  t_wait_until 5 ll_ready "$h" || t_fail "$h: eth0's link-local address still tentative"
done

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
advert_int 0.1
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
v6_conf 1 100 "${IP6[s1]}" "${IP6[s2]}" >"$LAB_WORK/s1.conf"
v6_conf 2 90 "${IP6[s2]}" "${IP6[s1]}" >"$LAB_WORK/s2.conf"

has_vip() { ip -n "$(lab_ns "$1")" -6 addr show dev dummy0 | grep -q " $VIP/"; }
holders() {
  local h out=()
  for h in s1 s2; do lab_daemon_alive "$h" && has_vip "$h" && out+=("$h"); done
  echo "${out[*]:-none}"
}
holders_are() { [[ $(holders) == "$1" ]]; }
t_on_failure() {
  local h
  for h in s1 s2; do
    echo "# $h (${IMPL[$h]}) dummy0: $(ip -n "$(lab_ns "$h")" -6 -o addr show dev dummy0 | awk '{print $4}' | xargs)" >&2
  done
  t_dump_logs
}

lab_daemon_start s1 "${IMPL[s1]}" "$LAB_WORK/s1.conf"
lab_daemon_start s2 "${IMPL[s2]}" "$LAB_WORK/s2.conf"
t_check_within 10 "server-1 (${IMPL[s1]}) the only VIP holder" holders_are s1
sleep 3
t_compare "still only server-1 after 3 s" "$(holders)" == s1
lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 5
t_check_within 5 "server-2 (${IMPL[s2]}) the only VIP holder" holders_are s2
t_check "server-1 no longer holds the VIP" eval '! has_vip s1'
