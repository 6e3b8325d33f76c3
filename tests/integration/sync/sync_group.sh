#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vrrp_sync_group on the seed pair ("High Availability on Linux: The service IP address,
# part 2"), under xvrrpd and then under Debian's keepalived with the same config files and
# the same events; the state sequences of every instance and the group notifies must be equal.
#
# Each server runs the seed's service-100 plus service-101 (VRID 101, 192.0.2.101), both in
# vrrp_sync_group G. service-100 alone tracks a file (track_file flt, default weight 1: in a
# sync group keepalived makes it unweighted, so a non-zero value is FAULT). init_file 0
# overwrite resets the file at start-up (it holds 5 before). Then:
#   - s1's file gets 1: service-100 FAULTs and takes service-101 along; s2 takes both VIPs.
#   - s1's file gets 0: both leave FAULT together, and s1 (priority 100) takes both back.
# The group's notify script logs its arguments ("GROUP G STATE 0").
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=../reload/ctl.sh
source "$here/../reload/ctl.sh"
t_need_xvrrpd
t_need_keepalived

lab_init "xsg$$"
# The logs on failure only; lab_cleanup exits with the status it is entered with.
# shellcheck disable=SC2154 # _rc is set by the trap itself
trap '_rc=$?; ((_rc == 0)) || t_dump_logs; (exit "$_rc"); lab_cleanup' EXIT

VIP2=192.0.2.101
now() { printf '%s' "$EPOCHREALTIME"; }

cat >"$LAB_WORK/gnotify.sh" <<'EOF'
#!/bin/sh
# $1: the log; then keepalived's GROUP|INSTANCE NAME STATE PRIORITY.
log=$1
shift
echo "$(date +%s.%N) $*" >>"$log"
EOF
chmod 755 "$LAB_WORK/gnotify.sh"

# The seed's config, service-100 tracking the file, a copy of its instance as service-101,
# and the sync group.
make_conf() {
  local h=$1 src=$2 dst=$LAB_WORK/$1.conf
  {
    printf 'track_file flt {\n  file "%s"\n  init_file 0 overwrite\n}\n' "$LAB_WORK/$h.flt"
    printf 'vrrp_sync_group G {\n  group {\n    service-100\n    service-101\n  }\n'
    printf '  notify "%s %s"\n}\n' "$LAB_WORK/gnotify.sh" "$LAB_WORK/$h.gnotify"
    sed 's/^advert_int 1$/advert_int 1\ntrack_file {\n  flt\n}/' "$src"
    sed -n '/^vrrp_instance/,$p' "$src" |
      sed 's/^vrrp_instance service-100/vrrp_instance service-101/;
           s/^virtual_router_id 100$/virtual_router_id 101/;
           s#^192\.0\.2\.100/24 #192.0.2.101/24 #'
  } >"$dst"
  if ! grep -q '^  flt$' "$dst" || ! grep -q '^virtual_router_id 101$' "$dst"; then
    t_fail "cannot build $dst from $src"
  fi
}
make_conf s1 "$LAB_DATA_DIR/server-1.keepalived.conf"
make_conf s2 "$LAB_DATA_DIR/server-2.keepalived.conf"

# Servers holding ADDR.
holders_of() {
  local h out=()
  for h in s1 s2; do
    ip -n "$(lab_ns "$h")" -4 -o addr show 2>/dev/null | grep -q " inet $1/" && out+=("$h")
  done
  echo "${out[*]}"
}
# shellcheck disable=SC2317 # called through r_wait
both_on() { [[ $(holders_of "$LAB_VIP") == "$1" && $(holders_of "$VIP2") == "$1" ]]; }

