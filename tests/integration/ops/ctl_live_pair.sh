#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xvrrpctl against a live pair of xvrrpd on the lab's topology (tools/lab/topology.sh:
# 192.0.2.5 and 192.0.2.6, VIP 192.0.2.100), the seed's VRRPv2 unicast + PASS setup.
# Checks status (text and JSON), counters and metrics on both sides, bpftool's view of the
# pinned maps (BTF field names) and program, and the "stale socket" / "other router id"
# messages after the master is SIGKILLed. Needs root; exits 77 (skip) without it or without
# the binaries.
# usage: ctl_live_pair.sh BIN_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/harness.sh
source "$here/../lib/harness.sh"
t_begin ctl-live-pair
bin=${1:?usage: ctl_live_pair.sh BIN_DIR}
xvrrpd=$bin/xvrrpd
ctl=$bin/xvrrpctl
t_require_root
[[ -x $xvrrpd ]] || t_skip "$xvrrpd not built"
[[ -x $ctl ]] || t_skip "$ctl not built"

abi=$(awk '$2 == "XVRRP_ABI_VERSION" {print $3}' "$T_REPO_DIR/include/xvrrp/abi.h")
[[ -n $abi ]] || t_fail "no XVRRP_ABI_VERSION in abi.h"
tag=ops$$
id_a=$tag-server-1
id_b=$tag-server-2
# The lab's topology (server-1 192.0.2.5 and server-2 192.0.2.6 on one switch); the
# daemons here are started by this test, not by the lab, so that they share this
# mount namespace (below).
t_use_lab "$tag"
lab_topology_up
ns_a=$(lab_ns s1)
ns_b=$(lab_ns s2)
work=$LAB_WORK
pids=()
stop_daemons() {
  local pid
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "/run/xvrrp/$id_a.ctl" "/run/xvrrp/$id_b.ctl"
  rm -rf "/sys/fs/bpf/xvrrp/$id_a" "/sys/fs/bpf/xvrrp/$id_b"
}
t_at_exit stop_daemons
t_on_failure() {
  local f
  for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
}
fail() { t_fail "$*"; }
expect() {  # expect NAME PATTERN TEXT: grep -E PATTERN in TEXT
  if grep -Eq -- "$2" <<<"$3"; then t_ok "$1: /$2/"; else t_fail "$1: no match for /$2/ in:"$'\n'"$3"; fi
}

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

write_conf() {  # write_conf FILE ROUTER_ID STATE PRIORITY PEER
  cat >"$1" <<CONF
global_defs {
router_id $2
}
vrrp_instance service-100 {
state $3
interface eth0
virtual_router_id 100
priority $4
advert_int 1
authentication {
auth_type PASS
auth_pass secret12
}
virtual_ipaddress {
192.0.2.100/24 dev eth0
}
unicast_peer {
$5
}
track_interface {
eth0
}
}
CONF
}
write_conf "$work/a.conf" "$id_a" MASTER 100 192.0.2.6
write_conf "$work/b.conf" "$id_b" BACKUP 50 192.0.2.5

# nsenter --net keeps this mount namespace, so /run/xvrrp and /sys/fs/bpf are the host's
# (ip netns exec would remount /sys and hide bpffs).
nsenter --net="/run/netns/$ns_b" "$xvrrpd" -f "$work/b.conf" >"$work/b.log" 2>&1 &
pids+=($!)
pid_b=$!
nsenter --net="/run/netns/$ns_a" "$xvrrpd" -f "$work/a.conf" >"$work/a.log" 2>&1 &
pids+=($!)
pid_a=$!

# A becomes master after its master-down timer (~3.6 s), then B hears its adverts.
for _ in $(seq 1 100); do
  out_a=$("$ctl" -r "$id_a" status 2>&1 || true)
  out_b=$("$ctl" -r "$id_b" counters 2>&1 || true)
  if grep -q "state              MASTER" <<<"$out_a" && grep -Eq "accepted +[3-9]" <<<"$out_b"; then
    break
  fi
  sleep 0.2
done

echo "== xvrrpctl -r $id_a status"
out=$("$ctl" -r "$id_a" status) || fail "status A"
echo "$out"
expect "A status" "^xvrrpd router_id $id_a  pid $pid_a  abi $abi  rx " "$out"
expect "A status" "state +MASTER" "$out"
expect "A status" "VIPs +present" "$out"
expect "A status" "192.0.2.100/24 dev eth0: present" "$out"
expect "A status" "tracked +eth0 up" "$out"

echo "== xvrrpctl -r $id_b status"
out=$("$ctl" -r "$id_b" status) || fail "status B"
echo "$out"
expect "B status" "state +BACKUP" "$out"
expect "B status" "master +192.0.2.5 \(priority 100\)" "$out"
expect "B status" "last advert +[0-9.]+ ms ago" "$out"
expect "B status" "VIPs +absent" "$out"

out=$("$ctl" -r "$id_b" status --json) || fail "status --json B"
expect "B status --json" '"state": "BACKUP"' "$out"
expect "B status --json" '"master": "192.0.2.5"' "$out"

