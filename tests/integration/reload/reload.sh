#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through r_wait
# Reload never moves the VIP unless the config says so: with the seed pair
# steady (s1 MASTER at 100, s2 BACKUP), SIGHUP s1 after raising its priority
# to 110, then after changing a notify script path, then with a broken
# config. Each time: zero transitions on either side (status counters), and
# the new priority in s2's view of the master within one advert interval.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=ctl.sh
source "$here/ctl.sh"
t_need_xvrrpd
mode=${1:-xdp}
LAB_XVRRPD_ARGS="--rx=$mode"
has_xdp() { grep -q prog/xdp <<<"$(ip -n "$(lab_ns s1)" link show "$1")"; }

lab_init "xrl$$"
lab_topology_up
conf=$LAB_WORK/s1.conf
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
lab_daemon_start s1 xvrrpd "$conf"
lab_daemon_start s2 xvrrpd "$LAB_DATA_DIR/server-2.keepalived.conf"
lab_wait_steady 15 || t_fail "no steady state (s1 MASTER, s2 BACKUP)"

t1=$(r_field s1 'i["transitions"]')
t2=$(r_field s2 'i["transitions"]')
[[ $(r_field s2 'i["master_priority"]') == 100 ]] || t_fail "s2 does not see priority 100"

master_priority_is() { [[ $(r_field s2 'i["master_priority"]') == "$1" ]]; }
no_transitions() {
  local n1 n2
  n1=$(r_field s1 'i["transitions"]')
  n2=$(r_field s2 'i["transitions"]')
  [[ $n1 == "$t1" && $n2 == "$t2" ]] || t_fail "$1: transitions s1 $t1 -> $n1, s2 $t2 -> $n2"
  [[ $(lab_vip_holders) == s1 ]] || t_fail "$1: VIP holders '$(lab_vip_holders)'"
}
reloads_are() { [[ $(r_status s1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["reloads"], d["reload_failures"])') == "$1" ]]; }

# 1. priority 100 -> 110: advertised at once, no election.
sed -i 's/^priority 100$/priority 110/' "$conf"
lab_daemon_signal s1 HUP
r_wait 1 master_priority_is 110 || t_fail "s2 did not see priority 110 within one advert interval"
[[ $(r_field s1 'i["base_priority"]') == 110 ]] || t_fail "s1 base_priority is not 110"
sleep 2.5 # a few advert intervals: a rebuild would show as transitions by now
no_transitions "priority 100 -> 110"
reloads_are "1 0" || t_fail "reload counters after the priority change"

# 2. a notify script path changes: nothing moves.
sed -i 's|^interface eth0$|interface eth0\nnotify_master "/bin/true master"|' "$conf"
lab_daemon_signal s1 HUP
r_wait 2 reloads_are "2 0" || t_fail "second reload not counted"
sleep 2.5
no_transitions "new notify_master"

# 3. a broken config: refused with file:line, nothing changes.
sed -i 's/^virtual_router_id 100$/virtual_router_id 300/' "$conf"
lab_daemon_signal s1 HUP
r_wait 2 reloads_are "3 1" || t_fail "the broken config was not counted as a failed reload"
grep -q "s1.conf:[0-9]*: error: virtual_router_id 300" "$LAB_WORK/s1.log" ||
  t_fail "the reload error does not name file:line"
sleep 1.5
no_transitions "broken config"
master_priority_is 110 || t_fail "the broken config changed the priority"

# 4. an added instance whose interface does not exist yet runs in FAULT and
# binds when the interface appears; the running one is not touched.
sed -i 's/^virtual_router_id 300$/virtual_router_id 100/' "$conf"
cat >>"$conf" <<'CONF'
vrrp_instance extra-101 {
interface eth1
virtual_router_id 101
priority 50
advert_int 1
virtual_ipaddress {
198.51.100.101/32 dev dummy0
}
}
CONF
doc() { r_status s1 | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
extra_is() { [[ $(doc 'next((i["state"] for i in d["instances"] if i["name"] == "extra-101"), "absent")') == "$1" ]]; }
lab_daemon_signal s1 HUP
r_wait 2 reloads_are "4 1" || t_fail "adding an instance: reload not counted as a success"
r_wait 2 extra_is FAULT || t_fail "the instance on the missing eth1 is not in FAULT"
ns1=$(lab_ns s1)
ip -n "$ns1" link add eth1 type veth peer name eth1p
ip -n "$ns1" link set eth1p up
ip -n "$ns1" link set eth1 up
r_wait 3 extra_is BACKUP || t_fail "the added instance did not bind when eth1 appeared"
[[ $mode == socket ]] || has_xdp eth1 || t_fail "no XDP program on eth1"

# 5. removing it again detaches eth1 and leaves the first instance alone.
sed -i '/^vrrp_instance extra-101 {$/,$d' "$conf"
lab_daemon_signal s1 HUP
r_wait 2 extra_is absent || t_fail "the removed instance is still reported"
has_xdp eth1 && t_fail "XDP still attached to eth1 after its instance was removed"
no_transitions "instance added and removed"
t_pass "reload ($mode): 6 SIGHUPs, 0 transitions of the running instance, priority 110 seen by the peer"
