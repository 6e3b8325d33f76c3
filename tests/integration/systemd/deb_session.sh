#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An operator's session with the .deb under a real systemd: the package built from this
# tree (cpack) is installed in a Debian 12 container booted with systemd as PID 1
# (container.sh), in the network namespace of server-1; its peer server-2 is a plain xvrrpd
# from the build directory in another namespace on the same bridge. The session:
#   dpkg -i (enabled, not started without a config) -> write the config, start -> status
#   -> reload with a raised priority (100 -> 110) -> reload of a broken config -> stop
#   -> start, dpkg -r -> purge -> reinstall -> upgrade to a bumped Debian revision -> purge
# and it asserts: active and MASTER; a notify_master script has the unit's bounding set (not
# the daemon's reduced one) and SCHED_OTHER; no transition on the peer across the reload; the
# broken reload fails (exit != 0) with its file:line in `journalctl -p err`; a clean stop
# (VIP gone, XDP detached); after removal no process, and after purge no enable symlink
# and no /run/xvrrp; an upgrade runs the new binary.
# Run time (2 shared cores): the first run adds the debootstrap into /var/cache/xvrrp-test
# (measured 69 s and 167 s, mirror-dependent), then about 35-55 s; later runs use the cache.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=container.sh
source "$here/container.sh"
build=${XVRRP_BUILD_DIR:-$repo/build}
bin=$build/bin

[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (namespaces, XDP, systemd-nspawn)"; exit 77; }
for tool in systemd-nspawn debootstrap nsenter cpack python3; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: $tool not installed (tools/install-deps.sh installs it)"; exit 1; }
done
[[ -x $bin/xvrrpd && -x $bin/xvrrpctl && -f $build/CPackConfig.cmake ]] ||
  { echo "FAIL: no xvrrpd/xvrrpctl/CPackConfig.cmake in $build"; exit 1; }

SW=xvsd-sw
S1=xvsd-server-1
S2=xvsd-server-2
DATA=$repo/tests/integration/daemon/data
work=$(mktemp -d /tmp/xvrrp-deb-session.XXXXXX)
peer_pid=
t0=$SECONDS

cleanup() {
  [[ -n $peer_pid ]] && kill -TERM "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
  ct_shutdown
  local ns
  for ns in "$S1" "$S2" "$SW"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; failures=$((failures + 1)); fi
}
wait_for() {  # wait_for SECONDS command...
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS <= deadline)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
dump_and_fail() {
  echo "FAIL - $*"
  echo "----- journal of xvrrpd (container) -----"
  ct_exec journalctl -u xvrrpd --no-pager -n 60 2>/dev/null
  echo "----- server-2 log -----"
  tail -n 30 "$work/s2.log"
  exit 1
}

# status_field JSON PYEXPR: eval of PYEXPR with i = the first instance
status_field() {
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); i=d["instances"][0]; print(eval(sys.argv[2]))' \
    "$1" "$2" 2>/dev/null
}
s1_status() { ct_exec xvrrpctl status --json 2>/dev/null; }
s2_status() { ip netns exec "$S2" "$bin/xvrrpctl" --run-dir "$work" -r server2-2 status --json 2>/dev/null; }
s1_state() { status_field "$(s1_status)" 'i["state"]'; }
s2_field() { status_field "$(s2_status)" "$1"; }
s1_master() { [[ $(s1_state) == MASTER ]]; }
s2_backup_of() { [[ $(s2_field 'i["state"]') == BACKUP && $(s2_field 'i["master_priority"]') == "$1" ]]; }
vip_on_s1() { grep -q '192.0.2.100/24' <<<"$(ip -n "$S1" -4 addr show dev dummy0)"; }
xdp_on_s1() { grep -q xdp <<<"$(ip -n "$S1" link show eth0)"; }
unit_is() { [[ $(ct_exec systemctl is-active xvrrpd) == "$1" ]]; }
# Neither the daemon nor its script launcher (xvrrpd-scripts).
no_daemon() { ! ct_exec pgrep xvrrpd >/dev/null; }

echo "# packages"
cpack -G DEB -B "$work/deb1" --config "$build/CPackConfig.cmake" >"$work/cpack1.log" 2>&1 ||
  { tail -20 "$work/cpack1.log"; exit 1; }
cpack -G DEB -B "$work/deb2" --config "$build/CPackConfig.cmake" -D CPACK_DEBIAN_PACKAGE_RELEASE=2 \
  >"$work/cpack2.log" 2>&1 || { tail -20 "$work/cpack2.log"; exit 1; }
deb1=$(ls "$work"/deb1/xvrrp_*.deb)
deb2=$(ls "$work"/deb2/xvrrp_*.deb)
v1=$(dpkg-deb --field "$deb1" Version)
v2=$(dpkg-deb --field "$deb2" Version)
echo "built $(basename "$deb1") and $(basename "$deb2")"

