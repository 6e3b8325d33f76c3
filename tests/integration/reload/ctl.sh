# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# State through xvrrpctl, not log wording: r_status HOST prints
# `xvrrpctl status --json` of the lab daemon on HOST; r_field HOST EXPR
# evaluates a Python expression over it (d = the document, i = instance 0).
r_status() {
  local h=$1 run=$LAB_WORK/run-$1
  mkdir -p "$run"
  ln -sf "$LAB_WORK/$h.ctl" "$run/$(lab_host_name "$h").ctl"
  "$XVRRPCTL" -r "$(lab_host_name "$h")" --run-dir "$run" status --json
}
r_field() {
  r_status "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); i=d['instances'][0]; print($2)"
}
r_wait() {  # r_wait SECONDS command...: polls every 20 ms
  local deadline
  deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  while (($(date +%s%N) < deadline)); do
    "$@" && return 0
    sleep 0.02
  done
  return 1
}
XVRRPCTL=$(lab_find_bin xvrrpctl) || t_skip "xvrrpctl not built"
