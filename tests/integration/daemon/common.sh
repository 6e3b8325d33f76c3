# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck shell=bash
#
# Shared setup of the daemon's integration tests: the lab library from
# tools/lab/lib.sh on the seed's configs in ./data. Exit codes: 0 pass, 1 fail,
# 77 skip (ctest SKIP_RETURN_CODE): only for a missing xvrrpd binary or no root.
set -uo pipefail

TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_DATA_DIR=$TEST_DIR/data
# shellcheck source=../../../tools/lab/lib.sh
source "$TEST_DIR/../../../tools/lab/lib.sh"

t_fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
t_skip() {
  printf 'SKIP: %s\n' "$*" >&2
  exit 77
}
t_pass() {
  printf 'PASS: %s\n' "$*" >&2
  exit 0
}

# Root is needed for namespaces; skip (not fail) so an unprivileged ctest run
# reports these as skipped rather than hiding them.
t_need_root() { [[ $EUID -eq 0 ]] || t_skip "needs root (network namespaces)"; }

t_need_xvrrpd() {
  lab_find_bin xvrrpd >/dev/null ||
    t_skip "xvrrpd binary not found (LAB_BIN_DIR=${LAB_BIN_DIR:-unset}, build*/bin, PATH)"
}

t_need_keepalived() {
  command -v keepalived >/dev/null || t_fail "keepalived not installed (Debian package keepalived)"
}

# Dumps both daemons' logs on failure, so a CI failure can be read.
t_dump_logs() {
  local h
  for h in s1 s2; do
    [[ -s ${LAB_WORK:-/nonexistent}/$h.log ]] || continue
    printf -- '----- %s log (last 40 lines) -----\n' "$h" >&2
    tail -n 40 "$LAB_WORK/$h.log" >&2
  done
}

# Fails unless VALUE (ms) is a number <= BOUND.
t_assert_le_ms() {
  local what=$1 value=$2 bound=$3
  awk -v v="$value" -v b="$bound" 'BEGIN{exit !(v ~ /^[0-9.]+$/ && v + 0 <= b + 0)}' ||
    t_fail "$what: $value ms, bound $bound ms"
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

t_need_root
lab_require_tools ip ping awk tac
