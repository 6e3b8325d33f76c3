#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck disable=SC2317 # the predicates below run through r_wait
# A reload that removes or rebuilds a MASTER instance hands over make-before-break:
#   handover.sh [BOUND_MS]
# The seed pair (one unicast peer: the backup takes over as soon as it hears priority 0),
# client-1 probing the VIP every 1 ms (xvrrp-probe), the wire watched from the switch:
#  A. server-1's instance is removed from its config: its runtime sends priority 0 on VRID
#     100, keeps the VIP until server-2's advert is heard, then lets go;
#  B. both configs change VRID 100 -> 101, server-1 reloaded first, server-2 0.3 s later.
#     server-1's old VRID hands over to server-2; server-2's old VRID has nobody to hand
#     over to and keeps the VIP until its rebuilt instance hears server-1's new MASTER
#     (about 3.6 s after the first reload). A broken config and a second reload arrive
#     while server-2 is still handing over: the first changes nothing, the second keeps it.
#  D. then both configs change VRRP version 2 -> 3 (the same VRID on the wire): each
#     rebuilt instance starts once its predecessor has let go; server-1 ends MASTER;
#  C. then, with server-2 gone, server-1's instance is removed (nobody to hand over to)
#     and SIGTERM arrives while it is handing over: it exits cleanly within the bound.
# A and B must each keep the longest gap between probe replies at or under BOUND_MS
# (default 200; a stop-and-start rebuild leaves the VIP unheld for ~3.3 s in B) and end
# with the expected host alone holding the VIP; the old VRID's priority 0 adverts must be
# on the wire; D must keep the same bound. Run time: about 38 s.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=ctl.sh
source "$here/ctl.sh"
t_need_xvrrpd
bound=${1:-200}
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"
command -v python3 >/dev/null || t_fail "python3 not installed"

lab_init "xrh$$"
t_use_probe 1
c1=$LAB_WORK/s1.conf
c2=$LAB_WORK/s2.conf

# Fresh topology, the seed's configs, steady state, the probe and the wire watch running.
start_pair() {
  lab_topology_up
  cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$c1"
  cp "$LAB_DATA_DIR/server-2.keepalived.conf" "$c2"
  : >"$LAB_WORK/s1.log"
  : >"$LAB_WORK/s2.log"
  lab_daemon_start s1 xvrrpd "$c1"
  lab_daemon_start s2 xvrrpd "$c2"
  lab_wait_steady 15 || t_fail "$1: no steady state (s1 MASTER, s2 BACKUP)"
  ip netns exec "$(lab_ns sw)" python3 "$here/vrrp_sniff.py" >"$LAB_WORK/wire.txt" 2>&1 &
  LAB_BG_PIDS+=("$!")
  # The watch is up once it has seen an advert (one a second).
  r_wait 3 test -s "$LAB_WORK/wire.txt" || t_fail "$1: the wire watch saw no advert: $(head -c 300 "$LAB_WORK/wire.txt")"
  lab_probe_start xvrrp-probe
  sleep 0.5
}

# Stops the probe; checks the longest gap and the holder; sets P_OUT (ms), P_LOST, P_SENT.
finish_probe() {
  local what=$1 expect=$2 rest
  sleep 0.5
  lab_probe_stop
  read -r P_OUT P_LOST P_SENT rest < <(lab_probe_result)
  [[ $P_OUT == - ]] && P_OUT=0
  [[ $(lab_vip_holders) == "$expect" ]] ||
    t_fail "$what: VIP holders '$(lab_vip_holders)', expected $expect alone"
  t_assert_le_ms "$what: longest gap between VIP replies" "${P_OUT%.*}" "$bound"
}

