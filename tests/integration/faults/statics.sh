#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# static_ipaddress / static_routes / static_rules as keepalived: added at start whatever the
# VRRP state (server-1 MASTER, server-2 BACKUP both get theirs), never moved by a
# transition, changed by a reload without a transition (a route dropped, an address
# added), added again when their device comes back, and removed at exit.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

lab_init "xst$$"
conf1=$LAB_WORK/s1.conf
conf2=$LAB_WORK/s2.conf
statics() {  # FILE HOST-OCTET [ROUTE-LINE] [EXTRA-ADDRESS]
  {
    printf '%s\n' 'static_ipaddress {' "198.51.100.$2/24 dev eth1" ${4:+"$4"} '}'
    printf '%s\n' 'static_routes {' ${3:+"$3"} '}'
    printf '%s\n' 'static_rules {' 'from 192.0.2.100/32 table 100 priority 100' '}'
  } >>"$1"
}
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf1"
cp "$LAB_DATA_DIR/server-2.keepalived.conf" "$conf2"
route='203.0.113.0/24 via 198.51.100.1 dev eth1 table 100'
statics "$conf1" 5 "$route"
statics "$conf2" 6 "$route"
lab_topology_up
eth1_up() {  # HOST: eth1, a veth whose peer stays up
  local ns
  ns=$(lab_ns "$1")
  ip -n "$ns" link add eth1 type veth peer name eth1p
  ip -n "$ns" link set eth1p up
  ip -n "$ns" link set eth1 up
}
eth1_up s1
eth1_up s2
f_start s1 "$conf1"
lab_daemon_start s2 xvrrpd "$conf2"
lab_wait_steady 25 || t_fail "no steady state (s1 MASTER with the VIP, s2 BACKUP)"
f_baseline 1
ns1=$(lab_ns s1)
ns2=$(lab_ns s2)
has_addr() { ip -n "$1" -4 -o addr show dev eth1 2>/dev/null | grep -q " $2/24 "; }
has_route() { ip -n "$1" route show table 100 2>/dev/null | grep -q '^203.0.113.0/24 via 198.51.100.1 dev eth1'; }
has_rule() { ip -n "$1" rule show pref 100 2>/dev/null | grep -q 'from 192.0.2.100 lookup 100'; }

t_check "MASTER server-1: its static address" has_addr "$ns1" 198.51.100.5
t_check "MASTER server-1: its static route" has_route "$ns1"
t_check "MASTER server-1: its static rule" has_rule "$ns1"
t_check "BACKUP server-2: its static address" has_addr "$ns2" 198.51.100.6
t_check "BACKUP server-2: its static route" has_route "$ns2"
t_check "BACKUP server-2: its static rule" has_rule "$ns2"

# A reload: the route goes, a second address comes, nothing else moves.
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf1"
statics "$conf1" 5 "" "198.51.100.50/24 dev eth1"
r0=$(r_status s1 | jq .reloads)
kill -HUP "$(f_pid)"
reloaded() { (($(r_status s1 | jq .reloads) > r0)); }
t_check_within 5 "server-1 reloaded" reloaded
no_route() { ! has_route "$ns1"; }
t_check_within 2 "the dropped static route is removed" no_route
t_check "the new static address is added" has_addr "$ns1" 198.51.100.50
t_check "the kept static address stays" has_addr "$ns1" 198.51.100.5
t_check "the kept static rule stays" has_rule "$ns1"
f_held "after the reload"

# eth1 deleted and recreated: the kernel dropped the addresses with it; they come back.
ip -n "$ns1" link del eth1
sleep 0.3
eth1_up s1
back() { has_addr "$ns1" 198.51.100.5 && has_addr "$ns1" 198.51.100.50; }
t_check_within 3 "eth1 back: its static addresses are added again" back
f_held "after eth1 came back"

f_stop_clean
t_check "after exit: no static address on eth1" bash -c "! ip -n $ns1 -4 -o addr show dev eth1 | grep -q 198.51.100."
t_check "after exit: no static rule" bash -c "! ip -n $ns1 rule show pref 100 | grep -q lookup"
t_pass "static addresses, routes and rules: held whatever the state, changed by a reload, re-added with their device, removed at exit"