# "s1 service-100: STATE ...; s1 service-101: ...; s2 ..." from the "(NAME) Entering X STATE"
# lines logged after epoch $1.
states_since() {
  local h i out=() seq
  for h in s1 s2; do
    for i in service-100 service-101; do
      seq=$(awk -v t="$1" -v i="($i)" '$1 + 0 > t + 0 && index($0, i) &&
        match($0, /Entering [A-Z]+ STATE/) { print substr($0, RSTART + 9, RLENGTH - 15) }' \
        "$LAB_WORK/$h.log" | paste -sd' ')
      out+=("$h $i: $seq")
    done
  done
  local IFS=';'
  printf '%s' "${out[*]}"
}

# "s1: GROUP G STATE 0, ...; s2: ..." from the notify logs after epoch $1.
notifies_since() {
  local h out=()
  for h in s1 s2; do
    out+=("$h: $(awk -v t="$1" '$1 + 0 > t + 0 { $1 = ""; sub(/^ /, ""); print }' \
      "$LAB_WORK/$h.gnotify" 2>/dev/null | paste -sd',')")
  done
  printf '%s; %s' "${out[0]}" "${out[1]}"
}

declare -A RESULT=()
run_impl() {
  local impl=$1 t0 t1 t_moved
  lab_log "=== $impl"
  echo 5 >"$LAB_WORK/s1.flt"
  echo 5 >"$LAB_WORK/s2.flt"
  : >"$LAB_WORK/s1.gnotify"
  : >"$LAB_WORK/s2.gnotify"
  lab_topology_up
  lab_daemon_start s1 "$impl" "$LAB_WORK/s1.conf"
  lab_daemon_start s2 "$impl" "$LAB_WORK/s2.conf"
  lab_wait_steady 20 || t_fail "$impl: no steady state (s1 MASTER, s2 BACKUP)"
  r_wait 3 both_on s1 || t_fail "$impl: s1 does not hold both VIPs ($(holders_of "$VIP2"))"
  [[ $(cat "$LAB_WORK/s1.flt") == 0 ]] || t_fail "$impl: init_file did not reset s1's file"

  t0=$(now)
  echo 1 >"$LAB_WORK/s1.flt"
  r_wait 8 both_on s2 || t_fail "$impl: s2 did not take both VIPs ($(holders_of "$LAB_VIP") / $(holders_of "$VIP2"))"
  t_moved=$(now)
  RESULT[$impl.move]=$(awk -v a="$t0" -v b="$t_moved" 'BEGIN{printf "%d", (b - a) * 1000}')
  if [[ $impl == xvrrpd ]]; then
    local got
    got=$(r_field s1 '[i["state"], d["instances"][1]["state"], i["sync_group"],
      [(t["name"], t["kind"], t["state"], t["value"], t["weight"]) for t in i["trackers"] if t["kind"] == "file"],
      [(g["name"], g["state"], g["members"]) for g in d["sync_groups"]]]')
    [[ $got == "['FAULT', 'FAULT', 'G', [('flt', 'file', 'KO', 1, 0)], [('G', 'FAULT', ['service-100', 'service-101'])]]" ]] ||
      t_fail "xvrrpctl status of s1: $got"
    "$XVRRPCTL" -r server-1 --run-dir "$LAB_WORK/run-s1" status | grep -q "^sync group G  FAULT  members service-100, service-101" ||
      t_fail "xvrrpctl status text has no 'sync group G FAULT' line"
    "$XVRRPCTL" -r server-1 --run-dir "$LAB_WORK/run-s1" status | grep -q "files  *flt KO, value 1" ||
      t_fail "xvrrpctl status text has no 'files flt KO' line"
  fi

  t1=$(now)
  echo 0 >"$LAB_WORK/s1.flt"
  r_wait 12 both_on s1 || t_fail "$impl: s1 did not take both VIPs back"
  RESULT[$impl.back]=$(awk -v a="$t1" -v b="$(now)" 'BEGIN{printf "%d", (b - a) * 1000}')
  sleep 1
  RESULT[$impl.seq]=$(states_since "$t0")
  RESULT[$impl.notify]=$(notifies_since "$t0")
  lab_log "$impl: ${RESULT[$impl.seq]}; notifies ${RESULT[$impl.notify]}"
  lab_topology_down
}

run_impl xvrrpd
run_impl keepalived

for impl in xvrrpd keepalived; do
  printf '%s: moved %s ms, back %s ms; states %s; group notifies %s\n' "$impl" \
    "${RESULT[$impl.move]}" "${RESULT[$impl.back]}" "${RESULT[$impl.seq]}" \
    "${RESULT[$impl.notify]}" >&2
done

want="s1 service-100: FAULT BACKUP MASTER;s1 service-101: FAULT BACKUP MASTER;"
want+="s2 service-100: MASTER BACKUP;s2 service-101: MASTER BACKUP"
[[ ${RESULT[xvrrpd.seq]} == "$want" ]] || t_fail "xvrrpd states: '${RESULT[xvrrpd.seq]}', expected '$want'"
[[ ${RESULT[xvrrpd.seq]} == "${RESULT[keepalived.seq]}" ]] ||
  t_fail "state sequences differ: xvrrpd '${RESULT[xvrrpd.seq]}', keepalived '${RESULT[keepalived.seq]}'"
[[ ${RESULT[xvrrpd.notify]} == "${RESULT[keepalived.notify]}" ]] ||
  t_fail "group notifies differ: xvrrpd '${RESULT[xvrrpd.notify]}', keepalived '${RESULT[keepalived.notify]}'"
t_pass "sync group: xvrrpd and keepalived: ${RESULT[xvrrpd.seq]}; notifies ${RESULT[xvrrpd.notify]}"
