#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through r_wait
# Interface churn leaks nothing: eth0 of a running xvrrpd is deleted and
# created again N times (churn.sh xdp|socket N). After each cycle the daemon's
# open fds, its program pins and the XDP programs on eth0 must equal the
# figures after the first cycle, and the instance is bound again.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=ctl.sh
source "$here/ctl.sh"
t_need_xvrrpd
mode=${1:-xdp}
cycles=${2:-20}

lab_init "xch$$"
lab_topology_up
LAB_XVRRPD_ARGS="--rx=$mode"
# VRRPv3 at 0.1 s: the master-down wait after each recreation is ~0.35 s.
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
pid=${LAB_DAEMON_PID[s1]}
state_is() { [[ $(r_field s1 'i["state"]') == "$1" ]] 2>/dev/null; }
r_wait 10 state_is MASTER || t_fail "s1 not MASTER at start"
# ip netns exec gives the daemon its own mount namespace (and bpffs).
pins() { nsenter -t "$pid" -m find /sys/fs/bpf/xvrrp/server-1 -name 'xvrrp_xdp_prog_*' 2>/dev/null | wc -l; }
progs() { ip -n "$(lab_ns s1)" -d link show eth0 2>/dev/null | grep -c 'prog/xdp'; }
fds() { find "/proc/$pid/fd" -mindepth 1 2>/dev/null | wc -l; }

first=""
for ((n = 1; n <= cycles; n++)); do
  lab_eth0_del s1
  r_wait 5 state_is FAULT || t_fail "cycle $n: not FAULT without eth0"
  lab_eth0_add s1
  r_wait 10 state_is MASTER || t_fail "cycle $n: not MASTER again after eth0 came back"
  sleep 0.2
  now="fds=$(fds) pins=$(pins) progs=$(progs)"
  [[ -n $first ]] || first=$now
  [[ $now == "$first" ]] || t_fail "cycle $n: $now, after cycle 1: $first"
done
[[ $mode == socket || $first == *"pins=1 progs=1" ]] || t_fail "expected one pin and one program: $first"
lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 10 || t_fail "xvrrpd did not exit"
[[ $(progs) == 0 ]] || t_fail "XDP program left on eth0 after exit"
t_pass "$mode: $cycles eth0 delete/create cycles, flat at $first"
