#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vrrp_script + track_script on the seed pair, under xvrrpd and then under
# Debian's keepalived with the same config files and the same events; the
# sequences of states must be equal.
#
#   track_script.sh fail WEIGHT       s1's check fails while s1 is MASTER, then recovers:
#                                     the VIP moves to s2 (one holder) and comes back.
#   track_script.sh boot WEIGHT [init_fail]
#                                     s1 (re)boots with its check failing while s2 holds the
#                                     VIP: s1 never takes it (without the check its priority
#                                     100 would preempt s2's 50); then the check recovers and
#                                     s1 takes the VIP.
#
# WEIGHT 0 = no weight line (FAULT on failure); e.g. -60 = priority 100 -> 40, below s2's 50.
# The check is the article's kind ("High Availability on Linux: The service IP address,
# part 2" pair, haproxy's check replaced by a file test): interval 1, fall 2, rise 2. Each run
# appends "TIME STATUS" to a log, so the time of the first failing run is known. The file is
# removed 0.85 s after a run, just before the next one, so the failure is seen at once:
# removal-to-move is then the fall/priority logic alone, as in keepalived's figures (1.9 s
# unweighted, 4.55 s with weight -60).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=../reload/ctl.sh
source "$here/../reload/ctl.sh"
t_need_xvrrpd
t_need_keepalived

mode=${1:?usage: track_script.sh fail|boot WEIGHT [init_fail]}
weight=${2:-0}
init_fail=${3:-}
lab_init "xts$$"
# The logs on failure only; lab_cleanup exits with the status it is entered with.
# shellcheck disable=SC2154 # _rc is set by the trap itself
trap '_rc=$?; ((_rc == 0)) || t_dump_logs; (exit "$_rc"); lab_cleanup' EXIT

now() { printf '%s' "$EPOCHREALTIME"; }
ms_since() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%d", (b - a) * 1000}'; }

cat >"$LAB_WORK/check.sh" <<'EOF'
#!/bin/sh
# $1: the file whose presence means healthy; $2: the run log.
st=0
test -e "$1" || st=1
echo "$(date +%s.%N) $st" >>"$2"
exit $st
EOF
chmod 755 "$LAB_WORK/check.sh"

# The seed's config plus the check, in the article's layout.
make_conf() {
  local h=$1 src=$2 dst=$LAB_WORK/$1.conf
  {
    printf 'vrrp_script chk {\n  script "%s %s %s"\n  interval 1\n  fall 2\n  rise 2\n' \
      "$LAB_WORK/check.sh" "$LAB_WORK/$h.ok" "$LAB_WORK/$h.runs"
    [[ $weight != 0 ]] && printf '  weight %s\n' "$weight"
    [[ -n $init_fail ]] && printf '  init_fail\n'
    printf '}\n'
    sed 's/^advert_int 1$/advert_int 1\ntrack_script {\n  chk\n}/' "$src"
  } >"$dst"
  grep -q '^track_script' "$dst" || t_fail "cannot add track_script to $src"
}
make_conf s1 "$LAB_DATA_DIR/server-1.keepalived.conf"
make_conf s2 "$LAB_DATA_DIR/server-2.keepalived.conf"

