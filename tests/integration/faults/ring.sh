#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# A full ring buffer: 610 VRRPv3 multicast instances reporting through one ring (255 on
# eth0, 255 on eth1 and 100 on eth2, each a link between the two servers), server-2 MASTER of all at priority 200, server-1
# (XDP, the daemon under test) BACKUP at 100. Server-2's tracked trkA going down (weight
# -50, to 150) changes every instance's advert at once: more reports than the ring holds (~540). Server-1 must
# still end with every instance following priority 150 (none lost to the ring), with no
# transition; then trkB (-100) drops server-2 to 50 and server-1 must take every instance over
# (a change lost to the ring would leave it a BACKUP of a lower master for good).
# Then a reload that live-updates all of them at once, no fd leak, no spinning, and a stop
# that leaves no VIP, XDP program or pin.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

lab_init "xfr$$"
lab_topology_up
# Two more links straight from s1 to s2 (veth): 255 VRIDs is all one family can have on
# one interface.
declare -A addr=([s1.1]=192.0.2.210 [s2.1]=192.0.2.211 [s1.2]=192.0.2.220 [s2.2]=192.0.2.221)
for v in 1 2; do
  ip -n "$(lab_ns s1)" link add "eth$v" type veth peer name "eth$v" netns "$(lab_ns s2)"
  for h in s1 s2; do
    ip -n "$(lab_ns "$h")" addr add "${addr[$h.$v]}/32" dev "eth$v"
    ip -n "$(lab_ns "$h")" link set "eth$v" up
  done
done
# One config per host; server-2's instances track trkA (weight -50) and trkB (-100):
# taking one down changes the priority of all 610 at once, without a reload.
gen() {
  awk -v id="$1" -v prio="$2" -v track="$3" 'function inst(dev, vrid, vip) {
      printf "vrrp_instance i-%s-%d {\nstate BACKUP\ninterface %s\nvirtual_router_id %d\n", dev, vrid, dev, vrid
      printf "version 3\npriority %d\nadvert_int 1\nvirtual_ipaddress {\n%s/32 dev dummy0\n}\n", prio, vip
      if (track) printf "track_interface {\ntrkA weight -50\ntrkB weight -100\n}\n"
      printf "}\n"
    }
    BEGIN {
      printf "global_defs {\nrouter_id %s\n}\n", id
      for (v = 1; v <= 255; v++) inst("eth0", v, "203.0.113." v)
      for (v = 1; v <= 255; v++) inst("eth1", v, "198.51.100." v)
      for (v = 1; v <= 100; v++) inst("eth2", v, "192.0.2." (v + 100))
    }'
}
for t in trkA trkB; do
  ip -n "$(lab_ns s2)" link add "$t" type veth peer name "${t}p"
  ip -n "$(lab_ns s2)" link set "${t}p" up
  ip -n "$(lab_ns s2)" link set "$t" up
