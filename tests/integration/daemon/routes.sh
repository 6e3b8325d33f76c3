#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2317 # LAB_* settings are read by tools/lab/lib.sh; functions run through t_check
# virtual_routes and virtual_rules on the seed pair (VRRPv3 at 0.1 s, the seed's configs with
# a route to 198.51.100.0/24 via client-1 in table 100 and a rule `from VIP lookup 100`):
# the MASTER has both (kernel and status), the BACKUP neither; after the master's SIGTERM
# the other server has them and the stopped one none. Runs in about 3 s.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
lab_init "xr$$"
LAB_VERSION=3 LAB_ADVERT_INT=0.1
lab_topology_up
add_routes() { # SRC DST
  lab_make_conf "$1" "$2.tmp"
  sed 's/^virtual_ipaddress {/virtual_routes {\n198.51.100.0\/24 via 192.0.2.10 dev eth0 table 100\n}\nvirtual_rules {\nfrom 192.0.2.100 table 100 preference 1000\n}\nvirtual_ipaddress {/' \
    "$2.tmp" >"$2"
}
add_routes "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
add_routes "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf"

has_route() { grep -q '^198.51.100.0/24 via 192.0.2.10 dev eth0 proto keepalived' <<<"$(ip -n "$(lab_ns "$1")" route show table 100)"; }
has_rule() { grep -q '^1000:.*from 192.0.2.100 lookup 100' <<<"$(ip -n "$(lab_ns "$1")" rule show)"; }
has_both() { has_route "$1" && has_rule "$1"; }
has_none() { ! has_route "$1" && ! has_rule "$1"; }
reported() { t_status "$1" | jq -r '[.instances[0].virtual_routes[].installed, .instances[0].virtual_rules[].installed] | map(tostring) | join(",")'; }
master_is() { [[ $(t_state "$1") == MASTER ]]; }

lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
t_check_within 10 "server-1 MASTER" master_is s1
t_check_within 2 "server-1 (MASTER) has the route in table 100 and the rule" has_both s1
t_check "server-2 (BACKUP) has neither" has_none s2
t_compare "server-1 reports both installed" "$(reported s1)" == true,true
t_compare "server-2 reports neither" "$(reported s2)" == false,false
t_compare "status shows the route as ip route text" \
  "$(t_status s1 | jq -r '.instances[0].virtual_routes[0].route')" == "198.51.100.0/24 via 192.0.2.10 dev eth0 table 100"
lab_daemon_signal s1 TERM
t_check "server-1 exits on SIGTERM" lab_daemon_wait_exit s1 5
t_check "server-1 left neither behind" has_none s1
t_check_within 5 "server-2 MASTER" master_is s2
t_check_within 2 "server-2 (MASTER now) has the route and the rule" has_both s2
t_compare "server-2 reports both installed" "$(reported s2)" == true,true
[[ $T_FAILED -eq 0 ]] || t_fail "$T_FAILED check(s) failed"
t_pass "virtual_routes and virtual_rules follow MASTER"
