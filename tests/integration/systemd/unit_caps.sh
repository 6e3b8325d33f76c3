#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon starts with exactly the capabilities the shipped unit grants: its
# CapabilityBoundingSet= (read from tools/systemd/xvrrpd.service) and
# NoNewPrivileges=, applied with setpriv(1), in a namespace pair. Asserts that it
# reaches MASTER (xvrrpctl status --json), that it dropped to its run-time set
# and that SIGTERM removes the VIP and the XDP program. Run time: about 5 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bin=${LAB_BIN_DIR:-$repo/build/bin}
[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (namespaces, XDP)"; exit 77; }
[[ -x $bin/xvrrpd && -x $bin/xvrrpctl ]] || { echo "FAIL: xvrrpd/xvrrpctl not built in $bin"; exit 1; }
command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) missing"; exit 1; }

unit=$repo/tools/systemd/xvrrpd.service
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit")
[[ -n $caps ]] || { echo "FAIL: no CapabilityBoundingSet= in $unit"; exit 1; }
bounding=-all
for c in $caps; do
  c=${c#CAP_}
  bounding+=",+${c,,}"
done

ns=xvcap-s1
peer=xvcap-s2
work=$(mktemp -d /tmp/xvrrp-unit-caps.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  ip netns del "$peer" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; failures=$((failures + 1)); fi
}

ip netns add "$ns" && ip netns add "$peer" || exit 1
ip -n "$ns" link add eth0 type veth peer name eth0 netns "$peer"
# dummy0 is a veth end where the dummy module is missing (as tools/lab/lib.sh does).
if ! ip -n "$ns" link add dummy0 type dummy 2>/dev/null; then
  ip -n "$ns" link add dummy0 type veth peer name dummy0p
  ip -n "$ns" link set dummy0p up
fi
ip -n "$ns" addr add 192.0.2.5/24 dev eth0
ip -n "$peer" addr add 192.0.2.6/24 dev eth0
for n in "$ns" "$peer"; do ip -n "$n" link set lo up; ip -n "$n" link set eth0 up; done
ip -n "$ns" link set dummy0 up

router_id=xvrrp-unit-caps
sed "s/router_id server-1/router_id $router_id/" \
  "$repo/tests/integration/daemon/data/server-1.keepalived.conf" >"$work/keepalived.conf"

echo "# bounding set from the unit: $bounding"
ip netns exec "$ns" setpriv --bounding-set="$bounding" --no-new-privs -- \
  "$bin/xvrrpd" -f "$work/keepalived.conf" --control "$work/$router_id.ctl" \
  >"$work/xvrrpd.log" 2>&1 &
pid=$!

ctl() { ip netns exec "$ns" "$bin/xvrrpctl" --run-dir "$work" -r "$router_id" "$@"; }
is_master() {
  ctl status --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(i.get("state")=="MASTER" for i in d["instances"]) else 1)'
}
deadline=$((SECONDS + 10))
until is_master; do
  if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then break; fi
  sleep 0.1
done
check "xvrrpd under the unit's bounding set reaches MASTER" is_master
check "the VIP is on dummy0" bash -c "ip -n $ns -4 addr show dev dummy0 | grep -q 192.0.2.100/24"
check "no error at start-up" bash -c "! grep -Eq 'ERROR|PR_CAPBSET|capset' '$work/xvrrpd.log'"
# The dispatcher probe's expected failures are one info line, not warnings.
check "no warning at start-up" bash -c "! grep -q 'WARNING' '$work/xvrrpd.log'"
check "one info line names the XDP attach mode" grep -q 'XDP attach mode: ' "$work/xvrrpd.log"
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
# NET_ADMIN(12) NET_RAW(13) BPF(39) PERFMON(38), plus SYS_ADMIN(21) only with the dispatcher.
check "effective set dropped to the run-time set (CapEff=$capeff)" \
  bash -c "[[ '$capeff' == 000000c000003000 || '$capeff' == 000000c000203000 ]]"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "SIGTERM exits 0 (rc=$rc)" test "$rc" -eq 0
check "the VIP is gone after stop" bash -c "! ip -n $ns -4 addr show dev dummy0 | grep -q 192.0.2.100"
check "XDP is detached after stop" bash -c "! ip -n $ns link show eth0 | grep -q xdp"
if ((failures)); then
  echo "----- xvrrpd log -----"
  cat "$work/xvrrpd.log"
  exit 1
fi
echo "PASS"
