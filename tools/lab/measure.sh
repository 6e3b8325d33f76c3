# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The lab's measurement (sourced by tools/lab/lib.sh): the client-side probe, the
# kernel's link events, recovery detection and one measured scenario run.

lab_probe_start() {
  local kind=$1 svg=${2:-} ns iv
  ns=$(lab_ns c1)
  LAB_PROBE_KIND=$kind
  LAB_PROBE_T0=$EPOCHREALTIME
  iv=${LAB_INTERVAL_MS:-10}
  case $kind in
    ping)
      ip netns exec "$ns" ping -D -n -i "$(awk -v m="$iv" 'BEGIN{printf "%.3f", m/1000}')" \
        "$LAB_VIP" >"$LAB_WORK/probe.ping" 2>&1 &
      LAB_PROBE_PID=$!
      disown "$LAB_PROBE_PID"
      LAB_DETECT_FILE=$LAB_WORK/probe.ping
      ;;
    xvrrp-probe)
      # ARP who-has from the client would refresh client-1's own neighbour entry
      # (the kernel takes the new master's unicast ARP reply) and hide the stale
      # ARP cache outage an ordinary client sees, so it is off unless LAB_PROBE_ARP.
      local bin args=(--json -q --events "$LAB_WORK/probe.events")
      bin=$(lab_find_bin xvrrp-probe) || lab_die "xvrrp-probe not found (build it or use --probe ping)"
      [[ -n ${LAB_INTERVAL_MS:-} ]] && args+=(--interval "$LAB_INTERVAL_MS")
      [[ -n ${LAB_PROBE_ARP:-} ]] || args+=(--arp-interval 0)
      : >"$LAB_WORK/probe.events"
      [[ -n $svg ]] && args+=(--svg "$svg")
      ip netns exec "$ns" "$bin" "${args[@]}" "$LAB_VIP" >"$LAB_WORK/probe.json" 2>"$LAB_WORK/probe.err" &
      LAB_PROBE_PID=$!
      disown "$LAB_PROBE_PID"
      ip netns exec "$ns" ping -D -n -i 0.05 "$LAB_VIP" >"$LAB_WORK/detect.ping" 2>&1 &
      LAB_DETECT_PID=$!
      disown "$LAB_DETECT_PID"
      LAB_BG_PIDS+=("$LAB_DETECT_PID")
      LAB_DETECT_FILE=$LAB_WORK/detect.ping
      ;;
    *) lab_die "unknown probe '$kind' (xvrrp-probe or ping)" ;;
  esac
  LAB_BG_PIDS+=("$LAB_PROBE_PID")
}

# Records HOST's link and address changes as the kernel reports them (ip -ts
# monitor; kept in a run's logs as linkmon.txt), so a
# link event is timed when it happened, not when the ip command that caused it
# was reaped (tens of ms later on a busy machine).
lab_link_monitor_start() {
  ip -ts -n "$(lab_ns "$1")" monitor link address >"$LAB_WORK/linkmon.txt" 2>&1 &
  LAB_LINKMON_PID=$!
  LAB_BG_PIDS+=("$LAB_LINKMON_PID")
}

lab_link_monitor_stop() {
  [[ -n ${LAB_LINKMON_PID:-} ]] && kill "$LAB_LINKMON_PID" 2>/dev/null
  LAB_LINKMON_PID=
}

# Prints the epoch of the first change of link IFNAME reported after AFTER, or
# fails. Waits up to a second for the monitor to write it.
lab_link_event_time() {
  local ifname=$1 after=$2 stamp t
  for _ in {1..20}; do
    while read -r stamp; do
      t=$(date -d "$stamp" +%s.%6N 2>/dev/null) || continue
      if awk -v a="$t" -v b="$after" 'BEGIN{exit !(a >= b - 0.002)}'; then
        echo "$t"
        return 0
      fi
    done < <(grep -E "^\[[^]]+\] (Deleted )?[0-9]+: ${ifname}[@:]" "$LAB_WORK/linkmon.txt" 2>/dev/null |
      sed -E 's/^\[([^]]+)\].*/\1/')
    sleep 0.05
  done
  return 1
}

# Marks a moment on the probe's timeline (the SVG shows it).
lab_probe_event() {
  [[ ${LAB_PROBE_KIND:-} == xvrrp-probe ]] && printf '%s %s\n' "$1" "$2" >>"$LAB_WORK/probe.events"
  return 0
}

# Time of the last echo reply in the detector's output, or nothing.
lab_last_reply_time() {
  tac "$LAB_DETECT_FILE" 2>/dev/null | awk '/bytes from/ { gsub(/[][]/, "", $1); print $1; exit }'
}

