#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# Make-before-break on SIGTERM, with the seed's configs verbatim (one unicast peer, so the
# backup takes over as soon as it hears priority 0):
#   handover.sh [RUNS] [BOUND_MS]
# client-1 probes the VIP every 1 ms while server-1 (MASTER) gets SIGTERM and its eth0 is
# deleted once it exited (the article's reboot). Each run must end with server-2 alone
# holding the VIP, an outage of at most BOUND_MS (default 200; a stop without the handover
# measures ~800 ms, one Skew_Time at priority 50) and server-1 logging that it heard the
# new master before it let go. Run time: about 12 s per run.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
runs=${1:-3}
bound=${2:-200}
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"
command -v jq >/dev/null || t_fail "jq not installed"

lab_init "xh$$"
LAB_IMPL=xvrrpd LAB_MAX_OUTAGE=30
keep=$(mktemp -d "${TMPDIR:-/tmp}/xvrrp-handover.XXXXXX") || t_fail "mktemp failed"
LAB_KEEP_LOGS=$keep
t_use_probe 1
outages=()
for ((run = 1; run <= runs; run++)); do
  lab_run_scenario reboot "$run" ||
    t_fail "run $run: $LAB_R_NOTE (VIP on $LAB_R_MASTER; $LAB_RESULT); logs in $keep"
  [[ $LAB_R_MASTER == server-2 ]] || t_fail "run $run: VIP on $LAB_R_MASTER, expected server-2 alone"
  log=$keep/$LAB_RUN_TAG/s1.log
  grep -q 'new master heard, handover complete' "$log" ||
    t_fail "run $run: server-1 did not wait for the new master: $(grep -E 'Handover|handover|Stopped' "$log" | tail -n 3)"
  t_assert_le_ms "run $run outage" "$LAB_R_OUTAGE_MS" "$bound"
  printf 'run %d: outage %s ms, lost %s, detection %s ms, %s\n' "$run" "$LAB_R_OUTAGE_MS" \
    "$LAB_R_LOST" "$LAB_R_DETECTION_MS" "$(grep -o 'Handover done after [0-9.]* ms' "$log")" >&2
  outages+=("$LAB_R_OUTAGE_MS")
done
median=$(printf '%s\n' "${outages[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
rm -rf "$keep"
t_pass "$runs runs: outages ${outages[*]} ms, median $median ms (bound $bound), VIP on server-2 alone"
