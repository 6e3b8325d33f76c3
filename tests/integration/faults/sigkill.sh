#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_wait_until
# SIGKILL at random points of start-up and shutdown (N iterations, delays 0-300 ms):
# odd iterations kill a starting master, even ones a master that was told to stop
# (SIGTERM) and is handing over. Every start must get going (alive when killed, or
# MASTER), and the last one, run to a steady state, must find and clean what the kills
# left: no stale VIP, no second holder, one XDP program on eth0 and one program pin, the
# fd count and CPU of a clean start; and its own stop leaves nothing.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
iterations=${1:-20}

lab_init "xfk$$"
# VRRPv3 at 0.1 s: a start-up takes ~0.4 s instead of ~4 s.
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
LAB_VERSION=3 LAB_ADVERT_INT=0.1 lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf"
F_ADVERT_AGE_MS=500
f_pair_up "$LAB_WORK/s1.conf" "$LAB_WORK/s2.conf"
clean_fds=$F_FDS clean_pins=$(f_pins)
f_stop_clean

master() { [[ $(t_state s1) == MASTER ]]; }
failed_starts=0 killed_starting=0 killed_stopping=0
for ((i = 1; i <= iterations; i++)); do
  delay=$(awk -v r="$RANDOM" 'BEGIN{printf "%.3f", (r % 301) / 1000}')
  f_start s1 "$LAB_WORK/s1.conf"
  pid=$(f_pid)
  if ((i % 2)); then
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then killed_starting=$((killed_starting + 1)); else
      failed_starts=$((failed_starts + 1))
      t_note "iteration $i: the start exited by itself within $delay s"
    fi
  else
    if t_wait_until 5 master; then
      lab_daemon_signal s1 TERM
      sleep "$delay"
      killed_stopping=$((killed_stopping + 1))
    else
      failed_starts=$((failed_starts + 1))
      t_note "iteration $i: not MASTER within 5 s of its start"
    fi
  fi
  kill -KILL "$pid" 2>/dev/null
  lab_daemon_wait_exit s1 5 || t_fail "iteration $i: s1 still there 5 s after SIGKILL"
done
t_note "killed $killed_starting starting and $killed_stopping stopping daemons"
if ((failed_starts)); then tail -n 30 "$LAB_WORK/s1.log"; fi
t_compare "every start after a SIGKILL got going" "$failed_starts" == 0

f_start s1 "$LAB_WORK/s1.conf"
lab_wait_steady 25 || t_fail "no steady state after the last restart"
prog_pins() { find "$F_PIN_DIR" -name 'xvrrp_xdp_prog_*' 2>/dev/null | wc -l; }
t_compare "VIP holders after the restart" "$(lab_vip_holders)" == s1
t_compare "copies of the VIP on s1" "$(f_vip_count)" == 1
t_compare "XDP programs on s1's eth0" "$(f_progs)" == 1
t_compare "program pins" "$(prog_pins)" == 1
t_compare "pins as after a clean start" "$(f_pins)" == "$clean_pins"
sleep 1
idle_ticks=$F_IDLE_TICKS idle_secs=$F_IDLE_SECS
f_baseline 1
F_IDLE_TICKS=$idle_ticks F_IDLE_SECS=$idle_secs # the clean start's idle figure
t_compare "fds as after a clean start" "$F_FDS" == "$clean_fds"
f_held "after the restart"
f_no_spin "after the restart" 2
f_stop_clean
t_pass "$iterations SIGKILLs in start-up and shutdown: the next start cleaned up"
