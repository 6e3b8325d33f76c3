#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A second xvrrpd started with the running one's router id is refused, and the
# running one is unharmed: it closes the refused daemon's liveness probe (its
# control socket client) instead of spinning on it, stays at low CPU and keeps
# its VIP. Runs in about 10 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../tools/lab/lib.sh
source "$repo/tools/lab/lib.sh"

[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (namespaces, XDP)"; exit 77; }
XVRRPD=$(lab_find_bin xvrrpd) || { echo "FAIL: xvrrpd not built"; exit 1; }
S1=$repo/tests/integration/daemon/data/server-1.keepalived.conf
# Percent of one CPU the first daemon may use while idle as the only MASTER; it
# uses well under 1 %, a spinning loop 100 %.
CPU_LIMIT_PCT=${CPU_LIMIT_PCT:-10}

failures=0
check() {  # check "description" command...
  local what=$1
  shift
  if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; failures=$((failures + 1)); fi
}
wait_for() {  # wait_for SECONDS command...: polls every 50 ms
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS <= deadline)); do "$@" && return 0; sleep 0.05; done
  return 1
}
# CPU time (utime + stime, clock ticks) of PID.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
vip_on_s1() { [[ $(lab_vip_holders) == s1 ]]; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }

lab_init "xsr$$"
lab_topology_up
lab_daemon_start s1 xvrrpd "$S1"
check "s1 becomes MASTER with the VIP (alone on the link)" wait_for 10 vip_on_s1
pid=${LAB_DAEMON_PID[s1]}
fds_before=$(fd_count "$pid")

out=$(ip netns exec "$(lab_ns s1)" timeout 10 "$XVRRPD" -f "$S1" --control "$LAB_WORK/s1.ctl" 2>&1)
rc=$?
check "second daemon with the same router id exits 1 (got $rc)" test "$rc" -eq 1
check "second daemon says why" grep -q 'another xvrrpd is running with this router id' <<<"$out"

sleep 0.5  # let the first daemon handle the probe's connection
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$pid")
sleep 2
t1=$(cpu_ticks "$pid")
pct=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN{printf "%.1f", 100 * d / hz / 2}')
echo "# first daemon's CPU over 2 s after the refused start: $pct % (limit $CPU_LIMIT_PCT %)"
check "first daemon stays below $CPU_LIMIT_PCT % CPU ($pct %)" \
  awk -v p="$pct" -v l="$CPU_LIMIT_PCT" 'BEGIN{exit !(p < l)}'
fds_after=$(fd_count "$pid")
check "first daemon did not keep the probe's fd ($fds_before fds before, $fds_after after)" \
  test "$fds_after" -le "$fds_before"
check "first daemon still running" lab_daemon_alive s1
check "VIP still on s1" vip_on_s1
reply=$(python3 - "$LAB_WORK/s1.ctl" <<'PY'
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
)
check "first daemon still answers status as MASTER" \
  test "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["state"])' <<<"$reply")" = MASTER

if ((failures)); then
  echo "same-router-id: $failures check(s) failed; log:"
  tail -n 40 "$LAB_WORK/s1.log"
  exit 1
fi
echo "same-router-id: all checks passed"