# Priority 0 adverts from SRC on VRID after epoch AFTER, as seen on the switch.
zeros_on_wire() {
  awk -v src="$1" -v vrid="$2" -v after="$3" '$1 > after && $2 == src && $4 == vrid && $5 == 0' \
    "$LAB_WORK/wire.txt" | wc -l
}
logged_after() { # HOST AFTER PATTERN: a log line after epoch AFTER matches PATTERN
  awk -v after="$2" '$1 + 0 > after + 0' "$LAB_WORK/$1.log" | grep -q -- "$3"
}
holders_are() { [[ $(lab_vip_holders) == "$1" ]]; }
released() { logged_after "$1" "$2" "(service-100) VRID 100 released after"; }

# ---- A: the master's instance removed --------------------------------------------------
start_pair A
printf 'global_defs {\nrouter_id server-1\n}\n' >"$c1"
t0=$EPOCHREALTIME
lab_daemon_signal s1 HUP
r_wait 5 released s1 "$t0" || t_fail "A: server-1 did not release VRID 100"
finish_probe A s2
a_out=$P_OUT a_lost=$P_LOST a_sent=$P_SENT
logged_after s1 "$t0" "VRID 100 released after [0-9.]* ms (new master heard)" ||
  t_fail "A: server-1 let go before hearing the new master: $(grep 'released after' "$LAB_WORK/s1.log")"
logged_after s2 "$t0" "(service-100) priority 0 advert received" || t_fail "A: server-2 never heard priority 0"
a_zeros=$(zeros_on_wire 192.0.2.5 100 "$t0")
((a_zeros >= 1)) || t_fail "A: no priority 0 advert from server-1 on VRID 100 on the wire"
a_held=$(grep -o 'VRID 100 released after [0-9.]* ms' "$LAB_WORK/s1.log" | grep -o '[0-9.]* ms')
t_ok "A: instance removed: gap $a_out ms, $a_lost of $a_sent probes lost, $a_zeros priority 0 on the wire, VIP held $a_held after the reload"
lab_topology_down