echo "== xvrrpctl -r $id_b counters"
out=$("$ctl" -r "$id_b" counters) || fail "counters B"
echo "$out"
expect "B counters" "daemon pid $pid_b" "$out"
expect "B counters" "VRID 100 ipv4 on ifindex [0-9]+" "$out"
expect "B counters" "accepted +[1-9]" "$out"
expect "B counters" "rejected interval_mismatch +0" "$out"
expect "B counters" "VRID 100 ipv4 peer 192.0.2.5 on ifindex [0-9]+: [1-9][0-9]* gaps" "$out"
# 1 s adverts land in the [0.52 s, 1.05 s) or [1.05 s, 2.1 s) bucket.
expect "B counters" "\[(524 ms, 1.05 s|1.05 s, 2.1 s)\) +[1-9]" "$out"
out=$("$ctl" -r "$id_b" counters --json) || fail "counters --json B"
expect "B counters --json" '"peer": "192.0.2.5"' "$out"

echo "== xvrrpctl -r $id_b metrics"
out=$("$ctl" -r "$id_b" metrics) || fail "metrics B"
expect "B metrics" "^xvrrp_up\{router_id=\"$id_b\"\} 1$" "$out"
expect "B metrics" "^xvrrp_instance_state\{router_id=\"$id_b\",instance=\"service-100\",vrid=\"100\"\} 1$" "$out"
expect "B metrics" "^xvrrp_adverts_accepted_total\{router_id=\"$id_b\",vrid=\"100\",family=\"ipv4\",ifindex=\"[0-9]+\"\} [1-9]" "$out"
expect "B metrics" "^xvrrp_advert_interarrival_seconds_count\{router_id=\"$id_b\",vrid=\"100\",family=\"ipv4\",peer=\"192.0.2.5\",ifindex=\"[0-9]+\"\} [1-9]" "$out"
grep -E '^xvrrp_(adverts_accepted|instance_state|advert_interarrival_seconds_count)' <<<"$out"

echo "== bpftool on the pinned maps and program"
if command -v bpftool >/dev/null; then
  out=$(bpftool -j map dump pinned "/sys/fs/bpf/xvrrp/$id_b/xvrrp_counters") || fail "bpftool map dump"
  for field in accepted suppressed rejected; do
    expect "bpftool map dump (BTF field names)" "\"$field\":" "$out"
  done
  # One entry per {ifindex, VRID, family} seen, so the plain dump stays short.
  lines=$(bpftool map dump pinned "/sys/fs/bpf/xvrrp/$id_b/xvrrp_counters" | wc -l)
  echo "bpftool map dump xvrrp_counters: $lines lines"
  ((lines < 2000)) || fail "bpftool map dump of xvrrp_counters is $lines lines"
  out=$(bpftool -j map dump pinned "/sys/fs/bpf/xvrrp/$id_b/xvrrp_meta") || fail "bpftool meta"
  expect "bpftool meta" "\"abi_version\": ?$abi\b" "$out"
  ifindex_b=$(ip -n "$ns_b" -o link show eth0 | cut -d: -f1)
  pin=/sys/fs/bpf/xvrrp/$id_b/xvrrp_xdp_prog_$ifindex_b
  [[ -e $pin ]] || fail "program not pinned as $pin (abi.h pin layout)"
  out=$(bpftool prog show pinned "$pin") || fail "bpftool prog show pinned $pin"
  echo "$out"
  expect "bpftool prog show" "xdp +name xvrrp_xdp" "$out"
  attached=$(ip -n "$ns_b" link show eth0 | grep -Eo 'prog/xdp id [0-9]+' | grep -Eo '[0-9]+$') ||
    fail "no XDP program attached to eth0 in $ns_b"
  expect "pinned program is the attached one" "^$attached: xdp" "$out"
else
  echo "note: bpftool not installed; skipping"
fi

echo "== several router ids, a missing one, and a stale socket"
out=$("$ctl" status 2>&1) && fail "status without -r should fail with two daemons running"
expect "no -r" "several router ids found \(.*$id_a, $id_b.*\): choose one with -r ROUTER_ID" "$out"
out=$("$ctl" -r "$tag-nope" status 2>&1) && fail "unknown router id should fail"
expect "unknown id" "xvrrpd is not running for router id $tag-nope \(no /run/xvrrp/$tag-nope.ctl\); running router ids: .*$id_a, $id_b" "$out"
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null || true
out=$("$ctl" -r "$id_a" status 2>&1) && fail "status of a killed daemon should fail"
expect "stale socket" "connection refused on /run/xvrrp/$id_a.ctl: stale socket" "$out"
echo "$out"
out=$("$ctl" -r "$id_a" counters 2>&1) || fail "counters of a killed daemon's pins"
expect "stale pins" "warning: xvrrpd pid $pid_a that pinned /sys/fs/bpf/xvrrp/$id_a is not running" "$out"
expect "stale pins" "accepted +[0-9]+|all zero" "$out"

# B takes over after Master_Down_Interval (3 s + skew).
for _ in $(seq 1 50); do
  out=$("$ctl" -r "$id_b" metrics 2>/dev/null || true)
  grep -q "^xvrrp_instance_is_master{router_id=\"$id_b\",instance=\"service-100\",vrid=\"100\"} 1$" <<<"$out" && break
  sleep 0.2
done
expect "B took over" "^xvrrp_instance_is_master\{router_id=\"$id_b\",instance=\"service-100\",vrid=\"100\"\} 1$" "$out"
expect "B took over" "^xvrrp_instance_transitions_total\{router_id=\"$id_b\",instance=\"service-100\",vrid=\"100\"\} [2-9]" "$out"
