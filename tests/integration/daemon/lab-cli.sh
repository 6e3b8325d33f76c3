#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A short run of the xvrrp-lab command itself:
#   lab-cli.sh IMPL SCENARIO BOUND_MS [xvrrp-lab options...]
# Passes when the lab exits 0 and its JSON shows the scenario run ok with an
# outage at most BOUND_MS.
source "$(dirname "$0")/common.sh"
impl=${1:?usage: lab-cli.sh IMPL SCENARIO BOUND_MS [options]}
scenario=${2:?}
bound=${3:?}
shift 3
[[ $impl == xvrrpd ]] && t_need_xvrrpd
[[ $impl == keepalived ]] && t_need_keepalived
lab_require_tools jq
out=$(mktemp -d "${TMPDIR:-/tmp}/xvrrp-lab-cli.XXXXXX")
t_at_exit "rm -rf '$out'"
"$TEST_DIR/../../../tools/lab/xvrrp-lab" --impl "$impl" --scenario "$scenario" --interval 10 \
  --json "$out/lab.json" --prefix "xc$$" "$@" >"$out/lab.txt" 2>&1
rc=$?
cat "$out/lab.txt" >&2
((rc == 0)) || t_fail "xvrrp-lab exited $rc"
result=$(jq -r '.runs[0].result' "$out/lab.json")
outage=$(jq -r '.runs[0].outage_ms' "$out/lab.json")
[[ $result == ok ]] || t_fail "run result: $result"
t_assert_le_ms "$impl $scenario outage" "$outage" "$bound"
t_check "xvrrp-lab left no namespace behind" eval '! ip netns list | grep -q "^xc$$-"'
t_pass "$impl $scenario: outage $outage ms (bound $bound)"
