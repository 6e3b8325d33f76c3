#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# A reload whose configuration takes seconds to read (in the field a slow disk, NFS, or
# an NSS lookup of a script user) is read off the event loop. Here the MASTER's config
# is a FIFO that the test feeds STALL seconds after each SIGHUP. While the read waits
# the MASTER's adverts stay on time (its largest send lateness does not grow by the
# stall), its control socket answers, and SIGHUPs sent meanwhile coalesce into exactly
# one more read, which applies the last change.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
stall=${1:-2}

lab_init "xfr$$"
conf=$LAB_WORK/s1.conf
fifo=$LAB_WORK/s1.fifo
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
mkfifo "$fifo"
feed() { timeout 30 cp "$conf" "$fifo"; }  # one read of the FIFO, as soon as it is opened
feed &
f_pair_up "$fifo" "$LAB_DATA_DIR/server-2.keepalived.conf"
late0=$(r_field s1 'i["max_send_late_ms"]')
reloads0=$(r_status s1 | jq -r .reloads)

sed -i 's/^priority 100$/priority 110/' "$conf"
pid=$(f_pid)
kill -HUP "$pid"
sleep 0.2
# Signals while the first read waits; the last change comes with them.
for ((k = 0; k < 20; k++)); do kill -HUP "$pid"; done
answered=0
if r_status s1 >/dev/null; then answered=1; fi
t_compare "the control socket answers while the configuration is read" "$answered" == 1
t_compare "no reload done while its read waits" "$(($(r_status s1 | jq -r .reloads) - reloads0))" == 0
sleep "$stall"
feed
reloads_are() { (($(r_status s1 | jq -r .reloads) - reloads0 == $1)); }
t_check_within 5 "the first reload is done once its read completes" reloads_are 1
t_compare "it applied the config of its read" "$(r_field s1 'i["base_priority"]')" == 110
sed -i 's/^priority 110$/priority 120/' "$conf"
sleep "$stall"
feed
t_check_within 5 "the 20 SIGHUPs during the first read made one more reload" reloads_are 2
sleep 1
t_compare "21 SIGHUPs, 20 of them during the first read: exactly 2 reloads" \
  "$(($(r_status s1 | jq -r .reloads) - reloads0))" == 2
t_compare "no failed reload" "$(r_status s1 | jq -r .reload_failures)" == 0
t_compare "s1's base priority is the last config's" "$(r_field s1 'i["base_priority"]')" == 120
late=$(r_field s1 'i["max_send_late_ms"]')
t_note "s1's largest advert send lateness: ${late0} ms before, ${late} ms after two ${stall} s reads"
t_compare "s1's adverts stayed on time during the reads (largest lateness < 100 ms)" \
  "$(awk -v l="$late" 'BEGIN{print (l < 100) ? 1 : 0}')" == 1
t_note "$(grep -o 'Reload done.*' "$LAB_WORK/s1.log" | tail -1)"
f_held "after the slow reloads"
f_no_leak "after the slow reloads"
f_no_spin "after the slow reloads" 2
f_stop_clean
t_pass "two reloads whose reads waited ${stall} s each: adverts on time, 20 SIGHUPs coalesced into one"
