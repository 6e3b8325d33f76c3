# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck shell=bash
#
# Shared setup of the daemon's integration tests: the harness
# (tests/integration/lib/harness.sh) and the lab library (tools/lab/lib.sh) on the
# seed's configs in ./data. Exit codes: 0 pass, 1 fail, 77 skip (ctest
# SKIP_RETURN_CODE): only for a missing xvrrpd binary or no root.
set -uo pipefail

TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_DATA_DIR=$TEST_DIR/data
# shellcheck source=../lib/harness.sh
source "$TEST_DIR/../lib/harness.sh"
t_begin "${0##*/} $*"
# shellcheck source=../../../tools/lab/lib.sh
source "$TEST_DIR/../../../tools/lab/lib.sh"

# Root is needed for namespaces; skip (not fail) so an unprivileged ctest run
# reports these as skipped rather than hiding them.
t_need_root() { t_require_root; }

t_need_xvrrpd() {
  lab_find_bin xvrrpd >/dev/null ||
    t_skip "xvrrpd binary not found (LAB_BIN_DIR=${LAB_BIN_DIR:-unset}, build*/bin, PATH)"
}

t_need_keepalived() {
  command -v keepalived >/dev/null || t_fail "keepalived not installed (Debian package keepalived)"
}

# Dumps both daemons' logs on failure, so a CI failure can be read (the harness calls
# t_on_failure at every failed check): the current run's, or else those the last finished
# run kept under LAB_KEEP_LOGS (lab_finish_run), with its diagnosis.
t_dump_logs() {
  local h d=${LAB_WORK:-/nonexistent} kept
  if [[ ! -s $d/s1.log && ! -s $d/s2.log && -n ${LAB_KEEP_LOGS:-} ]]; then
    # shellcheck disable=SC2012 # run tags are plain words
    kept=$(ls -td "$LAB_KEEP_LOGS"/*/ 2>/dev/null | head -n 1)
    [[ -n $kept ]] && d=${kept%/}
  fi
  for h in s1 s2; do
    [[ -s $d/$h.log ]] || continue
    printf -- '----- %s log (last 40 lines) -----\n' "$h" >&2
    tail -n 40 "$d/$h.log" >&2
  done
  if [[ -s $d/diag.txt ]]; then
    printf -- '----- diagnosis -----\n' >&2
    head -n 60 "$d/diag.txt" >&2
  fi
}

# Fails the test unless VALUE (ms) is a number <= BOUND.
t_assert_le_ms() {
  t_holds "$2" -le "$3" || t_fail "$1: $2 ms, bound $3 ms"
  t_ok "$1: $2 ms <= $3 ms"
}

# The outage bounds are measured with a probe every 10 ms: xvrrp-probe at --interval 10
# when it is built (a true 10 ms schedule), else ping -i 0.01 (which this kernel
# paces at about 16 ms). t_use_probe 1 asks for a 1 ms probe instead: at a 20 ms
# bound a 10 ms probe cannot tell one lost probe from two, so the 10 ms-advert
# bounds are checked at 1 ms resolution (the same outage, measured finer).
t_use_probe() {
  LAB_INTERVAL_MS=${1:-10}
  if lab_find_bin xvrrp-probe >/dev/null && command -v jq >/dev/null; then
    LAB_PROBE=xvrrp-probe
  else
    LAB_PROBE=ping
  fi
}

t_on_failure() { t_dump_logs; }
t_need_root
t_require_tools ip ping awk tac jq
