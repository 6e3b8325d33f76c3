# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The integration tests' one harness: checks, waits and comparisons that count
# PASS/FAIL, a summary and the exit code ctest reads (0 pass, 1 fail, 77 skip),
# and the daemon's state read through `xvrrpctl status --json`, never from log
# wording. Sourced by every shell test under tests/integration; a test that
# builds the lab topology also sources tools/lab/lib.sh (t_use_lab does both).
#
#   t_begin NAME                     start a test (sets the summary trap)
#   t_check DESC CMD...              CMD succeeds: "ok - DESC", else "FAIL - DESC"
#   t_check_within SECS DESC CMD...  CMD succeeds within SECS (polled every 50 ms)
#   t_wait_until SECS CMD...         poll CMD every 50 ms for SECS; status only, no count
#   t_compare DESC ACTUAL OP WANT    OP: == != (strings), -lt -le -gt -ge (numbers, decimals
#                                    allowed), =~ (regex); prints both sides on failure
#   t_note TEXT                      "# TEXT" (a measured figure, a step)
#   t_fail MSG / t_skip MSG          count a failure and end the test / end it as skipped
#   t_pass MSG                       count MSG as passed and end the test
#   t_require_root / t_require_tools TOOL...   skip without root / fail without a tool
#   t_at_exit CMD                    run CMD (cleanup) at exit, before the summary, LIFO
#   t_use_lab [PREFIX]               source tools/lab/lib.sh and lab_init under PREFIX
#   t_status HOST                    the xvrrpd on lab host HOST: status --json
#   t_state HOST [INSTANCE]          its instance's state (MASTER, BACKUP, ...; "-" if down)
#   t_transitions HOST [INSTANCE]    its instance's transition count
#
# Every test runs under tests/integration/lib/isolate.sh (see there): its
# namespaces, /run/xvrrp and bpffs die with it, so a killed run leaks nothing.

T_NAME=${T_NAME:-${0##*/}}
T_PASSED=0
T_FAILED=0
T_SKIPPED=
declare -ga T_EXIT_HOOKS=()
T_HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_REPO_DIR=$(cd "$T_HARNESS_DIR/../../.." && pwd)

t_begin() {
  T_NAME=${1:-$T_NAME}
  trap t_finish EXIT
  trap 'echo "# interrupted"; exit 130' INT
  trap 'echo "# terminated"; exit 143' TERM
}

t_at_exit() { T_EXIT_HOOKS=("$*" "${T_EXIT_HOOKS[@]}"); }

t_finish() {
  local rc=$? hook
  trap - EXIT
  for hook in "${T_EXIT_HOOKS[@]}"; do eval "$hook" || true; done
  if [[ -n $T_SKIPPED ]]; then
    echo "$T_NAME: SKIP ($T_SKIPPED); $T_PASSED passed, $T_FAILED failed before"
    exit 77
  fi
  # A test that died on its own (set -e, a lab_die) without a counted failure still fails.
  if ((rc != 0 && T_FAILED == 0)); then T_FAILED=1; echo "FAIL - exited with status $rc"; fi
  echo "$T_NAME: PASS $T_PASSED, FAIL $T_FAILED"
  ((T_FAILED == 0)) && exit 0
  exit 1
}

t_note() { echo "# $*"; }

t_ok() {
  T_PASSED=$((T_PASSED + 1))
  echo "ok   - $1"
}

t_not_ok() {
  T_FAILED=$((T_FAILED + 1))
  echo "FAIL - $1"
  [[ -z ${2:-} ]] || printf '       %s\n' "$2"
  declare -F t_on_failure >/dev/null && t_on_failure
  return 0
}

t_check() {
  local what=$1
  shift
  if "$@"; then t_ok "$what"; else t_not_ok "$what"; fi
}

t_wait_until() {
  local deadline
  deadline=$(awk -v now="$EPOCHREALTIME" -v s="$1" 'BEGIN{printf "%.6f", now + s}')
  shift
  while :; do
    "$@" && return 0
    awk -v now="$EPOCHREALTIME" -v d="$deadline" 'BEGIN{exit !(now < d)}' || return 1
    sleep 0.05
  done
}

t_check_within() {
  local secs=$1 what=$2
  shift 2
  t_check "$what (within $secs s)" t_wait_until "$secs" "$@"
}

# Succeeds when "ACTUAL OP WANT" holds.
t_holds() {
  local a=$1 op=$2 b=$3
  case $op in
    ==) [[ $a == "$b" ]] ;;
    !=) [[ $a != "$b" ]] ;;
    =~) [[ $a =~ $b ]] ;;
    -lt | -le | -gt | -ge)
      [[ $a =~ ^-?[0-9]+(\.[0-9]+)?$ && $b =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || return 1
      awk -v a="$a" -v b="$b" -v op="$op" 'BEGIN{
        r = (op == "-lt") ? a < b : (op == "-le") ? a <= b : (op == "-gt") ? a > b : a >= b
        exit !r }'
      ;;
    *) echo "t_compare: unknown operator '$op'" >&2; return 2 ;;
  esac
}

t_compare() {
  local what=$1 a=$2 op=$3 b=$4
  if t_holds "$a" "$op" "$b"; then t_ok "$what"; else t_not_ok "$what" "got '$a', want $op '$b'"; fi
}

t_fail() {
  t_not_ok "$*"
  exit 1
}

# Counts MSG as passed and ends the test.
t_pass() {
  t_ok "$*"
  exit 0
}

t_skip() {
  T_SKIPPED=$*
  exit 77
}

t_require_root() { [[ $EUID -eq 0 ]] || t_skip "needs root (network namespaces, XDP)"; }

t_require_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || t_fail "required tool '$t' not installed"; done
}

t_use_lab() {
  # shellcheck source=../../../tools/lab/lib.sh
  source "$T_REPO_DIR/tools/lab/lib.sh"
  lab_init "${1:-}"
}

# The daemon on lab host HOST answers on LAB_WORK/HOST.ctl (lab_daemon_start's --control).
t_status() {
  local ctl
  ctl=$(lab_find_bin xvrrpctl) || return 1
  "$ctl" --run-dir "$LAB_WORK" -r "$1" status --json 2>/dev/null
}

t_state() {
  local js
  js=$(t_status "$1") || { echo -; return 0; }
  jq -r --argjson i "${2:-0}" '.instances[$i].state // "-"' <<<"$js"
}

t_transitions() {
  t_status "$1" | jq -r --argjson i "${2:-0}" '.instances[$i].transitions // "-"'
}
