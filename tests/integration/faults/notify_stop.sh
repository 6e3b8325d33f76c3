#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# The notify scripts of a stop, as keepalived runs them: on SIGTERM the MASTER's
# `notify` script hears "INSTANCE service-100 STOP 100" after BACKUP and MASTER, and
# its notify_stop script (which takes ~1 s) runs to its end before xvrrpd exits,
# while server-2 takes over. The daemon exits cleanly (no VIP, program or pin left).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

lab_init "xns$$"
sdir=$LAB_WORK/scripts
mkdir -p "$sdir"
printf '%s\n' '#!/bin/sh' "echo \"\$*\" >>$sdir/notify.lines" >"$sdir/notify.sh"
printf '%s\n' '#!/bin/sh' "echo started >>$sdir/stop.lines" 'sleep 1' \
  "echo done >>$sdir/stop.lines" >"$sdir/stop.sh"
chmod 755 "$sdir"/*.sh
conf=$LAB_WORK/s1.conf
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
# The two scripts at the head of the seed's instance block.
sed -i "/^vrrp_instance service-100 {/a notify $sdir/notify.sh\nnotify_stop $sdir/stop.sh" "$conf"
f_pair_up "$conf" "$LAB_DATA_DIR/server-2.keepalived.conf"
has_master() { grep -qx 'INSTANCE service-100 MASTER 100' "$sdir/notify.lines" 2>/dev/null; }
t_check_within 3 "notify heard MASTER 100" has_master

t0=$EPOCHREALTIME
lab_daemon_signal s1 TERM
t_check "s1 exits on SIGTERM" lab_daemon_wait_exit s1 8
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
t_note "s1 exited $took s after SIGTERM"
t_compare "notify's last line" "$(tail -n 1 "$sdir/notify.lines")" == 'INSTANCE service-100 STOP 100'
# A priority below 255 starts as BACKUP, as keepalived's does.
t_compare "notify lines (BACKUP, MASTER, then STOP)" "$(tr '\n' '|' <"$sdir/notify.lines")" == \
  'INSTANCE service-100 BACKUP 100|INSTANCE service-100 MASTER 100|INSTANCE service-100 STOP 100|'
t_compare "notify_stop ran to its end before the exit" "$(tr '\n' '|' <"$sdir/stop.lines")" == 'started|done|'
s2_master() { [[ $(t_state s2) == MASTER ]]; }
t_check_within 5 "s2 MASTER" s2_master
t_compare "after exit: copies of the VIP on s1" "$(f_vip_count)" == 0
t_compare "after exit: XDP programs on s1's eth0" "$(f_progs)" == 0
t_compare "after exit: pins under $F_PIN_DIR" "$(f_pins)" == 0
t_pass "SIGTERM: notify heard STOP after MASTER, notify_stop finished (exit after $took s), s2 took over"
