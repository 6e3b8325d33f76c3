#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A second xvrrpd started with the running one's router id is refused, and the
# running one is unharmed: it closes the refused daemon's liveness probe (its
# control socket client) instead of spinning on it, stays at low CPU and keeps
# its VIP. Runs in about 8 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
source "$here/../lib/harness.sh"
t_begin same-router-id
t_require_root
t_require_tools jq
t_use_lab "xsr$$"
XVRRPD=$(lab_find_bin xvrrpd) || t_fail "xvrrpd not built"
S1=$T_REPO_DIR/tests/integration/daemon/data/server-1.keepalived.conf
# Percent of one CPU the first daemon may use while idle as the only MASTER; it
# uses well under 1 %, a spinning loop 100 %.
CPU_LIMIT_PCT=${CPU_LIMIT_PCT:-10}

# CPU time (utime + stime, clock ticks) of PID.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
vip_on_s1() { [[ $(lab_vip_holders) == s1 ]]; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
t_on_failure() { tail -n 40 "$LAB_WORK/s1.log" 2>/dev/null; }

lab_topology_up
lab_daemon_start s1 xvrrpd "$S1"
t_check_within 10 "s1 becomes MASTER with the VIP (alone on the link)" vip_on_s1
pid=${LAB_DAEMON_PID[s1]}
fds_before=$(fd_count "$pid")

output=$(ip netns exec "$(lab_ns s1)" timeout 10 "$XVRRPD" -f "$S1" --control "$LAB_WORK/s1.ctl" 2>&1)
t_compare "second daemon with the same router id exits 1" "$?" == 1
t_compare "second daemon says why" "$output" =~ 'another xvrrpd is running with this router id'

sleep 0.5  # let the first daemon handle the probe's connection
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$pid")
sleep 2
t1=$(cpu_ticks "$pid")
pct=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN{printf "%.1f", 100 * d / hz / 2}')
t_note "first daemon's CPU over 2 s after the refused start: $pct % (limit $CPU_LIMIT_PCT %)"
t_compare "first daemon stays below $CPU_LIMIT_PCT % CPU" "$pct" -lt "$CPU_LIMIT_PCT"
t_compare "first daemon did not keep the probe's fd (fds after vs before)" "$(fd_count "$pid")" -le "$fds_before"
t_check "first daemon still running" lab_daemon_alive s1
t_check "VIP still on s1" vip_on_s1
t_compare "first daemon still answers status as MASTER" "$(t_state s1)" == MASTER
