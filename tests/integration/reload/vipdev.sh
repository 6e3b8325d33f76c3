#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through r_wait
# A VIP follows its device: with dummy0 untracked, a MASTER whose dummy0 is
# deleted stays MASTER, reports the VIP absent, and puts the VIP back when
# dummy0 is created again; a MASTER that starts without dummy0 adds the VIP
# once dummy0 appears. State from `xvrrpctl status --json`.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=ctl.sh
source "$here/ctl.sh"
t_need_xvrrpd

lab_init "xvd$$"
lab_topology_up
conf=$LAB_WORK/s1.conf
# The seed's server-1, dummy0 not tracked, VRRPv3 at 0.1 s (short start-up).
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
sed -i '/^dummy0$/d' "$conf"
state_is() { [[ $(r_field s1 'i["state"]') == "$1" ]] 2>/dev/null; }
vips_present() { [[ $(r_field s1 'i["vips_present"]') == "$1" ]] 2>/dev/null; }

ip -n "$(lab_ns s1)" link del dummy0
lab_daemon_start s1 xvrrpd "$conf"
r_wait 10 state_is MASTER || t_fail "not MASTER without dummy0"
vips_present False || t_fail "VIP reported present without its device"
lab_dummy0_add s1
r_wait 3 vips_present True || t_fail "VIP not added when dummy0 appeared"
[[ $(lab_vip_holders) == s1 ]] || t_fail "VIP holders '$(lab_vip_holders)' after dummy0 appeared"

for n in 1 2 3; do
  ip -n "$(lab_ns s1)" link del dummy0
  r_wait 3 vips_present False || t_fail "cycle $n: VIP still reported present without dummy0"
  state_is MASTER || t_fail "cycle $n: left MASTER though dummy0 is untracked"
  lab_dummy0_add s1
  r_wait 3 vips_present True || t_fail "cycle $n: VIP not restored when dummy0 came back"
done
[[ $(r_field s1 'i["transitions"]') == 2 ]] || t_fail "transitions: $(r_field s1 'i["transitions"]')"
t_pass "VIP added when its device appears and restored after 3 recreations"
