#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xvrrpd's lifecycle on the seed's topology (tools/lab/lib.sh), with the seed's
# configs verbatim: config check, bad config leaves nothing behind, capability
# drop, control socket, VIP restore, SIGHUP without flapping, SIGKILL + restart
# (stale XDP program and VIPs), clean exit (no VIP, no XDP), and --rx=socket.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../lib/harness.sh
source "$repo/tests/integration/lib/harness.sh"
t_begin lifecycle
t_require_root
t_require_tools jq python3
# shellcheck source=../../../tools/lab/lib.sh
source "$repo/tools/lab/lib.sh"
XVRRPD=$(lab_find_bin xvrrpd) || t_fail "xvrrpd not built"
DATA=$repo/tests/integration/daemon/data
S1=$DATA/server-1.keepalived.conf
S2=$DATA/server-2.keepalived.conf

ns() { lab_ns "$1"; }
state_is() { [[ $(lab_state "$1") == "$2" ]]; }
vip_on() { [[ $(lab_vip_holders) == "$1" ]]; }
has_xdp() { grep -q 'prog/xdp' <<<"$(ip -n "$(ns "$1")" link show eth0 2>/dev/null)"; }
json_get() {  # json_get EXPR < json: prints eval(EXPR) with d = the document
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
t_on_failure() {
  local h
  for h in s1 s2; do echo "--- $h"; tail -n 40 "$LAB_WORK/$h.log" 2>/dev/null; done
}

lab_init "xlc$$"

echo "# configuration check"
t_check "seed server-1 config passes -t" "$XVRRPD" -t -f "$S1"
t_check "seed server-2 config passes -t" "$XVRRPD" -t -f "$S2"
out=$("$XVRRPD" -t -f "$S1" 2>&1)
t_check "auth_pass truncation is warned with file:line" grep -q 'server-1.keepalived.conf:14: warning: auth_pass' <<<"$out"
bad=$LAB_WORK/bad.conf
sed 's/virtual_router_id 100/virtual_router_id 300/' "$S1" >"$bad"
out=$("$XVRRPD" -t -f "$bad" 2>&1)
rc=$?
t_check "bad vrid fails -t with exit 1" test "$rc" -eq 1
t_check "bad vrid error names file:line and the expected range" \
  grep -q "bad.conf:8: error: virtual_router_id 300 out of range (expected 1..255)" <<<"$out"

lab_topology_up
echo "# a bad config touches nothing"
ip netns exec "$(ns s1)" "$XVRRPD" -f "$bad" >"$LAB_WORK/bad.log" 2>&1
t_check "daemon refuses a bad config with exit 1" test $? -eq 1
t_check "no VIP after the refused start" test -z "$(lab_vip_holders)"
t_check "no XDP program after the refused start" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
t_check "no control socket after the refused start" test ! -e /run/xvrrp/server-1.ctl

echo "# a stale VIP from a previous run is removed at start-up"
ip -n "$(ns s2)" addr add 192.0.2.100/24 brd 192.0.2.255 dev dummy0
lab_daemon_start s1 xvrrpd "$S1"
lab_daemon_start s2 xvrrpd "$S2"
t_check "steady state: s1 MASTER with the VIP, s2 BACKUP" lab_wait_steady 15
t_check "the stale VIP on s2 was removed" test "$(lab_vip_holders)" = s1

echo "# capabilities"
pid=${LAB_DAEMON_PID[s1]}
capeff=$(awk '/^CapEff/{print $2}' "/proc/$pid/status")
# CAP_NET_ADMIN (12), CAP_NET_RAW (13), CAP_PERFMON (38), CAP_BPF (39)
t_check "CapEff is NET_ADMIN|NET_RAW|PERFMON|BPF only (got $capeff)" test "$capeff" = 000000c000003000
capbnd=$(awk '/^CapBnd/{print $2}' "/proc/$pid/status")
t_check "bounding set is NET_ADMIN|NET_RAW|PERFMON|BPF only (got $capbnd)" test "$capbnd" = 000000c000003000

echo "# control socket"
js=$(t_status s1)
t_check "status: router_id" test "$(json_get 'd["router_id"]' <<<"$js")" = server-1
t_check "status: rx is xdp" test "$(json_get 'd["rx"]' <<<"$js")" = xdp
t_check "status: MASTER" test "$(json_get 'd["instances"][0]["state"]' <<<"$js")" = MASTER
t_check "status: VIPs present" test "$(json_get 'd["instances"][0]["vips_present"]' <<<"$js")" = True
js2=$(t_status s2)
t_check "status on s2: BACKUP with master 192.0.2.5" \
  test "$(json_get 'd["instances"][0]["state"] + " " + d["instances"][0]["master"]' <<<"$js2")" = "BACKUP 192.0.2.5"
t_check "status on s2: last advert is recent" \
  test "$(json_get 'int(d["instances"][0]["last_advert_age_ms"] < 3700)' <<<"$js2")" = 1

echo "# a VIP deleted behind our back is put back"
ip -n "$(ns s1)" addr del 192.0.2.100/24 dev dummy0
t_check "VIP restored on s1 within 2 s" t_wait_until 2 vip_on s1

echo "# SIGHUP with an unchanged config does not flap"
reloads1=$(t_status s1 | jq -r .reloads)
before1=$(lab_transitions s1)
before2=$(lab_transitions s2)
lab_daemon_signal s1 HUP
lab_daemon_signal s2 HUP
sleep 3
t_compare "s1 counted the reload (status reloads)" "$(t_status s1 | jq -r .reloads)" == "$((reloads1 + 1))"
t_compare "no transition on s1 after SIGHUP (status counter)" "$(lab_transitions s1)" == "$before1"
t_compare "no transition on s2 after SIGHUP (status counter)" "$(lab_transitions s2)" == "$before2"
t_check "VIP still only on s1" test "$(lab_vip_holders)" = s1

echo "# the backup's eth0 is deleted and recreated while it runs: it rebinds XDP"
lab_eth0_del s2
t_check "s2 enters FAULT when eth0 is gone" t_wait_until 3 state_is s2 FAULT
lab_eth0_add s2
t_check "s2 back to BACKUP after eth0 returns" t_wait_until 6 state_is s2 BACKUP
t_check "s2 re-attached XDP to the new eth0" has_xdp s2
t_check "s2 daemon still running" lab_daemon_alive s2
n2=$(lab_transitions s2)
sleep 5
t_compare "s2 stays BACKUP (it hears s1's adverts on the new eth0)" "$(t_state s2)" == BACKUP
t_compare "s2: no transition in those 5 s (status counter)" "$(lab_transitions s2)" == "$n2"

echo "# SIGKILL (crash) of the master, then restart: stale XDP and VIP handled"
t0=$EPOCHREALTIME
lab_daemon_signal s1 KILL
lab_daemon_wait_exit s1 3
t_check "s2 takes over within 6 s of the crash" t_wait_until 6 state_is s2 MASTER
lab_daemon_start s1 xvrrpd "$S1"
t_check "restarted s1 starts and preempts (MASTER within 6 s)" t_wait_until 6 state_is s1 MASTER
t_check "s2 went back to BACKUP" t_wait_until 3 state_is s2 BACKUP
t_check "VIP only on s1 after preemption" t_wait_until 2 vip_on s1
t_check "client reaches the VIP" lab_client_reaches_vip 3
: "$t0"

echo "# clean exit leaves nothing behind"
lab_daemon_signal s1 TERM
lab_daemon_signal s2 TERM
# Both stop at once: the master waits up to one Master_Down_Interval (3.6 s) for a successor.
t_check "s1 exits within 6 s" lab_daemon_wait_exit s1 6
t_check "s2 exits within 6 s" lab_daemon_wait_exit s2 6
t_check "no VIP left on either server" test -z "$(lab_vip_holders)"
t_check "no XDP program left on s1" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
t_check "no XDP program left on s2" bash -c "! ip -n $(ns s2) link show eth0 | grep -q prog/xdp"
t_check "control sockets removed" test ! -e "$LAB_WORK/s1.ctl" -a ! -e "$LAB_WORK/s2.ctl"

echo "# --rx=socket: the same election and failover without XDP"
# s1 also reports to a stand-in for systemd's notify socket (Type=notify).
notify_sock=$LAB_WORK/notify.sock
python3 - "$notify_sock" >"$LAB_WORK/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
print(s.recv(4096).decode(), flush=True)
PY
notify_pid=$!
t_wait_until 5 test -S "$notify_sock"
NOTIFY_SOCKET=$notify_sock LAB_XVRRPD_ARGS="--rx=socket" lab_daemon_start s1 xvrrpd "$S1"
LAB_XVRRPD_ARGS="--rx=socket" lab_daemon_start s2 xvrrpd "$S2"
t_check "socket rx: steady state" lab_wait_steady 15
wait "$notify_pid"
t_check "sd_notify: READY=1 with a status line reached NOTIFY_SOCKET" \
  grep -q 'READY=1' "$LAB_WORK/notify.out"
t_check "sd_notify: MAINPID is the daemon" grep -q "MAINPID=${LAB_DAEMON_PID[s1]}" "$LAB_WORK/notify.out"
t_check "socket rx: no XDP program attached" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
t_check "socket rx: status says socket" test "$(t_status s1 | json_get 'd["rx"]')" = socket
t0=$EPOCHREALTIME
lab_daemon_signal s1 TERM
t_check "socket rx: s2 MASTER within 2 s of s1's SIGTERM" t_wait_until 2 state_is s2 MASTER
t_check "socket rx: VIP on s2 only" t_wait_until 2 vip_on s2
: "$t0"