echo "# topology: server-1 (container) and server-2 (host daemon) on one bridge"
for ns in "$SW" "$S1" "$S2"; do ip netns add "$ns" || exit 1; ip -n "$ns" link set lo up; done
ip -n "$SW" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$SW" link set br0 up
for h in 1 2; do
  ns=xvsd-server-$h
  ip -n "$SW" link add "p-s$h" type veth peer name eth0 netns "$ns"
  ip -n "$SW" link set "p-s$h" master br0 up
  ip -n "$ns" addr add "192.0.2.$((h + 4))/24" brd + dev eth0
  ip -n "$ns" link set eth0 up
  if ! ip -n "$ns" link add dummy0 type dummy 2>/dev/null; then
    ip -n "$ns" link add dummy0 type veth peer name dummy0p
    ip -n "$ns" link set dummy0p up
  fi
  ip -n "$ns" link set dummy0 up
done
ip netns exec "$S2" "$bin/xvrrpd" -f "$DATA/server-2.keepalived.conf" --control "$work/server2-2.ctl" \
  >"$work/s2.log" 2>&1 &
peer_pid=$!

echo "# container"
ct_rootfs_ensure || { echo "FAIL: cannot build the Debian 12 root file system"; exit 1; }
t_boot=$SECONDS
ct_boot "$work/ct" xvrrp-server-1 "$S1" || { tail -30 "$work/ct/nspawn.log"; echo "FAIL: boot"; exit 1; }
echo "booted in $((SECONDS - t_boot)) s: $(ct_exec systemctl is-system-running)"
cp "$deb1" "$deb2" "$(ct_root)/root/"
d1=/root/$(basename "$deb1")
d2=/root/$(basename "$deb2")
wants=/etc/systemd/system/multi-user.target.wants/xvrrpd.service

