#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # functions run through t_check and t_wait_until
# Two xvrrpd with different router ids on one interface, in single-program XDP mode (no
# libxdp dispatcher: the kernel holds one XDP program per interface). The seed pair runs;
# on server-2 (BACKUP, hearing server-1 through its XDP program) a second daemon "other"
# (VRID 51 on the same eth0) starts:
#   1. in XDP mode it refuses to start with exit 1 and says whose program holds eth0; the
#      first daemon's program stays attached and it still hears server-1 (stays BACKUP);
#   2. with --rx=socket it runs beside the first (MASTER for VRID 51, alone), and the
#      first stays BACKUP: its XDP program passes adverts that are not its own;
#   3. after a SIGKILL of the first daemon, its program stays on eth0; "other" in XDP mode
#      finds its owner dead, removes it (logged) and attaches its own.
# Runs in about 15 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
source "$here/../lib/harness.sh"
t_begin two-router-ids
t_require_root
t_require_tools jq
t_use_lab "xtr$$"
XVRRPD=$(lab_find_bin xvrrpd) || t_fail "xvrrpd not built"
DATA=$T_REPO_DIR/tests/integration/daemon/data
OTHER=$LAB_WORK/other.conf
cat >"$OTHER" <<'CONF'
global_defs {
router_id other
}
vrrp_instance service-51 {
state BACKUP
interface eth0
virtual_router_id 51
priority 100
advert_int 0.1
version 3
virtual_ipaddress {
198.51.100.51/24 dev dummy0
}
}
CONF
s2=$(lab_ns s2)
other_pid=

xdp_prog_id() { ip -n "$s2" -d link show eth0 | grep -o 'prog/xdp id [0-9]*' | awk '{print $3}'; }
# Adverts of VRID 100 seen by server-2's first daemon's XDP program (accepted + suppressed
# duplicates), from its pinned counters, read through /proc (its bpffs is its own).
received() {
  "$(lab_find_bin xvrrpctl)" -r server2-2 --pin-root "/proc/$first_pid/root/sys/fs/bpf/xvrrp" \
    counters --json | jq '[.counters[] | select(.vrid == 100) | .accepted + .suppressed] | add // 0'
}
other_state() { t_status other | jq -r '.instances[0].state // "-"'; }
other_is() { [[ $(other_state) == "$1" ]]; }
s2_is() { [[ $(t_state s2) == "$1" ]]; }
start_other() { # extra xvrrpd arguments
  ip netns exec "$s2" "$XVRRPD" -f "$OTHER" --control "$LAB_WORK/other.ctl" "$@" \
    > >(lab_timestamp >>"$LAB_WORK/other.log") 2>&1 &
  other_pid=$!
  LAB_BG_PIDS+=("$other_pid")
}
stop_other() {
  kill -TERM "$other_pid" 2>/dev/null
  t_wait_until 5 eval "! kill -0 $other_pid 2>/dev/null"
}
t_on_failure() {
  local f
  for f in s1 s2 other; do echo "--- $f"; tail -n 20 "$LAB_WORK/$f.log" 2>/dev/null; done
}

lab_topology_up
lab_daemon_start s1 xvrrpd "$DATA/server-1.keepalived.conf"
lab_daemon_start s2 xvrrpd "$DATA/server-2.keepalived.conf"
pair_up() { [[ $(t_state s1) == MASTER ]] && s2_is BACKUP; }
t_check_within 10 "seed pair: server-1 MASTER, server-2 BACKUP" pair_up
first_pid=${LAB_DAEMON_PID[s2]}
prog=$(xdp_prog_id)
t_compare "server-2's daemon has its XDP program on eth0" "$prog" =~ '^[0-9]+$'
grep -q 'single-program' "$LAB_WORK/s2.log" ||
  t_note "libxdp's dispatcher runs here: both programs may share eth0, step 1 does not apply"

echo "# 1. a second router id in XDP mode is refused"
out=$(ip netns exec "$s2" timeout 10 "$XVRRPD" -f "$OTHER" --control "$LAB_WORK/other.ctl" 2>&1)
t_compare "the second daemon exits 1" "$?" == 1
t_compare "it names eth0 and the running daemon" "$out" =~ "eth0 \(ifindex [0-9]+\): its XDP hook holds the advert filter of another xvrrpd \(pid [0-9]+, program id $prog "
t_compare "it says what to do instead" "$out" =~ '--rx=socket'
t_note "$(grep -o 'ERROR: cannot attach.*' <<<"$out")"
t_compare "the first daemon's program is still on eth0" "$(xdp_prog_id)" == "$prog"
n0=$(received)
sleep 1.5
t_compare "the first daemon's program still counts server-1's adverts (over 1.5 s)" "$(received)" -gt "$n0"
t_check "server-2 is still BACKUP" s2_is BACKUP

echo "# 2. the second router id on the socket receive path runs beside it"
start_other --rx=socket
t_check_within 5 "\"other\" becomes MASTER of VRID 51" other_is MASTER
n0=$(t_transitions s2)
sleep 1
t_compare "server-2's first daemon saw no transition beside it" "$(t_transitions s2)" == "$n0"
t_check "server-2's first daemon still BACKUP" s2_is BACKUP
t_compare "its program is still on eth0" "$(xdp_prog_id)" == "$prog"
stop_other

echo "# 3. a dead daemon's program is found by its owner and replaced"
lab_daemon_signal s2 KILL
t_check "the first daemon is gone" lab_daemon_wait_exit s2 5
t_compare "its program is left on eth0" "$(xdp_prog_id)" == "$prog"
start_other
t_check_within 5 "\"other\" starts in XDP mode and becomes MASTER" other_is MASTER
t_check "it logged the stale program and its dead owner" \
  grep -q "removed a stale xvrrp XDP program (id $prog) from ifindex [0-9]*, left by xvrrpd pid $first_pid, which is no longer running" "$LAB_WORK/other.log"
new=$(xdp_prog_id)
t_compare "eth0 carries a new program" "$new" != "$prog"
t_compare "... which is \"other\"'s" "$(t_status other | jq -r .rx_detail)" =~ '^xdp [0-9]+:(native|skb)/'
stop_other
t_check "\"other\" removed its program at exit" test -z "$(xdp_prog_id)"
[[ $T_FAILED -eq 0 ]] || t_fail "$T_FAILED check(s) failed"
t_pass "two router ids on one interface"
