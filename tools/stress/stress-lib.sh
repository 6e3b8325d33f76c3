# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Measurement helpers shared by xvrrp-scale and xvrrp-flood. Sourced
# after tools/lab/lib.sh, whose topology, daemons and logs they measure.
#
# Units: CPU times in clock ticks (getconf CLK_TCK, normally 100 per second);
# CPU shares in % of one core unless a name says otherwise; memory in kB; times
# are epoch seconds with microseconds (EPOCHREALTIME).
#
# Public functions:
#   st_find_lab_lib                 path of tools/lab/lib.sh (beside us, or installed)
#   st_proc_ticks PID...            utime + stime of the processes (all threads), summed
#   st_proc_kb FIELD PID...         a /proc/PID/status field (VmRSS, VmHWM) summed, kB
#   st_stat_cpu                     "total idle softirq" jiffies of the machine (/proc/stat)
#   st_cpu_pct TICKS SECONDS        ticks over a window -> % of one core
#   st_entering_count HOST          "Entering X STATE" lines in HOST's log so far
#   st_entering_lines HOST FROM     those lines after line FROM of the count above
#   st_median V...                  median of numbers ("-" values are ignored)
#   st_load                         the 1-minute load average and the CPU count
#   st_use_fast_timestamps          replace the lab's log time-stamper by a faster one

st_find_lab_lib() {
  local here=$1 d
  for d in "$here/../lab" "$here/lab" "$here/../share/xvrrp/lab"; do
    [[ -r $d/lib.sh ]] && { (cd "$d" && pwd); return 0; }
  done
  return 1
}

ST_CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends comm
# (a comm may contain spaces). A process that is gone counts as 0.
st_proc_ticks() {
  local pid sum=0 rest
  for pid in "$@"; do
    rest=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    rest=${rest##*) }
    read -ra f <<<"$rest"
    sum=$((sum + f[11] + f[12]))
  done
  echo "$sum"
}

st_proc_kb() {
  local field=$1 pid sum=0 v
  shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

st_stat_cpu() {
  awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6, $8; exit }' /proc/stat
}

st_cpu_pct() {
  awk -v t="$1" -v s="$2" -v hz="$ST_CLK_TCK" 'BEGIN { printf "%.2f", (s > 0 ? 100 * t / hz / s : 0) }'
}

st_entering_count() {
  grep -c 'Entering [A-Z]* STATE' "$LAB_WORK/$1.log" 2>/dev/null || true
}

st_entering_lines() {
  grep 'Entering [A-Z]* STATE' "$LAB_WORK/$1.log" 2>/dev/null | tail -n +"$(($2 + 1))"
}

st_median() {
  printf '%s\n' "$@" | grep -E '^-?[0-9.]+$' | sort -g | awk '{v[++n] = $1 + 0}
    END { if (!n) { print "-"; exit }
          m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
          if (m == int(m)) printf "%d\n", m; else printf "%.2f\n", m }'
}

st_load() {
  printf '%s %s' "$(cut -d' ' -f1 /proc/loadavg)" "$(nproc)"
}

# The lab prefixes each daemon log line with its arrival time in a bash read
# loop, which manages a few thousand lines a second on a busy machine. A daemon
# that logs every rejected packet (keepalived: "received an invalid passwd!")
# then blocks on its stdout pipe and stops reading its socket, which would make
# a flood look harmless. The same format from perl keeps up. Call after
# sourcing the lab library (it replaces the library's lab_timestamp).
st_use_fast_timestamps() {
  command -v perl >/dev/null 2>&1 || return 0
  # shellcheck disable=SC2317 # called by lab_daemon_start
  lab_timestamp() {
    perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f %s", time, $_'
  }
}