# Waits until HOST logged "Entering MASTER STATE" after AFTER and the VIP has
# answered since. Prints the MASTER line's time. Fails after SECONDS.
lab_wait_recovered() {
  local h=$1 after=$2 secs=$3 deadline tm last
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if tm=$(lab_state_time "$h" MASTER "$after"); then
      last=$(lab_last_reply_time)
      if [[ -n $last ]] && awk -v a="$last" -v b="$tm" 'BEGIN{exit !(a > b)}'; then
        echo "$tm"
        return 0
      fi
    fi
    sleep 0.1
  done
  return 1
}

lab_probe_stop() {
  LAB_PROBE_T1=$EPOCHREALTIME
  [[ -n ${LAB_DETECT_PID:-} ]] && kill -INT "$LAB_DETECT_PID" 2>/dev/null
  [[ -n ${LAB_PROBE_PID:-} ]] && kill -INT "$LAB_PROBE_PID" 2>/dev/null
  local p
  for p in ${LAB_PROBE_PID:-} ${LAB_DETECT_PID:-}; do
    for _ in {1..50}; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  LAB_PROBE_PID=
  LAB_DETECT_PID=
}

# Prints "outage_ms lost sent mac_before mac_after" for the last probe run.
# The outage is the longest gap between consecutive replies, or from the last
# reply to the probe's stop (the VIP never came back); a probe that got no reply
# at all reports its whole length.
lab_probe_result() {
  case $LAB_PROBE_KIND in
    ping)
      # Only gaps that end after the event count (LAB_EVENT_T, default: the start).
      awk -v t0="$LAB_PROBE_T0" -v t1="$LAB_PROBE_T1" -v ev="${LAB_EVENT_T:-0}" '
        /bytes from/ { ts = $1; gsub(/[][]/, "", ts); ts += 0
                       if (prev != "" && ts > ev + 0 && ts - prev > gap) gap = ts - prev
                       prev = ts; got++ }
        / packets transmitted/ { sent = $1; recv = $4 }
        END { if (prev == "") prev = t0
              if (t1 - prev > gap) gap = t1 - prev
              if (sent == "") { sent = got; recv = got }
              printf "%.1f %d %d - -\n", gap * 1000, sent - recv, sent }' "$LAB_WORK/probe.ping"
      ;;
    xvrrp-probe)
      local j=$LAB_WORK/probe.json
      [[ -s $j ]] || lab_die "xvrrp-probe wrote no JSON: $(head -c 400 "$LAB_WORK/probe.err")"
      jq -r '[(.outage.duration_ms // "-"), .probes.lost, .probes.sent,
              (.outage.mac_before // .mac_changes[0].to // "-"),
              (.outage.mac_after // .mac_changes[-1].to // "-")] | map(tostring) | join(" ")' "$j" ||
        lab_die "cannot parse xvrrp-probe JSON $j"
      ;;
  esac
}

# The health check of the issue's measurement, on CONF (a server's lab config): a
# vrrp_script that succeeds while LAB_WORK/service-HOST.up exists (interval 1, fall 2,
# rise 2, no weight: a failure is FAULT), tracked by the instance. The flag is created.
lab_add_service_check() {
  local conf=$1 h=$2 flag=$LAB_WORK/service-$2.up tmp
  : >"$flag"
  tmp=$(mktemp "$LAB_WORK/conf.XXXXXX") || lab_die "mktemp failed"
  {
    printf 'vrrp_script chk_service {\n  script "/usr/bin/test -e %s"\n' "$flag"
    printf '  interval 1\n  fall 2\n  rise 2\n}\n'
    awk '{ print } /^vrrp_instance / { print "track_script {\n  chk_service\n}" }' "$conf"
  } >"$tmp" || lab_die "cannot write $tmp"
  mv "$tmp" "$conf" || lab_die "cannot add the service check to $conf"
}

# One scenario run from a fresh topology: steady state with server-1 MASTER, the
# event, the VIP measured from client-1 until it answers again. Uses:
#   LAB_IMPL_S1 / LAB_IMPL_S2   daemon per server (default LAB_IMPL)
#   LAB_PROBE                   xvrrp-probe | ping (default ping)
#   LAB_MAX_OUTAGE              seconds to wait for the VIP (default 90)
#   LAB_STEADY_S                length of the "steady" probe (default 3)
#   LAB_SVG_DIR, LAB_KEEP_LOGS  optional output directories
#   LAB_RESULTS                 file the result line is appended to (optional)
# Sets LAB_R_OUTAGE_MS LAB_R_LOST LAB_R_MASTER LAB_R_DETECTION_MS LAB_R_NOTE and
# LAB_RESULT, the tab-separated line:
#   impl scenario run outage_ms lost sent new_master detection_ms reached mac_before mac_after note
# Returns 0 when LAB_R_NOTE is "ok": the expected node alone holds the VIP and
# client-1 reaches it.
lab_run_scenario() {
  local sc=$1 run=$2 t0 expect=s2 tm det=- note=ok holders reached=no svg=
  local outage=- lost=- sent=- mac_b=- mac_a=- master=- client_mac_b client_mac_a
  local impl1=${LAB_IMPL_S1:-$LAB_IMPL} impl2=${LAB_IMPL_S2:-$LAB_IMPL} impl
  local probe=${LAB_PROBE:-ping} max_outage=${LAB_MAX_OUTAGE:-90} steady_s=${LAB_STEADY_S:-3}
  local steady_timeout t_steady tf
  LAB_EVENT_T=0
  impl=$impl1
  [[ $impl1 == "$impl2" ]] || impl=$impl1/$impl2
  LAB_RUN_TAG=${impl//\//-}-$sc-$run
  # A start-up election takes 3 x advert_int + skew; allow it twice, plus start-up.
  steady_timeout=$(awk -v a="${LAB_ADVERT_INT:-1}" 'BEGIN{printf "%d", 6 * a + 10}')
  lab_topology_up
  lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/server-1.conf"
  lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
  if [[ $sc == service-down ]]; then
    lab_add_service_check "$LAB_WORK/server-1.conf" s1
    lab_add_service_check "$LAB_WORK/server-2.conf" s2
  fi
  : >"$LAB_WORK/s1.log"
  : >"$LAB_WORK/s2.log"
  lab_daemon_start s1 "$impl1" "$LAB_WORK/server-1.conf"
  lab_daemon_start s2 "$impl2" "$LAB_WORK/server-2.conf"
  if ! lab_wait_steady "$steady_timeout"; then
    note=no-steady-state
  fi
  t_steady=$EPOCHREALTIME
  if [[ $note != ok ]]; then
    :
  elif [[ $sc == return ]]; then
    # The starting point is server-2 holding the VIP after server-1's reboot.
    t0=$EPOCHREALTIME
    lab_daemon_signal s1 TERM
    lab_daemon_wait_exit s1 10 || lab_daemon_signal s1 KILL
    lab_eth0_del s1
    lab_probe_start ping
    lab_wait_recovered s2 "$t0" "$max_outage" >/dev/null || note=no-failover-before-return
    lab_probe_stop
    sleep 1
    t_steady=$EPOCHREALTIME
    expect=s1
  fi
  if [[ $note == ok ]]; then
    [[ -n ${LAB_SVG_DIR:-} ]] && svg=$LAB_SVG_DIR/$LAB_RUN_TAG.svg
    lab_probe_start "$probe" "$svg"
    lab_link_monitor_start s1
    sleep "${LAB_PREROLL_S:-0.5}"
    client_mac_b=$(lab_client_vip_mac)
    # t0 is the moment of the event: a signal is instant (a shell builtin); a link
    # change is timed by the kernel's notification (lab_link_event_time), falling
    # back to the return of the ip command.
    case $sc in
      steady) t0=$EPOCHREALTIME; sleep "$steady_s"; expect= ;;
      reboot)
        t0=$EPOCHREALTIME
        lab_daemon_signal s1 TERM
        lab_daemon_wait_exit s1 10 || { note=slow-stop; lab_daemon_signal s1 KILL; }
        lab_eth0_del s1
        ;;
      return)
        t0=$EPOCHREALTIME
        lab_eth0_add s1
        lab_daemon_start s1 "$impl1" "$LAB_WORK/server-1.conf"
        ;;
      power-loss)
        # The link goes first: once it is gone, nothing the daemon still does is seen.
        local pids
        pids=$(lab_daemon_pids s1)
        t0=$EPOCHREALTIME
        lab_eth0_del s1
        # shellcheck disable=SC2086
        kill -KILL $pids
        t0=$(lab_link_event_time eth0 "$t0") || t0=$EPOCHREALTIME
        ;;
      crash-restart)
        # The daemon dies without resigning (SIGKILL) and comes back after
        # LAB_RESTART_DELAY_S (default 1 s, systemd's RestartSec): the master must be
        # server-1 again, ideally without the backup ever taking over.
        local pids
        pids=$(lab_daemon_pids s1)
        t0=$EPOCHREALTIME
        # shellcheck disable=SC2086
        kill -KILL $pids
        lab_daemon_wait_exit s1 5 || note=slow-exit
        sleep "${LAB_RESTART_DELAY_S:-1}"
        lab_daemon_start s1 "$impl1" "$LAB_WORK/server-1.conf"
        expect=s1
        ;;
      service-down)
        # The master's health check starts failing: its next run (interval 1 s) is the
        # first of `fall 2` failures.
        t0=$EPOCHREALTIME
        rm -f "$LAB_WORK/service-s1.up"
        ;;
      eth0-down | dummy0-down)
        t0=$EPOCHREALTIME
        ip -n "$(lab_ns s1)" link set "${sc%-down}" down
        t0=$(lab_link_event_time "${sc%-down}" "$t0") || t0=$EPOCHREALTIME
        ;;
      *) lab_die "unknown scenario '$sc'" ;;
    esac
    lab_probe_event "$t0" "$sc"
    # A transition between the steady state and the event (a false takeover at a
    # short advert interval on a busy machine) would be measured as the event's.
    if tf=$(lab_state_time s2 MASTER "$t_steady") && awk -v a="$tf" -v b="$t0" 'BEGIN{exit !(a < b)}'; then
      note=flap-before-event
    fi
    if [[ $sc == steady ]] && lab_state_time s2 MASTER "$t_steady" >/dev/null; then
      note=flap-in-steady-state
    fi
    LAB_EVENT_T=$t0
    if [[ -n $expect ]]; then
      if tm=$(lab_wait_recovered "$expect" "$t0" "$max_outage"); then
        sleep "${LAB_SETTLE_S:-0.5}" # a flap right after recovery shows in the probe
      else
        note=no-recovery
        tm=$(lab_state_time "$expect" MASTER "$t0") || tm=
      fi
      [[ -n $tm ]] && det=$(awk -v a="$tm" -v b="$t0" 'BEGIN{printf "%.0f", (a - b) * 1000}')
    fi
    client_mac_a=$(lab_client_vip_mac)
    lab_probe_stop
    read -r outage lost sent mac_b mac_a < <(lab_probe_result)
    [[ $mac_b == - ]] && mac_b=$client_mac_b
    [[ $mac_a == - ]] && mac_a=$client_mac_a
    holders=$(lab_vip_holders)
    master=$(lab_host_name "${holders// /+}")
    if [[ $holders == *" "* ]]; then
      note=split-brain
    elif [[ -n $expect && $holders != "$expect" && $note == ok ]]; then
      note=unexpected-holder
    fi
    lab_client_reaches_vip 3 && reached=yes
    [[ $reached == yes || $note != ok ]] || note=client-cannot-reach-vip
    [[ $note == ok ]] || lab_diagnose >"$LAB_WORK/diag.txt" 2>&1
    lab_link_monitor_stop
    [[ $mac_b != - ]] && mac_b=$(lab_host_name "$(lab_host_of_mac "$mac_b")")
    [[ $mac_a != - ]] && mac_a=$(lab_host_name "$(lab_host_of_mac "$mac_a")")
  fi
  # shellcheck disable=SC2034 # results for the caller
  LAB_R_OUTAGE_MS=$outage LAB_R_LOST=$lost LAB_R_MASTER=$master LAB_R_DETECTION_MS=$det
  # shellcheck disable=SC2034
  LAB_R_NOTE=$note
  LAB_RESULT=$(printf '%s\t' "$impl" "$sc" "$run" "$outage" "$lost" "$sent" "$master" "$det" \
    "$reached" "$mac_b" "$mac_a")$note
  [[ -n ${LAB_RESULTS:-} ]] && printf '%s\n' "$LAB_RESULT" >>"$LAB_RESULTS"
  lab_log "$impl $sc run $run: outage $outage ms, lost $lost, VIP on $master, detection $det ms: $note"
  lab_finish_run
  [[ $note == ok ]]
}

# Tears the run's topology down and keeps its files under LAB_KEEP_LOGS/LAB_RUN_TAG.
lab_finish_run() {
  local d
  lab_topology_down
  if [[ -n ${LAB_KEEP_LOGS:-} ]]; then
    d=$LAB_KEEP_LOGS/$LAB_RUN_TAG
    mkdir -p "$d" && cp "$LAB_WORK"/*.log "$LAB_WORK"/*.conf "$LAB_WORK"/*.txt "$LAB_WORK"/probe.* \
      "$LAB_WORK"/detect.* "$d"/ 2>/dev/null
  fi
  rm -f "$LAB_WORK"/*.log "$LAB_WORK"/*.txt "$LAB_WORK"/probe.* "$LAB_WORK"/detect.* "$LAB_WORK"/*.pid
}
