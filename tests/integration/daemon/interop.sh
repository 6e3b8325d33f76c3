#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# Interop with Debian's keepalived in both roles:
#   interop.sh MASTER_IMPL VERSION      MASTER_IMPL: keepalived | xvrrpd; VERSION: 2 | 3
# server-1 (priority 100) runs MASTER_IMPL, server-2 the other one. VRRPv2 uses
# the seed's configs verbatim (PASS auth); VRRPv3 adds "version 3" and
# advert_int 0.1. The VIP is on eth0 so that keepalived's gratuitous ARPs reach
# the client and the check does not wait out its ARP cache.
# Passes when exactly one node holds the VIP at each step: server-1 through a steady
# window (INTEROP_STEADY_S, default 30 s, no transition), server-2 after server-1's
# reboot (SIGTERM, eth0 gone) and after its link loss (eth0 down), server-1 again when it
# returns and preempts; and client-1 reaches the VIP after each.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
t_need_keepalived
master=${1:?usage: interop.sh keepalived|xvrrpd 2|3}
version=${2:?usage: interop.sh keepalived|xvrrpd 2|3}
case $master in
  keepalived) LAB_IMPL_S1=keepalived LAB_IMPL_S2=xvrrpd ;;
  xvrrpd) LAB_IMPL_S1=xvrrpd LAB_IMPL_S2=keepalived ;;
  *) t_fail "bad master implementation '$master'" ;;
esac
case $version in
  2) ;;
  3) LAB_VERSION=3 LAB_ADVERT_INT=0.1 ;;
  *) t_fail "bad VRRP version '$version'" ;;
esac

lab_init "xi$$"
LAB_VIP_DEV=eth0 LAB_MAX_OUTAGE=30
LAB_KEEP_LOGS=${XVRRP_TEST_LOG_DIR:-$LAB_WORK/kept}
t_use_probe 10
LAB_STEADY_S=${INTEROP_STEADY_S:-30} lab_run_scenario steady 1 ||
  t_fail "steady window: $LAB_R_NOTE ($LAB_RESULT)"
[[ $LAB_R_MASTER == server-1 && $LAB_R_LOST == 0 ]] ||
  t_fail "steady window: VIP on $LAB_R_MASTER, $LAB_R_LOST probes lost ($LAB_RESULT)"
steady_result=$LAB_RESULT
lab_run_scenario eth0-down 1 || t_fail "link loss of $LAB_IMPL_S1: $LAB_R_NOTE ($LAB_RESULT)"
[[ $LAB_R_MASTER == server-2 ]] || t_fail "after link loss the VIP is on $LAB_R_MASTER, expected server-2"
link_result=$LAB_RESULT
lab_run_scenario reboot 1 || t_fail "failover $LAB_IMPL_S1 -> $LAB_IMPL_S2: $LAB_R_NOTE ($LAB_RESULT)"
[[ $LAB_R_MASTER == server-2 ]] || t_fail "after reboot the VIP is on $LAB_R_MASTER, expected server-2"
reboot_result=$LAB_RESULT
lab_run_scenario return 1 || t_fail "return of $LAB_IMPL_S1: $LAB_R_NOTE ($LAB_RESULT)"
[[ $LAB_R_MASTER == server-1 ]] || t_fail "after return the VIP is on $LAB_R_MASTER, expected server-1"
printf '%s\n' "$steady_result" "$link_result" "$reboot_result" "$LAB_RESULT" >&2
t_pass "VRRPv$version, $LAB_IMPL_S1 master / $LAB_IMPL_S2 backup: steady window, link loss, failover and preemption"