# "s1: STATE STATE ...; s2: STATE ..." from each log's "Entering X STATE" lines after epoch
# $1. Per host: when s2 takes over and s1 steps down in the same millisecond, the order of the
# two lines across hosts is a race. With $2 = boot, a leading FAULT is dropped: keepalived
# holds an instance in FAULT until its unweighted checks' first result without logging it
# (vrrp_init_state), xvrrpd logs that FAULT.
states_since() {
  local h out=() seq
  for h in s1 s2; do
    seq=$(awk -v t="$1" '$1 + 0 > t + 0 && match($0, /Entering [A-Z]+ STATE/) {
      print substr($0, RSTART + 9, RLENGTH - 15) }' "$LAB_WORK/$h.log" | paste -sd' ')
    [[ ${2:-} == boot ]] && seq=${seq#FAULT} && seq=${seq# }
    out+=("$h: $seq")
  done
  printf '%s; %s' "${out[0]}" "${out[1]}"
}

# Polls the VIP holders until they are "$1" for 3 polls in a row, at most $2 s. Sets
# WAITED_AT (epoch of the first of those polls) and TWO_MS (the longest stretch, in ms, of
# polls that saw both servers holding it; 0 if none did).
wait_holders() {
  local want=$1 deadline run=0 hs
  deadline=$(awk -v n="$(now)" -v s="$2" 'BEGIN{printf "%.6f", n + s}')
  local two_since=''
  WAITED_AT='' TWO_MS=0
  while awk -v n="$(now)" -v d="$deadline" 'BEGIN{exit !(n < d)}'; do
    local t
    t=$(now)
    hs=$(lab_vip_holders)
    if [[ $hs == "s1 s2" ]]; then
      [[ -n $two_since ]] || two_since=$t
    elif [[ -n $two_since ]]; then
      TWO_MS=$(awk -v m="$TWO_MS" -v d="$(ms_since "$two_since" "$t")" 'BEGIN{print (d > m ? d : m)}')
      two_since=''
    fi
    if [[ $hs == "$want" ]]; then
      ((run == 0)) && WAITED_AT=$t
      ((++run >= 3)) && return 0
    else
      run=0
    fi
    sleep 0.02
  done
  return 1
}

# Epoch of the first run logged in $1 after epoch $2 with status $3.
first_run() {
  awk -v t="$2" -v s="$3" '$1 + 0 > t + 0 && $2 == s {print $1; exit}' "$1"
}

# Waits for a new run of s1's check, then for 0.85 s: the next run is about 0.15 s away.
# shellcheck disable=SC2317 # called through r_wait
runs_above() { (($(wc -l <"$LAB_WORK/s1.runs") > $1)); }
just_before_a_run() {
  local n
  n=$(wc -l <"$LAB_WORK/s1.runs")
  r_wait 3 runs_above "$n" || t_fail "s1's check does not run"
  sleep 0.85
}

declare -A RESULT=()
run_impl() {
  local impl=$1 t0 t_start moved back first_fail
  lab_log "=== $impl: $mode, weight $weight${init_fail:+, init_fail}"
  : >"$LAB_WORK/s1.runs"
  : >"$LAB_WORK/s2.runs"
  touch "$LAB_WORK/s2.ok"
  if [[ $mode == fail ]]; then touch "$LAB_WORK/s1.ok"; else rm -f "$LAB_WORK/s1.ok"; fi
  lab_topology_up
  t_start=$(now)
  if [[ $mode == fail ]]; then
    lab_daemon_start s1 "$impl" "$LAB_WORK/s1.conf"
    lab_daemon_start s2 "$impl" "$LAB_WORK/s2.conf"

    lab_wait_steady 20 || t_fail "$impl: no steady state (s1 MASTER, s2 BACKUP)"
    just_before_a_run
    t0=$(now)
    rm -f "$LAB_WORK/s1.ok"
    wait_holders s2 12 || t_fail "$impl: the VIP did not move to s2 (holders '$(lab_vip_holders)')"
    moved=$(ms_since "$t0" "$WAITED_AT")
    first_fail=$(first_run "$LAB_WORK/s1.runs" "$t0" 1)
    [[ -n $first_fail ]] || t_fail "$impl: no failing run logged"
    RESULT[$impl.move]=$moved
    RESULT[$impl.move_from_first_fail]=$(ms_since "$first_fail" "$WAITED_AT")
    RESULT[$impl.two]=$TWO_MS
    if [[ $impl == xvrrpd ]]; then
      # What xvrrpctl shows: the check KO and how the priority is made.
      local want=$((weight == 0 ? 100 : 100 + weight)) got
      got=$(r_field s1 '[(t["name"], t["kind"], t["state"], t["delta"], t["fault"], t["last_result"])
        for t in i["trackers"] if t["kind"] == "script"], i["effective_priority"], i["state"]')
      [[ $got == "[('chk', 'script', 'KO', $weight, $([[ $weight == 0 ]] && echo True || echo False), 'failed')] $want $([[ $weight == 0 ]] && echo FAULT || echo BACKUP)" ]] ||
        t_fail "xvrrpctl status of s1: $got"
      grep -q "scripts  *chk KO" <<<"$("$XVRRPCTL" -r server-1 --run-dir "$LAB_WORK/run-s1" status)" ||
        t_fail "xvrrpctl status text has no 'scripts chk KO' line"
      grep -q 'xvrrp_tracker_state{.*tracker="chk"} 0' <<<"$("$XVRRPCTL" -r server-1 --run-dir "$LAB_WORK/run-s1" metrics)" ||
        t_fail "xvrrpctl metrics has no xvrrp_tracker_state 0 for chk"
    fi
  else
    # s2 holds the VIP; s1 starts with its check failing and must never hold it.
    t0=$t_start
    lab_daemon_start s2 "$impl" "$LAB_WORK/s2.conf"
    wait_holders s2 15 || t_fail "$impl: s2 did not take the VIP (holders '$(lab_vip_holders)')"
    lab_daemon_start s1 "$impl" "$LAB_WORK/s1.conf"
    RESULT[$impl.move]=0
    wait_holders s1 6 && t_fail "$impl: s1 took the VIP although its check fails"
    [[ $(lab_vip_holders) == s2 ]] || t_fail "$impl: VIP holders '$(lab_vip_holders)', expected s2"
    RESULT[$impl.two]=$TWO_MS
    if grep -q "Entering MASTER STATE" "$LAB_WORK/s1.log"; then RESULT[$impl.s1_master]=1; fi
  fi
  # Recovery: rise 2 successes, then s1 (priority 100) preempts s2 (50).
  local t1
  t1=$(now)
  touch "$LAB_WORK/s1.ok"
  wait_holders s1 15 || t_fail "$impl: the VIP did not come back to s1 (holders '$(lab_vip_holders)')"
  back=$(ms_since "$t1" "$WAITED_AT")
  RESULT[$impl.back]=$back
  ((TWO_MS > ${RESULT[$impl.two]:-0})) && RESULT[$impl.two]=$TWO_MS
  sleep 1
  RESULT[$impl.seq]=$(states_since "$t0" "$mode")
  lab_log "$impl: states after the failure: ${RESULT[$impl.seq]}; moved ${RESULT[$impl.move]} ms, back $back ms"
  lab_topology_down
}

run_impl xvrrpd
run_impl keepalived

for impl in xvrrpd keepalived; do
  printf '%s: %s weight %s%s: move %s ms (from the first failing run %s ms), back %s ms; both held %s ms; states %s\n' \
    "$impl" "$mode" "$weight" "${init_fail:+ init_fail}" "${RESULT[$impl.move]}" \
    "${RESULT[$impl.move_from_first_fail]:--}" "${RESULT[$impl.back]}" "${RESULT[$impl.two]}" \
    "${RESULT[$impl.seq]}" >&2
done

[[ ${RESULT[xvrrpd.seq]} == "${RESULT[keepalived.seq]}" ]] ||
  t_fail "state sequences differ: xvrrpd '${RESULT[xvrrpd.seq]}', keepalived '${RESULT[keepalived.seq]}'"
# A planned change of master is make-before-break: the old master keeps the VIP until it hears
# the new one, so both may hold it for a moment, never for longer than one advert interval.
t_assert_le_ms "xvrrpd: longest time both servers held the VIP" "${RESULT[xvrrpd.two]}" 1000
[[ -z ${RESULT[xvrrpd.s1_master]:-} ]] || t_fail "xvrrpd: s1 became MASTER although its check failed"
if [[ $mode == fail ]]; then
  # keepalived's figures (unweighted 1.9 s, weight -60 4.55 s) with the failure seen at the next
  # run; the weighted move waits for s2's Master_Down_Interval (3 x 1 s + skew 0.8 s) since the
  # last advert at priority 100, so it depends on the advert phase: bound at its worst case
  # (1 s to fall + 3.8 s) from the first failing run.
  if [[ $weight == 0 ]]; then
    t_assert_le_ms "xvrrpd: VIP move after the check failed" "${RESULT[xvrrpd.move]}" 2000
  else
    t_assert_le_ms "xvrrpd: VIP move after the first failing run" \
      "${RESULT[xvrrpd.move_from_first_fail]}" 4950
  fi
fi
t_pass "$mode weight $weight${init_fail:+ init_fail}: xvrrpd and keepalived: ${RESULT[xvrrpd.seq]}"