done
gen server-1 100 "" >"$LAB_WORK/s1.conf"
gen server2-2 200 1 >"$LAB_WORK/s2.conf"
n=$(grep -c '^vrrp_instance' "$LAB_WORK/s1.conf")
t_note "$n instances per daemon"
# count HOST STATE [MASTER_PRIORITY]: instances of HOST in STATE (following that priority)
count() {
  t_status "$1" | jq --arg s "$2" --arg p "${3:-}" \
    '[.instances[] | select(.state == $s and ($p == "" or (.master_priority | tostring) == $p))] | length'
}
all() { [[ $(count "$@") == "$n" ]]; }
states() {  # "MASTER 600, FAULT 10" for a failure's record
  t_status "$1" | jq -r '[.instances[] | .interface + ":" + .state] | group_by(.) |
    map("\(.[0]) \(length)") | join(", ")'
}
t_on_failure() {
  t_note "s1: $(states s1); s2: $(states s2)"
  t_note "s1 transitions $(sum_transitions s1); s2 masters: $(t_status s2 | jq -c '[.instances[] | select(.state == "MASTER") | [.name, .master, .master_priority, .last_advert_age_ms]] | .[0:3]')"
  t_note "ring resyncs s1 $(grep -c 'lost to a full ring' "$LAB_WORK/s1.log"), s2 $(grep -c 'lost to a full ring' "$LAB_WORK/s2.log")"
  grep -v 'Entering\|timer expired\|higher priority\|preempting\|received' "$LAB_WORK/s2.log" | tail -n 8
}
lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
t_check_within 20 "s2 MASTER of all $n" all s2 MASTER
# The ring is sized for a burst of every instance; the 64 KiB of smaller
# configurations (~540 records) makes it overflow here.
LAB_XVRRPD_ARGS="${LAB_XVRRPD_ARGS:-} --ring-bytes=65536" f_start s1 "$LAB_WORK/s1.conf"
t_check_within 20 "s1 BACKUP of all $n, following priority 200" all s1 BACKUP 200
sum_transitions() { t_status "$1" | jq '[.instances[].transitions] | add'; }
t1=$(sum_transitions s1)
sleep 1
F_FDS=$(f_fds)
a=$(f_ticks)
sleep 2
F_IDLE_TICKS=$(($(f_ticks) - a)) F_IDLE_SECS=2
t_note "baseline: s1 $F_FDS fds, $F_IDLE_TICKS CPU ticks in 2 s, $(f_pins) pins"

lost() { grep -c 'lost to a full ring buffer' "$LAB_WORK/s1.log"; }
lost0=$(lost)
# s1 is held (SIGSTOP) for 1.5 s over each change, as a loaded host would delay it: the
# first round of changed adverts alone is more than the ring holds. 1.5 s is well inside
# its Master_Down_Interval (3.6 s).
held_change() {
  kill -STOP "$(f_pid)"
  ip -n "$(lab_ns s2)" link set "$1" down
  sleep 1.5
  kill -CONT "$(f_pid)"
}
held_change trkA
t_check_within 5 "s1 follows priority 150 on all $n instances" all s1 BACKUP 150
t_note "s1 logged $(($(lost) - lost0)) resync(s) after reports lost to the full ring"
t_compare "s1: no transition while following the change" "$(sum_transitions s1)" == "$t1"

held_change trkB
t_check_within 10 "s1 takes over all $n instances" all s1 MASTER
t_check_within 5 "s2 BACKUP of all $n" all s2 BACKUP
vips() { ip -n "$(lab_ns "$1")" -4 -o addr show dev dummy0 | grep -c ' inet .*/32 '; }
t_compare "VIPs on s1" "$(vips s1)" == "$n"
t_compare "VIPs on s2" "$(vips s2)" == 0
t_compare "the ring overflowed (resyncs logged by s1)" "$(($(lost) - lost0))" -ge 1
# A reload that live-updates every instance at once (priority 100 -> 101 on the MASTER of
# all): applied in one pass, nothing moves.
t2=$(sum_transitions s1)
sed -i 's/^priority 100$/priority 101/' "$LAB_WORK/s1.conf"
lab_daemon_signal s1 HUP
reloaded() { grep -q "Reload done: $n instance(s): $n live-updated" "$LAB_WORK/s1.log"; }
t_check_within 10 "s1 live-updates all $n instances on SIGHUP" reloaded
t_check_within 5 "s1 still MASTER of all $n after the reload" all s1 MASTER
t_compare "s1: no transition across the reload" "$(sum_transitions s1)" == "$t2"
f_no_leak "after the changes"
f_no_spin "after the changes" 2
pid=$(f_pid)
lab_daemon_signal s1 TERM
t_check "s1 exits on SIGTERM within 15 s" lab_daemon_wait_exit s1 15
t_compare "after exit: VIPs on s1" "$(vips s1)" == 0
progs=$(ip -n "$(lab_ns s1)" -d link show 2>/dev/null | grep -c 'prog/xdp')
t_compare "after exit: XDP programs in s1's namespace" "$progs" == 0
t_compare "after exit: pins under $F_PIN_DIR" "$(f_pins)" == 0
t_check "after exit: no process left with s1's pid" bash -c "! kill -0 $pid 2>/dev/null"
t_pass "$n instances changed at once, twice: none lost, every one in the right state"