# ---- B: VRID 100 -> 101 on both nodes --------------------------------------------------
start_pair B
sed -i 's/^virtual_router_id 100$/virtual_router_id 101/' "$c1" "$c2"
t0=$EPOCHREALTIME
lab_daemon_signal s1 HUP
sleep 0.3
t2=$EPOCHREALTIME
lab_daemon_signal s2 HUP
r_wait 2 logged_after s2 "$t2" "(service-100) handing over VRID 100" || t_fail "B: server-2 is not handing over"
# While server-2 hands over: a broken config changes nothing, a valid one keeps the retiring VRID.
reloads_are() { [[ $(r_status s2 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["reloads"], d["reload_failures"])') == "$1" ]]; }
sed -i 's/^virtual_router_id 101$/virtual_router_id 300/' "$c2"
lab_daemon_signal s2 HUP
r_wait 2 reloads_are "2 1" || t_fail "B: the broken reload was not refused"
released s2 "$t2" && t_fail "B: the broken reload released the retiring VRID"
sed -i 's/^virtual_router_id 300$/virtual_router_id 101/' "$c2"
lab_daemon_signal s2 HUP
r_wait 2 reloads_are "3 1" || t_fail "B: the second reload while handing over failed"
[[ $(lab_vip_holders) == *s2* ]] || t_fail "B: server-2 let go of the VIP during its handover"
r_wait 8 released s2 "$t2" || t_fail "B: server-2 did not release VRID 100"
r_wait 2 holders_are s1 || t_fail "B: VIP holders '$(lab_vip_holders)' after the handover"
finish_probe B s1
b_out=$P_OUT b_lost=$P_LOST b_sent=$P_SENT
logged_after s1 "$t0" "VRID 100 released after [0-9.]* ms (new master heard)" ||
  t_fail "B: server-1's old VRID let go before server-2 took it: $(grep 'released after' "$LAB_WORK/s1.log")"
logged_after s2 "$t2" "VRID 100 released after [0-9.]* ms (the new instance heard a master)" ||
  t_fail "B: server-2's old VRID let go before server-1's new one was MASTER: $(grep 'released after' "$LAB_WORK/s2.log")"
[[ $(r_field s1 'i["vrid"], i["state"]') == "101 MASTER" ]] || t_fail "B: server-1 is not MASTER of VRID 101"
[[ $(r_field s2 'i["vrid"], i["state"]') == "101 BACKUP" ]] || t_fail "B: server-2 is not BACKUP of VRID 101"
b1=$(zeros_on_wire 192.0.2.5 100 "$t0") b2=$(zeros_on_wire 192.0.2.6 100 "$t2")
((b1 >= 1 && b2 >= 1)) || t_fail "B: priority 0 on VRID 100 on the wire: server-1 $b1, server-2 $b2"
b_held=$(grep -o 'VRID 100 released after [0-9.]* ms' "$LAB_WORK/s2.log" | grep -o '[0-9.]* ms')
t_ok "B: VRID 100 -> 101 on both: gap $b_out ms, $b_lost of $b_sent probes lost, priority 0 on VRID 100: server-1 $b1, server-2 $b2; server-2 held the VIP $b_held after its reload"

# ---- D: VRRP version 2 -> 3 on both nodes, VRID 101 kept -------------------------
# The rebuilt instance needs the receive slot its retiring predecessor holds: it starts once
# that one is released.
lab_probe_start xvrrp-probe
sleep 0.5
sed -i 's/^advert_int 1$/advert_int 1\nversion 3/' "$c1" "$c2"
t0=$EPOCHREALTIME
lab_daemon_signal s1 HUP
sleep 0.3
t2=$EPOCHREALTIME
lab_daemon_signal s2 HUP
r_wait 8 logged_after s2 "$t2" "(service-100) starting: the VRID was released" ||
  t_fail "D: server-2's rebuilt instance never started"
logged_after s2 "$t2" "(service-100) starts once the retiring instance" || t_fail "D: server-2 did not wait for the VRID"
version_state_is() { [[ $(r_field "$1" 'i["version"], i["state"]') == "$2" ]]; }
r_wait 3 version_state_is s2 "3 BACKUP" || t_fail "D: server-2 is not a VRRPv3 BACKUP"
r_wait 3 holders_are s1 || t_fail "D: VIP holders '$(lab_vip_holders)'"
finish_probe D s1
version_state_is s1 "3 MASTER" || t_fail "D: server-1 is not a VRRPv3 MASTER"
t_ok "D: version 2 -> 3 on both: gap $P_OUT ms, $P_LOST of $P_SENT probes lost"
d_out=$P_OUT d_lost=$P_LOST

# ---- C: SIGTERM while handing over -----------------------------------------------------
lab_daemon_signal s2 TERM
lab_daemon_wait_exit s2 5 || t_fail "C: server-2 did not stop"
printf 'global_defs {\nrouter_id server-1\n}\n' >"$c1"
t0=$EPOCHREALTIME
lab_daemon_signal s1 HUP
r_wait 2 logged_after s1 "$t0" "(service-100) handing over VRID 101" || t_fail "C: server-1 is not handing over"
sleep 0.3
[[ $(lab_vip_holders) == s1 ]] || t_fail "C: server-1 let go of the VIP before the bound"
lab_daemon_signal s1 TERM
lab_daemon_wait_exit s1 6 || t_fail "C: server-1 did not exit within the handover bound"
r_wait 1 logged_after s1 "$t0" "Stopped xvrrpd" || t_fail "C: no clean stop"
[[ -z $(lab_vip_holders) ]] || t_fail "C: VIP left on '$(lab_vip_holders)' after the stop"
ip -n "$(lab_ns s1)" link show eth0 | grep -q prog/xdp && t_fail "C: XDP still attached to server-1's eth0"
lab_topology_down
t_pass "reload handover: removed master gap $a_out ms ($a_lost lost), VRID change on both gap $b_out ms ($b_lost lost), SIGTERM while handing over clean, version change gap $d_out ms ($d_lost lost) (bound $bound ms)"