echo "# install"
check "dpkg -i $(basename "$deb1")" ct_exec dpkg -i "$d1"
score=$(ct_exec systemd-analyze security xvrrpd 2>/dev/null | sed -n 's/.*Overall exposure level for xvrrpd.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security xvrrpd: ${score:-none} <= 5.0" \
  awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 5.0) }'
check "unit enabled by the install" test "$(ct_exec systemctl is-enabled xvrrpd)" = enabled
check "not started without /etc/xvrrp/keepalived.conf" unit_is inactive
check "no xvrrpd process yet" no_daemon

echo "# start, status"
# The seed's server-1 config plus a notify_master script that records its capabilities and
# scheduling class where the sandbox lets it write.
sed 's|^state MASTER$|state MASTER\nnotify_master /etc/xvrrp/notify-master.sh|' \
  "$DATA/server-1.keepalived.conf" >"$(ct_root)/etc/xvrrp/keepalived.conf"
cat >"$(ct_root)/etc/xvrrp/notify-master.sh" <<'SH'
#!/bin/sh
{ grep CapEff /proc/self/status; echo "policy $(cut -d' ' -f41 /proc/self/stat)"; } >/run/xvrrp/notify-master.out
SH
chmod 755 "$(ct_root)/etc/xvrrp/notify-master.sh"
check "systemctl start xvrrpd" ct_exec systemctl start xvrrpd
check "active" unit_is active
wait_for 10 s1_master || dump_and_fail "server-1 did not become MASTER"
check "server-1 MASTER (xvrrpctl status --json in the container)" s1_master
check "server-2 BACKUP of priority 100" wait_for 5 s2_backup_of 100
check "VIP on server-1's dummy0" vip_on_s1
check "XDP attached to server-1's eth0" xdp_on_s1
notify_out() { ct_exec cat /run/xvrrp/notify-master.out 2>/dev/null; }
wait_for 5 test -n "$(notify_out)"
check "notify_master ran" test -n "$(notify_out)"
# The unit's bounding set (NET_ADMIN NET_RAW SYS_ADMIN SYS_NICE PERFMON BPF), not the daemon's
# reduced set (c000003000): scripts come from the launcher forked before the drop.
check "notify_master has the unit's full bounding set ($(notify_out | tr '\n' ' '))" \
  grep -q 'CapEff:.*000000c000a03000' <<<"$(notify_out)"
check "notify_master runs SCHED_OTHER" grep -qx 'policy 0' <<<"$(notify_out)"
check "the daemon itself kept only its run-time set" \
  grep -q 'CapEff:.*000000c000003000' <<<"$(ct_exec cat "/proc/$(ct_exec systemctl show -P MainPID xvrrpd)/status")"
check "systemctl status xvrrpd exits 0" ct_exec systemctl status xvrrpd --no-pager -n 0
check "no error in the journal at start" \
  test -z "$(ct_exec journalctl -u xvrrpd -p err --no-pager -q -o cat)"
journal_text() { ct_exec journalctl -u xvrrpd --no-pager -q -o cat; }
check "journal lines carry no pid prefix of their own" \
  bash -c '! grep -q "xvrrpd\[[0-9]*\]: "' < <(journal_text)

echo "# reload with a raised priority (100 -> 110)"
peer_transitions=$(s2_field 'i["transitions"]')
pid_before=$(ct_exec systemctl show -P MainPID xvrrpd)
sed -i 's/^priority 100$/priority 110/' "$(ct_root)/etc/xvrrp/keepalived.conf"
check "systemctl reload xvrrpd" ct_exec systemctl reload xvrrpd
check "server-2 sees priority 110" wait_for 5 s2_backup_of 110
sleep 1
check "server-1 still MASTER" s1_master
check "same daemon (MainPID $pid_before)" test "$(ct_exec systemctl show -P MainPID xvrrpd)" = "$pid_before"
check "no transition on server-2 across the reload ($peer_transitions before)" \
  test "$(s2_field 'i["transitions"]')" = "$peer_transitions"
check "VIP still on server-1" vip_on_s1

echo "# reload of a broken config"
cp "$(ct_root)/etc/xvrrp/keepalived.conf" "$work/good.conf"
sed -i 's/^virtual_router_id 100$/virtual_router_id 300/' "$(ct_root)/etc/xvrrp/keepalived.conf"
ct_exec systemctl reload xvrrpd >"$work/reload.out" 2>&1
rc=$?
check "systemctl reload fails (rc=$rc)" test "$rc" -ne 0
bad_line=$(grep -n '^virtual_router_id 300$' "$(ct_root)/etc/xvrrp/keepalived.conf" | cut -d: -f1)
errs=$(ct_exec journalctl -u xvrrpd -p err --no-pager -q -o cat)
check "journalctl -p err names file:line (line $bad_line)" \
  grep -q "/etc/xvrrp/keepalived.conf:$bad_line: error: virtual_router_id 300" <<<"$errs"
check "still active" unit_is active
check "still MASTER after the failed reload" s1_master
cp "$work/good.conf" "$(ct_root)/etc/xvrrp/keepalived.conf"

echo "# stop"
check "systemctl stop xvrrpd" ct_exec systemctl stop xvrrpd
check "inactive" unit_is inactive
check "no xvrrpd process" no_daemon
check "VIP gone from server-1" bash -c "! ip -n $S1 -4 addr show dev dummy0 | grep -q 192.0.2.100"
check "XDP detached (ip link show has no xdp)" bash -c "! ip -n $S1 link show eth0 | grep -q xdp"
check "/run/xvrrp removed" test ! -e "$(ct_root)/run/xvrrp"
s2_master() { [[ $(s2_field 'i["state"]') == MASTER ]]; }
check "server-2 takes over" wait_for 5 s2_master

echo "# dpkg -r while running"
check "systemctl start xvrrpd" ct_exec systemctl start xvrrpd
check "MASTER again" wait_for 10 s1_master
check "dpkg -r xvrrp" ct_exec dpkg -r xvrrp
check "no xvrrpd process after dpkg -r" no_daemon
check "VIP gone after dpkg -r" bash -c "! ip -n $S1 -4 addr show dev dummy0 | grep -q 192.0.2.100"
check "XDP detached after dpkg -r" bash -c "! ip -n $S1 link show eth0 | grep -q xdp"
check "binaries removed" test ! -e "$(ct_root)/usr/sbin/xvrrpd"

echo "# purge"
check "dpkg --purge xvrrp" ct_exec dpkg --purge xvrrp
check "no wants symlink after purge" test ! -L "$(ct_root)$wants"
check "no mask left after purge" test ! -L "$(ct_root)/etc/systemd/system/xvrrpd.service"
check "no /run/xvrrp after purge" test ! -e "$(ct_root)/run/xvrrp"

echo "# reinstall (the operator's keepalived.conf is still there)"
check "dpkg -i $(basename "$deb1") again" ct_exec dpkg -i "$d1"
check "enabled again" test "$(ct_exec systemctl is-enabled xvrrpd)" = enabled
check "started by the install (config present)" wait_for 5 unit_is active
check "MASTER after reinstall" wait_for 10 s1_master
old_pid=$(ct_exec systemctl show -P MainPID xvrrpd)

echo "# upgrade $v1 -> $v2"
check "dpkg -i $(basename "$deb2")" ct_exec dpkg -i "$d2"
# shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not the shell's
check "version $v2 installed" test "$(ct_exec dpkg-query -W -f '${Version}' xvrrp)" = "$v2"
new_pid=$(ct_exec systemctl show -P MainPID xvrrpd)
check "restarted by the upgrade (MainPID $old_pid -> $new_pid)" \
  bash -c "[[ '$new_pid' != '$old_pid' && '$new_pid' != 0 ]]"
check "runs the new binary (not /usr/sbin/xvrrpd (deleted))" \
  test "$(ct_exec readlink "/proc/$new_pid/exe")" = /usr/sbin/xvrrpd
check "MASTER after the upgrade" wait_for 10 s1_master

echo "# final purge: nothing left"
check "dpkg --purge xvrrp" ct_exec dpkg --purge xvrrp
check "no xvrrpd process" no_daemon
check "no wants symlink" test ! -L "$(ct_root)$wants"
check "no /run/xvrrp" test ! -e "$(ct_root)/run/xvrrp"
check "XDP detached" bash -c "! ip -n $S1 link show eth0 | grep -q xdp"
check "unit unknown to systemd" test "$(ct_exec systemctl show -P LoadState xvrrpd)" = not-found

echo "# run time: $((SECONDS - t0)) s"
if ((failures)); then
  dump_and_fail "$failures check(s) failed"
fi
echo "PASS"
