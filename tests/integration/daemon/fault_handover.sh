#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # LAB_* settings are read by tools/lab/lib.sh
# shellcheck disable=SC2317 # the predicates below run through t_wait_until
# A MASTER whose check fails hands over make-before-break:
#   fault_handover.sh instant|skew [MAX_LOST]
# The seed's pair (configs verbatim) with an unweighted vrrp_script on server-1 only: while
# client-1 probes the VIP every 1 ms (xvrrp-probe), the check starts failing. server-1 enters
# FAULT at once (notify_fault runs), sends priority 0 and keeps the VIP until it hears
# server-2's first advert; then it lets go. At most MAX_LOST probes (default 0) may be lost;
# at the end server-2 alone holds the VIP and server-1 is FAULT without it.
#  - instant: server-2 takes over as soon as it hears priority 0 (its one unicast peer). A
#    release at once loses the takeover time, about 1 probe.
#  - skew: server-2 with `xvrrp_instant_takeover off` waits one Skew_Time (~805 ms at
#    priority 50), as with several possible successors. A release at once loses ~800 probes.
# Run time: about 12 s.
source "$(dirname "$0")/common.sh"
t_need_xvrrpd
mode=${1:?usage: fault_handover.sh instant|skew [MAX_LOST]}
max_lost=${2:-0}
[[ $mode == instant || $mode == skew ]] || t_fail "unknown mode '$mode'"
lab_find_bin xvrrp-probe >/dev/null || t_skip "xvrrp-probe not built"

lab_init "xfh$$"
LAB_IMPL=xvrrpd
t_use_probe 1
state_is() { [[ $(lab_state "$1") == "$2" ]]; }
vip_on() { [[ $(lab_vip_holders) == "$1" ]]; }

# The check: healthy while the file exists. interval 1, fall 1: FAULT at the first failing run.
ok=$LAB_WORK/s1.ok
notified=$LAB_WORK/s1.notify-fault
lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/server-1.base.conf"
lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/server-2.conf"
if [[ $mode == skew ]]; then
  sed -i 's/^advert_int 1$/advert_int 1\nxvrrp_instant_takeover off/' "$LAB_WORK/server-2.conf"
  grep -q '^xvrrp_instant_takeover off' "$LAB_WORK/server-2.conf" ||
    t_fail "cannot add xvrrp_instant_takeover to server-2's config"
fi
{
  printf 'vrrp_script chk {\n  script "/usr/bin/test -e %s"\n  interval 1\n  fall 1\n  rise 1\n}\n' "$ok"
  sed "s|^advert_int 1\$|advert_int 1\\ntrack_script {\\n  chk\\n}\\nnotify_fault \"/usr/bin/touch $notified\"|" \
    "$LAB_WORK/server-1.base.conf"
} >"$LAB_WORK/server-1.conf"
grep -q '^track_script' "$LAB_WORK/server-1.conf" || t_fail "cannot add track_script to server-1's config"

touch "$ok"
lab_topology_up
lab_daemon_start s1 xvrrpd "$LAB_WORK/server-1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/server-2.conf"
lab_wait_steady 20 || t_fail "no steady state with server-1 MASTER"

lab_probe_start xvrrp-probe
sleep 0.5
rm -f "$ok"
t_check "s1 FAULT" t_wait_until 3 state_is s1 FAULT
t_check "s2 MASTER" t_wait_until 3 state_is s2 MASTER
t_check "VIP on s2 alone" t_wait_until 3 vip_on s2
sleep 0.5
lab_probe_stop
read -r outage lost sent _ _ < <(lab_probe_result)
t_note "$mode: check failed on the MASTER: $lost of $sent probes lost, longest gap $outage ms (1 ms probe)"
t_compare "probes lost" "$lost" -le "$max_lost"

log=$LAB_WORK/s1.log
t_check "s1 kept the VIP after priority 0" grep -q 'tracked check in FAULT: priority 0 sent, keeping the VIPs' "$log"
t_check "s1 let go when it heard the new master" grep -q 'new master heard: the VIPs go after the release linger' "$log"
t_check "s1 removed the VIPs after the linger" grep -q 'release linger over: VIPs removed' "$log"
t_check "notify_fault ran" test -e "$notified"
t_compare "s1 state" "$(lab_state s1)" == FAULT
t_compare "VIP on s2 alone at the end" "$(lab_vip_holders)" == s2
t_pass "$mode: check failure on the MASTER: $lost probes lost (longest gap $outage ms), VIP on server-2, server-1 FAULT without it"
