#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xvrrpd's lifecycle on the seed's topology (tools/lab/lib.sh), with the seed's
# configs verbatim: config check, bad config leaves nothing behind, capability
# drop, control socket, VIP restore, SIGHUP without flapping, SIGKILL + restart
# (stale XDP program and VIPs), clean exit (no VIP, no XDP), and --rx=socket.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../tools/lab/lib.sh
source "$repo/tools/lab/lib.sh"

[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (namespaces, XDP)"; exit 77; }
XVRRPD=$(lab_find_bin xvrrpd) || { echo "FAIL: xvrrpd not built"; exit 1; }
DATA=$repo/tests/integration/daemon/data
S1=$DATA/server-1.keepalived.conf
S2=$DATA/server-2.keepalived.conf

failures=0
check() {  # check "description" command...
  local what=$1
  shift
  if "$@"; then
    echo "ok   - $what"
  else
    echo "FAIL - $what"
    failures=$((failures + 1))
  fi
}
wait_for() {  # wait_for SECONDS command...: polls every 50 ms
  local secs=$1 deadline
  shift
  deadline=$((SECONDS + secs))
  while ((SECONDS <= deadline)); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}
ns() { lab_ns "$1"; }
state_is() { [[ $(lab_last_state "$1") == "$2" ]]; }
vip_on() { [[ $(lab_vip_holders) == "$1" ]]; }
count_entering() { lab_log_since_start "$1" | grep -c 'Entering [A-Z]* STATE'; }
has_xdp() { ip -n "$(ns "$1")" link show eth0 2>/dev/null | grep -q 'prog/xdp'; }
status_json() {  # status_json HOST: the daemon's reply to "status" (lab control socket)
  python3 - "$LAB_WORK/$1.ctl" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"status\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
print(data.decode())
PY
}
json_get() {  # json_get EXPR < json: prints eval(EXPR) with d = the document
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

lab_init "xlc$$"

echo "# configuration check"
check "seed server-1 config passes -t" "$XVRRPD" -t -f "$S1"
check "seed server-2 config passes -t" "$XVRRPD" -t -f "$S2"
out=$("$XVRRPD" -t -f "$S1" 2>&1)
check "auth_pass truncation is warned with file:line" grep -q 'server-1.keepalived.conf:14: warning: auth_pass' <<<"$out"
bad=$LAB_WORK/bad.conf
sed 's/virtual_router_id 100/virtual_router_id 300/' "$S1" >"$bad"
out=$("$XVRRPD" -t -f "$bad" 2>&1)
rc=$?
check "bad vrid fails -t with exit 1" test "$rc" -eq 1
check "bad vrid error names file:line and the expected range" \
  grep -q "bad.conf:8: error: virtual_router_id 300 out of range (expected 1..255)" <<<"$out"

lab_topology_up
echo "# a bad config touches nothing"
ip netns exec "$(ns s1)" "$XVRRPD" -f "$bad" >"$LAB_WORK/bad.log" 2>&1
check "daemon refuses a bad config with exit 1" test $? -eq 1
check "no VIP after the refused start" test -z "$(lab_vip_holders)"
check "no XDP program after the refused start" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
check "no control socket after the refused start" test ! -e /run/xvrrp/server-1.ctl

echo "# a stale VIP from a previous run is removed at start-up"
ip -n "$(ns s2)" addr add 192.0.2.100/24 brd 192.0.2.255 dev dummy0
lab_daemon_start s1 xvrrpd "$S1"
lab_daemon_start s2 xvrrpd "$S2"
check "steady state: s1 MASTER with the VIP, s2 BACKUP" lab_wait_steady 15
check "the stale VIP on s2 was removed" test "$(lab_vip_holders)" = s1

echo "# capabilities"
pid=${LAB_DAEMON_PID[s1]}
capeff=$(awk '/^CapEff/{print $2}' "/proc/$pid/status")
# CAP_NET_ADMIN (12), CAP_NET_RAW (13), CAP_PERFMON (38), CAP_BPF (39)
check "CapEff is NET_ADMIN|NET_RAW|PERFMON|BPF only (got $capeff)" test "$capeff" = 000000c000003000
capbnd=$(awk '/^CapBnd/{print $2}' "/proc/$pid/status")
check "bounding set is NET_ADMIN|NET_RAW|PERFMON|BPF only (got $capbnd)" test "$capbnd" = 000000c000003000

echo "# control socket"
js=$(status_json s1)
check "status: router_id" test "$(json_get 'd["router_id"]' <<<"$js")" = server-1
check "status: rx is xdp" test "$(json_get 'd["rx"]' <<<"$js")" = xdp
check "status: MASTER" test "$(json_get 'd["instances"][0]["state"]' <<<"$js")" = MASTER
check "status: VIPs present" test "$(json_get 'd["instances"][0]["vips_present"]' <<<"$js")" = True
js2=$(status_json s2)
check "status on s2: BACKUP with master 192.0.2.5" \
  test "$(json_get 'd["instances"][0]["state"] + " " + d["instances"][0]["master"]' <<<"$js2")" = "BACKUP 192.0.2.5"
check "status on s2: last advert is recent" \
  test "$(json_get 'int(d["instances"][0]["last_advert_age_ms"] < 3700)' <<<"$js2")" = 1

echo "# a VIP deleted behind our back is put back"
ip -n "$(ns s1)" addr del 192.0.2.100/24 dev dummy0
check "VIP restored on s1 within 2 s" wait_for 2 vip_on s1

echo "# SIGHUP with an unchanged config does not flap"
before1=$(count_entering s1)
before2=$(count_entering s2)
lab_daemon_signal s1 HUP
lab_daemon_signal s2 HUP
sleep 3
check "s1 logged the reload" bash -c "grep -q 'Reload done' $LAB_WORK/s1.log"
check "no transition on s1 after SIGHUP" test "$(count_entering s1)" = "$before1"
check "no transition on s2 after SIGHUP" test "$(count_entering s2)" = "$before2"
check "VIP still only on s1" test "$(lab_vip_holders)" = s1

echo "# the backup's eth0 is deleted and recreated while it runs: it rebinds XDP"
lab_eth0_del s2
check "s2 enters FAULT when eth0 is gone" wait_for 3 state_is s2 FAULT
lab_eth0_add s2
check "s2 back to BACKUP after eth0 returns" wait_for 6 state_is s2 BACKUP
check "s2 re-attached XDP to the new eth0" has_xdp s2
check "s2 daemon still running" lab_daemon_alive s2
check "s2 stays BACKUP (it hears s1's adverts on the new eth0)" bash -c "sleep 5; [[ \$(grep -c 'Entering MASTER' $LAB_WORK/s2.log) -eq 0 ]]"

echo "# SIGKILL (crash) of the master, then restart: stale XDP and VIP handled"
t0=$EPOCHREALTIME
lab_daemon_signal s1 KILL
lab_daemon_wait_exit s1 3
check "s2 takes over within 6 s of the crash" wait_for 6 state_is s2 MASTER
lab_daemon_start s1 xvrrpd "$S1"
check "restarted s1 starts and preempts (MASTER within 6 s)" wait_for 6 state_is s1 MASTER
check "s2 went back to BACKUP" wait_for 3 state_is s2 BACKUP
check "VIP only on s1 after preemption" wait_for 2 vip_on s1
check "client reaches the VIP" lab_client_reaches_vip 3
: "$t0"

echo "# clean exit leaves nothing behind"
lab_daemon_signal s1 TERM
lab_daemon_signal s2 TERM
check "s1 exits within 3 s" lab_daemon_wait_exit s1 3
check "s2 exits within 3 s" lab_daemon_wait_exit s2 3
check "no VIP left on either server" test -z "$(lab_vip_holders)"
check "no XDP program left on s1" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
check "no XDP program left on s2" bash -c "! ip -n $(ns s2) link show eth0 | grep -q prog/xdp"
check "control sockets removed" test ! -e "$LAB_WORK/s1.ctl" -a ! -e "$LAB_WORK/s2.ctl"

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
wait_for 5 test -S "$notify_sock"
NOTIFY_SOCKET=$notify_sock LAB_XVRRPD_ARGS="--rx=socket" lab_daemon_start s1 xvrrpd "$S1"
LAB_XVRRPD_ARGS="--rx=socket" lab_daemon_start s2 xvrrpd "$S2"
check "socket rx: steady state" lab_wait_steady 15
wait "$notify_pid"
check "sd_notify: READY=1 with a status line reached NOTIFY_SOCKET" \
  grep -q 'READY=1' "$LAB_WORK/notify.out"
check "sd_notify: MAINPID is the daemon" grep -q "MAINPID=${LAB_DAEMON_PID[s1]}" "$LAB_WORK/notify.out"
check "socket rx: no XDP program attached" bash -c "! ip -n $(ns s1) link show eth0 | grep -q prog/xdp"
check "socket rx: status says socket" test "$(status_json s1 | json_get 'd["rx"]')" = socket
t0=$EPOCHREALTIME
lab_daemon_signal s1 TERM
check "socket rx: s2 MASTER within 2 s of s1's SIGTERM" wait_for 2 state_is s2 MASTER
check "socket rx: VIP on s2 only" wait_for 2 vip_on s2
: "$t0"

if ((failures)); then
  echo "lifecycle: $failures check(s) failed; logs:"
  for h in s1 s2; do echo "--- $h"; tail -n 40 "$LAB_WORK/$h.log"; done
  exit 1
fi
echo "lifecycle: all checks passed"
