#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# A receive path that cannot be bound leaves a consistent daemon, and is bound again
# once it can be. The failure is a real one: another program (not xvrrpd's) holds the
# XDP hook of eth1, which xvrrpd never replaces.
# - A reload that adds aux-101 on that eth1 is refused as a whole: the running
#   instance keeps its state, no aux-101 appears, nothing is left on eth1, the error
#   names the program's id (its name needs CAP_SYS_ADMIN, which xvrrpd drops). Once the
#   program is gone the same reload applies.
# - eth1 deleted under aux-101 and brought back holding the other program (created in
#   a scratch namespace, moved into server-1): aux-101 stays FAULT with the error in
#   the log. Removing the program is no link change the daemon hears of: its bind retry
#   (1 s, doubling) binds aux-101 again and it becomes MASTER with xvrrpd's program.
# Throughout, the seed instance on eth0 holds (no transition, server-2 BACKUP).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
t_require_tools clang

lab_init "xbf$$"
obj=$LAB_WORK/other_xdp.o
# An XDP program of someone else's: it passes every frame.
printf '%s\n' '__attribute__((section("xdp"), used)) int other_pass(void *ctx) { return 2; }' \
  'char _license[] __attribute__((section("license"), used)) = "GPL";' >"$LAB_WORK/other_xdp.c"
clang -O2 -target bpf -c "$LAB_WORK/other_xdp.c" -o "$obj" || t_fail "cannot build the other XDP program"
scratch=$(lab_ns scratch)
cleanup_scratch() { ip netns del "$scratch" 2>/dev/null || true; }
t_at_exit cleanup_scratch

conf=$LAB_WORK/s1.conf
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
f_pair_up "$conf" "$LAB_DATA_DIR/server-2.keepalived.conf"
ns1=$(lab_ns s1)
# eth1: a veth whose peer stays up in the same namespace (no peer router: aux-101 owns it).
ip -n "$ns1" link add eth1 type veth peer name eth1p
ip -n "$ns1" link set eth1p up
ip -n "$ns1" link set eth1 up
ip -n "$ns1" addr add 198.51.100.200/24 dev eth1
ip -n "$ns1" link set dev eth1 xdpdrv obj "$obj" sec xdp || t_fail "cannot attach the other program"
eth1_progs() { ip -n "$ns1" -d link show eth1 2>/dev/null | grep -o 'prog/xdp id [0-9]* name [a-z_]*'; }
other_id() { eth1_progs | awk '{ print $3 }'; }
id=$(other_id)
t_note "eth1: $(eth1_progs)"

printf '%s\n' 'vrrp_instance aux-101 {' 'state MASTER' 'interface eth1' 'virtual_router_id 101' \
  'priority 255' 'version 3' 'advert_int 0.1' 'virtual_ipaddress {' '203.0.113.101/32 dev dummy0' '}' \
  '}' >>"$conf"
reloads() { r_status s1 | jq -r "$1"; }
r0=$(reloads .reloads)
f0=$(reloads .reload_failures)
kill -HUP "$(f_pid)"
done_reloads() { (($(reloads .reloads) > r0)); }
t_check_within 5 "the reload is done" done_reloads
t_compare "the reload failed" "$(($(reloads .reload_failures) - f0))" == 1
t_check "the error names the other program on eth1" \
  grep -q "Reload failed, nothing changed: .*program id $id\\b" "$LAB_WORK/s1.log"
t_compare "instances after the refused reload" "$(r_status s1 | jq '.instances | length')" == 1
t_compare "eth1 still holds only the other program" "$(eth1_progs | grep -c other_pass)" == 1
t_compare "no aux-101 VIP" "$(ip -n "$ns1" -o addr show dev dummy0 | grep -c 203.0.113.101)" == 0
f_held "after the refused reload"

ip -n "$ns1" link set dev eth1 xdpdrv off
kill -HUP "$(f_pid)"
aux_is() { [[ $(t_state s1 1) == "$1" ]]; }
t_check_within 5 "with eth1's hook free, the same reload applies: aux-101 MASTER" aux_is MASTER
t_check "xvrrpd's program is on eth1" bash -c "ip -n $ns1 -d link show eth1 | grep -q 'name xvrrp_xdp'"

# The link path: eth1 comes back holding the other program.
ip -n "$ns1" link del eth1
t_check_within 5 "aux-101 FAULT without eth1" aux_is FAULT
ip netns add "$scratch"
ip -n "$scratch" link add eth1 type veth peer name eth1p
ip -n "$scratch" link set dev eth1 xdpdrv obj "$obj" sec xdp || t_fail "cannot attach the other program"
ip -n "$scratch" link set eth1p netns "$ns1"
ip -n "$scratch" link set eth1 netns "$ns1"
ip -n "$ns1" link set eth1p up
ip -n "$ns1" link set eth1 up
ip -n "$ns1" addr add 198.51.100.200/24 dev eth1
id=$(other_id)
bind_refused() { grep -q "(aux-101) cannot bind to eth1: .*program id $id\\b" "$LAB_WORK/s1.log"; }
t_check_within 5 "eth1 back with the other program: the bind is refused and logged" bind_refused
sleep 0.5
t_compare "aux-101 stays FAULT while it cannot bind" "$(t_state s1 1)" == FAULT
t_compare "eth1 still holds only the other program" "$(eth1_progs | grep -c other_pass)" == 1
ip -n "$ns1" link set dev eth1 xdpdrv off
t_check_within 5 "the hook freed: the bind retry binds aux-101 again, MASTER" aux_is MASTER
t_check "the retry is logged" grep -q '(aux-101) bound to eth1' "$LAB_WORK/s1.log"
t_check "xvrrpd's program is on eth1" bash -c "ip -n $ns1 -d link show eth1 | grep -q 'name xvrrp_xdp'"
t_compare "aux-101's VIP on dummy0" "$(ip -n "$ns1" -o addr show dev dummy0 | grep -c 203.0.113.101)" == 1
f_held "after the refused binds"
f_stop_clean
t_compare "after exit: XDP programs on eth1" "$(ip -n "$ns1" -d link show eth1 | grep -c prog/xdp)" == 0
t_pass "a refused XDP bind: the reload refused whole and applied once possible; a link bind retried until it held"
