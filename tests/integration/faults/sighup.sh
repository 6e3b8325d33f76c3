#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through t_check_within
# SIGHUP 100 times a second for 5 s at the MASTER, its priority raised from 100 to 110
# before the burst and to 120 halfway through it. Reloads coalesce (at most one per
# signal, far fewer than sent is fine), the last config is the one applied (the peer
# sees priority 120), the VIP never moves (sampled every 50 ms through the burst, and
# the transition counters), no fd leak, no spinning once it is over, clean stop.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
rate=${1:-100}
secs=${2:-5}

lab_init "xfh$$"
conf=$LAB_WORK/s1.conf
cp "$LAB_DATA_DIR/server-1.keepalived.conf" "$conf"
f_pair_up "$conf" "$LAB_DATA_DIR/server-2.keepalived.conf"
reloads0=$(r_status s1 | jq -r .reloads)

sed -i 's/^priority 100$/priority 110/' "$conf"
total=$((rate * secs))
pid=$(f_pid)
gap=$(awk -v r="$rate" 'BEGIN{printf "%.4f", 1 / r}')
(
  for ((i = 0; i < total; i++)); do
    kill -HUP "$pid" 2>/dev/null || exit 1
    # Halfway: the config changes again, while signals keep coming.
    ((i == total / 2)) && sed -i 's/^priority 110$/priority 120/' "$conf"
    sleep "$gap"
  done
) &
sender=$!
moved=0 samples=0
t0=$EPOCHREALTIME
while kill -0 "$sender" 2>/dev/null; do
  [[ $(lab_vip_holders) == s1 ]] || moved=$((moved + 1))
  samples=$((samples + 1))
  sleep 0.05
done
wait "$sender"
t_compare "the signal sender ran to the end (daemon alive)" "$?" == 0
t_note "$total SIGHUPs in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b - a}') s"
t_compare "VIP on s1 alone in every sample of the burst ($samples)" "$moved" == 0
sees_120() { [[ $(r_field s2 'i["master_priority"]') == 120 ]]; }
t_check_within 3 "s2 sees the last config's priority 120" sees_120
t_compare "s1's base priority is the last config's" "$(r_field s1 'i["base_priority"]')" == 120
reloads=$(($(r_status s1 | jq -r .reloads) - reloads0))
t_note "reloads done for $total signals: $reloads"
t_compare "at least one reload per config change" "$reloads" -ge 2
t_compare "no more reloads than signals" "$reloads" -le "$total"
t_compare "no failed reload" "$(r_status s1 | jq -r .reload_failures)" == 0
# And 100 back to back, faster than a reload: pending SIGHUPs merge into one.
before=$(r_status s1 | jq -r .reloads)
for ((i = 0; i < 100; i++)); do kill -HUP "$pid"; done
sleep 1
t_note "reloads for 100 back-to-back SIGHUPs: $(($(r_status s1 | jq -r .reloads) - before))"
f_held "after the SIGHUP burst"
f_no_leak "after the SIGHUP burst"
f_no_spin "after the SIGHUP burst" 2
f_stop_clean
t_pass "$total SIGHUPs in $secs s: $reloads reloads, final config applied, VIP never moved"
