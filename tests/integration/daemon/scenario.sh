#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# One of the seed's failover tests with xvrrpd on both servers, measured from
# client-1 with a probe every 10 ms (1 ms with ADVERT_INT):
#   scenario.sh SCENARIO [BOUND_MS] [ADVERT_INT]
# Passes when the expected node alone holds the VIP, client-1 reaches it again,
# and the longest gap between replies is at most BOUND_MS. ADVERT_INT rewrites
# the seed configs to VRRPv3 with that interval (nothing else changes).
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
scenario=${1:?usage: scenario.sh SCENARIO [BOUND_MS] [ADVERT_INT]}
bound=${2:-}
if [[ -n ${3:-} ]]; then
  LAB_ADVERT_INT=$3
  LAB_VERSION=3
fi

lab_init "xs$$"
LAB_IMPL=xvrrpd LAB_MAX_OUTAGE=60
# Each run's logs are kept, so a failure can show them (t_dump_logs).
LAB_KEEP_LOGS=${XVRRP_TEST_LOG_DIR:-$LAB_WORK/kept}
if [[ -n ${LAB_ADVERT_INT:-} ]]; then t_use_probe 1; else t_use_probe 10; fi
lab_run_scenario "$scenario" 1 || t_fail "$scenario: $LAB_R_NOTE (VIP on $LAB_R_MASTER; $LAB_RESULT)"
expect=server-2
[[ $scenario == return ]] && expect=server-1
[[ $scenario == steady ]] && expect=server-1
[[ $LAB_R_MASTER == "$expect" ]] || t_fail "$scenario: VIP on $LAB_R_MASTER, expected $expect"
[[ -n $bound ]] && t_assert_le_ms "$scenario outage" "$LAB_R_OUTAGE_MS" "$bound"
t_pass "$scenario: outage $LAB_R_OUTAGE_MS ms${bound:+ (bound $bound)}, lost $LAB_R_LOST, detection $LAB_R_DETECTION_MS ms, VIP on $LAB_R_MASTER"
