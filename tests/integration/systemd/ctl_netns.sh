#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xvrrpctl from where operators are: two daemons, each started with `ip netns exec` in its
# own network namespace, share /run/xvrrp but each has a private bpffs (ip netns exec
# remounts /sys). Inside each namespace, plain `xvrrpctl status` and `xvrrpctl counters`
# (no -r, no --pin-root) must find that namespace's daemon and its pins. Run time: ~6 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bin=${LAB_BIN_DIR:-$repo/build/bin}
[[ $EUID -eq 0 ]] || { echo "SKIP: needs root (namespaces, XDP)"; exit 77; }
[[ -x $bin/xvrrpd && -x $bin/xvrrpctl ]] || { echo "FAIL: xvrrpd/xvrrpctl not built in $bin"; exit 1; }

A=xvctl-a
B=xvctl-b
work=$(mktemp -d /tmp/xvrrp-ctl-netns.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
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

# Two independent single routers (no peer answers): each becomes MASTER of its own VIP.
ip netns add "$A" && ip netns add "$B" || exit 1
for ns in "$A" "$B"; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link add eth0 type veth peer name peer0
  ip -n "$ns" link set peer0 up
  ip -n "$ns" addr add 192.0.2.5/24 dev eth0
  ip -n "$ns" link set eth0 up
  if ! ip -n "$ns" link add dummy0 type dummy 2>/dev/null; then
    ip -n "$ns" link add dummy0 type veth peer name dummy0p
    ip -n "$ns" link set dummy0p up
  fi
  ip -n "$ns" link set dummy0 up
  id=xvrrp-ctl-${ns#xvctl-}
  sed "s/router_id server-1/router_id $id/" \
    "$repo/tests/integration/daemon/data/server-1.keepalived.conf" >"$work/$id.conf"
  ip netns exec "$ns" "$bin/xvrrpd" -f "$work/$id.conf" >"$work/$id.log" 2>&1 &
  pids+=($!)
done

field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null; }
status_id() { ip netns exec "$1" "$bin/xvrrpctl" status --json 2>"$work/err" | field 'd["router_id"]'; }
for ns in "$A" "$B"; do
  want=xvrrp-ctl-${ns#xvctl-}
  for ((i = 0; i < 50; i++)); do
    [[ $(status_id "$ns") == "$want" ]] && break
    sleep 0.1
  done
  check "ip netns exec $ns xvrrpctl status finds $want" test "$(status_id "$ns")" = "$want"
  out=$(ip netns exec "$ns" "$bin/xvrrpctl" counters --json 2>&1)
  check "ip netns exec $ns xvrrpctl counters reads $want's private pins" \
    test "$(field 'd["router_id"]' <<<"$out")" = "$want"
  check "no stale-pin warning for a live daemon" bash -c "! grep -q 'is not running' <<<\"\$1\"" _ "$out"
done

if ((failures)); then
  for f in "$work"/*.log; do echo "----- $f"; tail -20 "$f"; done
  exit 1
fi
echo "PASS"
