# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2004 # LAB_DAEMON_PID and LAB_DAEMON_IMPL are associative (lib.sh)
#
# The lab's daemons (sourced by tools/lab/lib.sh): configs, start/stop/signals, their
# logs, and their state: from `xvrrpctl status --json` for xvrrpd, from the log for keepalived.

# Copies SRC to DST, changing only what the lab was asked to change:
#   LAB_ADVERT_INT  replaces advert_int in every vrrp_instance
#   LAB_VERSION     adds "version N" to every vrrp_instance (replacing an existing one)
#   LAB_VIP_DEV     replaces "dev X" in virtual_ipaddress entries
# With neither set, DST is byte-identical to SRC.
lab_make_conf() {
  local src=$1 dst=$2
  [[ -r $src ]] || lab_die "config '$src' not readable"
  awk -v adv="$LAB_ADVERT_INT" -v ver="$LAB_VERSION" -v vipdev="$LAB_VIP_DEV" '
    function change(s,   t, o) { t = s; sub(/#.*/, "", t); o = gsub(/\{/, "{", t); return o - gsub(/\}/, "}", t) }
    {
      line = $0; d = depth
      if (inst && d == idepth + 1) {
        if (ver != "" && $1 == "version") next
        if (adv != "" && $1 == "advert_int") sub(/advert_int[ \t]+[^ \t#]+/, "advert_int " adv, line)
        if ($1 ~ /^virtual_ipaddress/) { vip = 1; vdepth = d }
      }
      if (vip && vipdev != "") gsub(/dev[ \t]+[^ \t#}]+/, "dev " vipdev, line)
      print line
      if (!inst && $1 == "vrrp_instance") { inst = 1; idepth = d; addver = (ver != "") }
      depth += change($0)
      if (addver && depth == idepth + 1) { print "version " ver; addver = 0 }
      if (vip && depth <= vdepth) vip = 0
      if (inst && depth <= idepth) inst = 0
    }' "$src" >"$dst" || lab_die "cannot write $dst"
}

# Prefixes each line with its arrival time, so that logs without sub-second
# timestamps (keepalived's console log) can be compared with the lab's events.
lab_timestamp() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

lab_daemon_start() {
  local h=$1 impl=$2 conf=$3 ns log bin
  ns=$(lab_ns "$h")
  log=$LAB_WORK/$h.log
  printf '%s === lab: starting %s on %s with %s\n' "$EPOCHREALTIME" "$impl" "$h" "$conf" >>"$log"
  case $impl in
    keepalived)
      bin=$(command -v keepalived) || lab_die "keepalived not installed"
      # keepalived 2.2.7 keeps pid files in /run by default, shared by every namespace.
      ip netns exec "$ns" "$bin" -n -l -D -G --vrrp -f "$conf" \
        -p "$LAB_WORK/$h.keepalived.pid" -r "$LAB_WORK/$h.vrrp.pid" -c "$LAB_WORK/$h.checkers.pid" \
        > >(lab_timestamp >>"$log") 2>&1 &
      ;;
    xvrrpd)
      bin=$(lab_find_bin xvrrpd) || lab_die "xvrrpd not found (build it, or give --bin-dir)"
      # shellcheck disable=SC2086
      # The control socket lives in /run, which namespaces share: one per lab host.
      ip netns exec "$ns" "$bin" -f "$conf" --control "$LAB_WORK/$h.ctl" $LAB_XVRRPD_ARGS \
        > >(lab_timestamp >>"$log") 2>&1 &
      ;;
    *) lab_die "unknown implementation '$impl' (xvrrpd or keepalived)" ;;
  esac
  LAB_DAEMON_PID[$h]=$!
  disown "$!" # no "Killed" job notices from bash on power loss
  LAB_DAEMON_IMPL[$h]=$impl
}

lab_daemon_pids() {
  local h=$1 pid=${LAB_DAEMON_PID[$1]:-} f
  [[ -n $pid ]] || return 1
  echo "$pid"
  if [[ ${LAB_DAEMON_IMPL[$h]} == keepalived ]]; then
    for f in "$LAB_WORK/$h.vrrp.pid" "$LAB_WORK/$h.checkers.pid"; do
      [[ -s $f ]] && cat "$f"
    done
  fi
  return 0
}

# TERM goes to the main process only (keepalived's parent stops its VRRP child,
# which sends priority 0); KILL goes to every process at once (power loss).
lab_daemon_signal() {
  local h=$1 sig=$2 pid=${LAB_DAEMON_PID[$1]:-}
  [[ -n $pid ]] || return 1
  if [[ $sig == KILL ]]; then
    # shellcheck disable=SC2046
    kill -KILL $(lab_daemon_pids "$h") 2>/dev/null
  else
    kill "-$sig" "$pid"
  fi
}

lab_daemon_wait_exit() {
  local h=$1 secs=$2 pid=${LAB_DAEMON_PID[$1]:-} deadline
  [[ -n $pid ]] || return 0
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
  unset "LAB_DAEMON_PID[$h]"
  return 0
}

lab_daemon_alive() { [[ -n ${LAB_DAEMON_PID[$1]:-} ]] && kill -0 "${LAB_DAEMON_PID[$1]}" 2>/dev/null; }

# Log lines since the daemon's last start.
lab_log_since_start() {
  local log=$LAB_WORK/$1.log
  [[ -r $log ]] || return 0
  awk '/ === lab: starting /{n = NR} {l[NR] = $0} END {for (i = n; i <= NR; i++) if (i) print l[i]}' "$log"
}

# HOST's (first) instance state: MASTER/BACKUP/FAULT/INIT. For xvrrpd from its
# control socket (`xvrrpctl status --json`), for keepalived (or without xvrrpctl
# and jq) from the log; "" while the daemon does not answer.
lab_state() {
  local ctl js
  if [[ ${LAB_DAEMON_IMPL[$1]:-} == xvrrpd ]] && ctl=$(lab_find_bin xvrrpctl) &&
    command -v jq >/dev/null 2>&1; then
    js=$("$ctl" --run-dir "$LAB_WORK" -r "$1" status --json 2>/dev/null) || return 0
    jq -r '.instances[0].state // ""' <<<"$js"
    return 0
  fi
  lab_last_state "$1"
}

# HOST's (first) instance's transition count: xvrrpctl status for xvrrpd, else the
# "Entering X STATE" lines logged since its start.
lab_transitions() {
  local ctl js
  if [[ ${LAB_DAEMON_IMPL[$1]:-} == xvrrpd ]] && ctl=$(lab_find_bin xvrrpctl) &&
    command -v jq >/dev/null 2>&1; then
    js=$("$ctl" --run-dir "$LAB_WORK" -r "$1" status --json 2>/dev/null) || { echo -; return 0; }
    jq -r '.instances[0].transitions // "-"' <<<"$js"
    return 0
  fi
  lab_log_since_start "$1" | grep -c 'Entering [A-Z]* STATE'
}

# The state named by HOST's last "Entering X STATE" log line since its start.
lab_last_state() {
  lab_log_since_start "$1" | grep -o 'Entering [A-Z]* STATE' | tail -n1 | awk '{print $2}'
}

# First "Entering STATE STATE" line of HOST logged after epoch AFTER; prints its
# time: the daemon's own timestamp when the line has one (xvrrpd writes
# "YYYY-MM-DD HH:MM:SS.ffffff" in local time), else the line's arrival time.
lab_state_time() {
  local h=$1 state=$2 after=$3 line own
  [[ -r $LAB_WORK/$h.log ]] || return 1
  line=$(awk -v s="Entering $state STATE" -v after="$after" \
    'index($0, s) && $1 + 0 > after + 0 { print; found = 1; exit } END { exit !found }' \
    "$LAB_WORK/$h.log") || return 1
  local -a f
  read -ra f <<<"$line"
  if [[ ${f[1]:-} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && ${f[2]:-} =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$ ]] &&
    own=$(date -d "${f[1]} ${f[2]}" +%s.%6N 2>/dev/null) &&
    awk -v a="$own" -v b="${f[0]}" 'BEGIN{d = a - b; exit !(d < 5 && d > -5)}'; then
    echo "$own"
  else
    echo "${f[0]}"
  fi
}

# Waits until server-1 is MASTER and the only VIP holder and server-2 is BACKUP,
# and both stay so for a second without a transition (a start-up flap at 10 ms
# adverts would otherwise leave server-2's gratuitous ARPs in the client's cache).
# Then resolves the VIP afresh on client-1 and checks that it answers from
# server-1's MAC, so every scenario starts from the same client state.
lab_wait_steady() {
  local secs=$1 deadline n1 n2
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if lab_is_steady; then
      n1=$(lab_transitions s1) n2=$(lab_transitions s2)
      sleep 1
      if lab_is_steady && [[ $(lab_transitions s1) == "$n1" && $(lab_transitions s2) == "$n2" ]]; then
        ip -n "$(lab_ns c1)" neigh flush to "$LAB_VIP" dev eth0 2>/dev/null
        if lab_client_reaches_vip 2 && [[ $(lab_client_vip_mac) == "${LAB_MAC[s1]}" ]]; then
          return 0
        fi
      fi
    fi
    sleep 0.1
  done
  lab_log "no steady state after ${secs}s: s1=$(lab_state s1) s2=$(lab_state s2)" \
    "VIP on [$(lab_vip_holders)] client-1 sends to $(lab_client_vip_mac)"
  return 1
}

lab_is_steady() {
  [[ $(lab_state s1) == MASTER && $(lab_state s2) == BACKUP && $(lab_vip_holders) == s1 ]] &&
    lab_daemon_alive s1 && lab_daemon_alive s2
}
