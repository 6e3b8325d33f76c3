#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# The article's pair (VRRPv2, advert_int 1, PASS) plus a bfd_instance at 10 ms x 3 and
# master_bfd on both servers (./data): the master loses power (eth0 deleted, xvrrpd
# SIGKILLed, the lab's power-loss scenario), measured from client-1 with a 1 ms probe.
#   power_loss.sh BOUND_MS
# Passes when server-2 alone holds the VIP, client-1 reaches it, and the longest gap between
# replies is at most BOUND_MS (without BFD the same scenario costs 3.1-3.8 s).
source "$(dirname "$0")/../daemon/common.sh"
t_need_xvrrpd
bound=${1:?usage: power_loss.sh BOUND_MS}
LAB_DATA_DIR=$(cd "$(dirname "$0")" && pwd)/data

lab_init "xb$$"
LAB_IMPL=xvrrpd LAB_MAX_OUTAGE=10
LAB_KEEP_LOGS=${XVRRP_TEST_LOG_DIR:-$LAB_WORK/kept}
t_use_probe 1
lab_run_scenario power-loss 1 || t_fail "power-loss: $LAB_R_NOTE (VIP on $LAB_R_MASTER; $LAB_RESULT)"
[[ $LAB_R_MASTER == server-2 ]] || t_fail "power-loss: VIP on $LAB_R_MASTER, expected server-2"
t_assert_le_ms "power-loss outage with master_bfd" "$LAB_R_OUTAGE_MS" "$bound"
# shellcheck disable=SC2012 # run tags are plain words
kept=$(ls -td "$LAB_KEEP_LOGS"/*/ 2>/dev/null | head -n 1)
grep -q 'master_bfd peer: session to the master 192.0.2.5 went Down' "$kept/s2.log" ||
  t_fail "server-2 did not take over through master_bfd"
t_ok "server-2 took over through master_bfd"
t_pass "power-loss with BFD 10 ms x 3: outage $LAB_R_OUTAGE_MS ms (bound $bound), lost $LAB_R_LOST, detection $LAB_R_DETECTION_MS ms"
