#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CI-sized runs of tools/stress/xvrrp-scale, xvrrp-flood and xvrrp-busy that
# assert what must hold on any machine, however loaded: no false transitions
# and the VIP never on the backup.
# Usage: stress.sh scale|scale-links|flood-xdp|flood-socket|busy|bfd-steady
# Exit: 0 pass, 1 fail, 77 skip (no root, or xvrrpd not built).
set -uo pipefail

TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOLS=$TEST_DIR/../../../tools/stress
kind=${1:?usage: stress.sh scale|scale-links|flood-xdp|flood-socket|busy|bfd-steady}

# shellcheck source=../lib/harness.sh
source "$TEST_DIR/../lib/harness.sh"
t_begin "stress $kind"
fail() { t_fail "$*"; }
skip() { t_skip "$*"; }

t_require_root
bin=
if [[ -n ${LAB_BIN_DIR:-} ]]; then
  [[ -x $LAB_BIN_DIR/xvrrpd ]] && bin=$LAB_BIN_DIR/xvrrpd
else
  bin=$(command -v xvrrpd || true)
fi
[[ -n $bin ]] || skip "xvrrpd binary not found (LAB_BIN_DIR=${LAB_BIN_DIR:-unset}, PATH)"
for t in trafgen jq python3 stress-ng; do
  command -v "$t" >/dev/null || fail "required tool '$t' not installed"
done

out=$(mktemp -d "${TMPDIR:-/tmp}/xvrrp-stress-test.XXXXXX") || fail "mktemp"
t_at_exit "rm -rf '$out'"
logs=$out/logs

case $kind in
  scale | scale-links)
    # Generous settling: start-up on a loaded 2-CPU machine can take a while.
    if [[ $kind == scale ]]; then
      args=(--instances 255 --duration 15 --settle-timeout 120)
    else
      # Two links: IPv4 on eth0, IPv6 on eth1 with global unicast peers and
      # sources, so every IPv6 advert names its source among 50 /128 VIPs.
      args=(--links 2 --family both --peer6 global --instances 50 --duration 5 --settle-timeout 20)
    fi
    bash "$TOOLS/xvrrp-scale" --impl xvrrpd --advert-int 0.01 "${args[@]}" \
      --prefix "xst$$" --json "$out/r.json" --keep-logs "$logs" ||
      fail "xvrrp-scale did not complete"
    r=$(jq -c '.runs[0]' "$out/r.json") || fail "no JSON from xvrrp-scale"
    echo "result: $r" >&2
    n=$(jq .total_instances <<<"$r")
    what="$n instances ($(jq -r '"\(.links) link(s), family \(.family)"' <<<"$r"))"
    dump() { cat "$logs"/*/s?.window-transitions.log 2>/dev/null | head -40 >&2; }
    # The daemons' last words, since $out goes with the test.
    tails() { for f in "$logs"/*/s?.log; do echo "== $f" && tail -n 25 "$f"; done >&2 2>/dev/null; }
    [[ $(jq .settled <<<"$r") == true ]] ||
      { tails; fail "$what never settled (every one MASTER on server-1, BACKUP on server-2)"; }
    [[ $(jq .daemons_alive <<<"$r") == true ]] || fail "a daemon exited during the window"
    mt=$(jq .master.transitions <<<"$r") bt=$(jq .backup.transitions <<<"$r")
    ((mt == 0 && bt == 0)) || { dump; fail "transitions after settling: master $mt, backup $bt"; }
    [[ $(jq .master.vips <<<"$r") == "$n" && $(jq .backup.vips <<<"$r") == 0 ]] ||
      fail "VIPs at the end: server-1 $(jq .master.vips <<<"$r"), server-2 $(jq .backup.vips <<<"$r") (want $n/0)"
    t_pass "$what x 10 ms for $(jq .seconds <<<"$r") s, 0 transitions (master $(jq .master.cpu_pct <<<"$r") % CPU, backup $(jq .backup.cpu_pct <<<"$r") % CPU)"
    ;;
  flood-xdp | flood-socket)
    rx=${kind#flood-}
    bash "$TOOLS/xvrrp-flood" --impl xvrrpd --rx "$rx" --duration 5 --tail 2 --prefix "xft$$" \
      --json "$out/r.json" --keep-logs "$logs" || fail "xvrrp-flood did not complete"
    r=$(jq -c '.runs[0]' "$out/r.json") || fail "no JSON from xvrrp-flood"
    echo "result: $r" >&2
    [[ $(jq .frames_received <<<"$r") -gt 1000 ]] ||
      fail "the flood did not reach server-2 ($(jq .frames_received <<<"$r") frames): nothing was tested"
    [[ $(jq .daemons_alive <<<"$r") == true ]] || fail "a daemon exited during the flood"
    mt=$(jq .transitions.master <<<"$r") bt=$(jq .transitions.backup <<<"$r")
    ((mt == 0 && bt == 0)) || fail "transitions during the flood: master $mt, backup $bt"
    [[ $(jq .vip_on_backup <<<"$r") == false ]] ||
      fail "the VIP was on the backup: $(jq -c '.vip_samples, .vip_added_on_backup' <<<"$r")"
    [[ $(jq .vip_samples.master_only <<<"$r") -gt 0 && $(jq .vip_samples.none <<<"$r") == 0 ]] ||
      fail "the master did not hold the VIP throughout: $(jq -c .vip_samples <<<"$r")"
    t_pass "flood ($rx) at $(jq .offered_pps <<<"$r") pps offered, 0 transitions, VIP on server-1 only"
    ;;
  busy)
    # The pair at 10 ms under the whole machine's load, xvrrpd then keepalived: xvrrpd
    # must make no transition; keepalived's count is reported beside it, not asserted.
    # xvrrp-busy exits 1 when either daemon made one, so its JSON decides.
    bash "$TOOLS/xvrrp-busy" --compare --advert-int 0.01 --duration 15 --prefix "xbt$$" \
      --json "$out/r.json" --keep-logs "$logs"
    x=$(jq -c '[.[] | select(.impl == "xvrrpd")][0]' "$out/r.json" 2>/dev/null)
    k=$(jq -c '[.[] | select(.impl == "keepalived")][0]' "$out/r.json" 2>/dev/null)
    [[ -n $x && $x != null ]] || fail "no xvrrpd run in xvrrp-busy's JSON (it never became steady?)"
    echo "xvrrpd: $x" >&2
    echo "keepalived: ${k:-none}" >&2
    t1=$(jq .transitions.s1 <<<"$x") t2=$(jq .transitions.s2 <<<"$x")
    ((t1 == 0 && t2 == 0)) || {
      grep -hE 'Entering|master down|extend|late' "$logs"/xvrrpd-1/s?.log 2>/dev/null | tail -n 20 >&2
      fail "xvrrpd under load: server-1 $t1, server-2 $t2 transitions (want 0)"
    }
    kpm=$( [[ -n $k && $k != null ]] && jq .per_minute <<<"$k" || echo n/a)
    t_pass "15 s of stress-ng at 10 ms adverts: xvrrpd 0 transitions (backup's largest gap $(jq -r .backup_max_gap_ms <<<"$x") ms, $(jq -r .backup_max_gap_share_pct <<<"$x") % of the master-down interval); keepalived $kpm per minute"
    ;;
  bfd-steady)
    # The article's pair with master_bfd at 10 ms x 3, left alone: no VRRP or BFD
    # transition, the session Up throughout, and its repeats folded in XDP (the daemon
    # then reads the session's record about once per detection time, not every packet).
    bash "$TOOLS/xvrrp-bfd-steady" --duration 15 --prefix "xbs$$" --json "$out/r.json" \
      --keep-logs "$logs"
    r=$(jq -c '.[0]' "$out/r.json" 2>/dev/null)
    [[ -n $r && $r != null ]] || fail "no run in xvrrp-bfd-steady's JSON (never steady with the session Up?)"
    echo "result: $r" >&2
    for h in master backup; do
      v=$(jq -c ".$h" <<<"$r")
      [[ $(jq -r '.vrrp_transitions == 0 and .bfd_transitions == 0 and .bfd_state == "Up"' <<<"$v") == true ]] ||
        fail "$h: $(jq -r '"\(.vrrp_transitions) VRRP and \(.bfd_transitions) BFD transitions, session \(.bfd_state)"' <<<"$v")"
      [[ $(jq -r .folded_in_xdp <<<"$v") == true ]] || fail "$h: the session is not folded in XDP"
      # Every repeat the socket did not deliver was folded: the daemon received far fewer
      # packets through its socket than were sent to it.
      sock=$(jq '.bfd_received - .replays' <<<"$v") folded=$(jq .bfd_folded <<<"$v")
      ((folded > 0 && sock * 10 < folded)) ||
        fail "$h: $folded repeats folded, $sock delivered by the socket (want most folded)"
    done
    t_pass "master_bfd at 10 ms x 3 for 15 s: 0 transitions, master $(jq .master.cpu_pct <<<"$r") % / backup $(jq .backup.cpu_pct <<<"$r") % CPU, $(jq .backup.bfd_folded <<<"$r") repeats folded on the backup"
    ;;
  *) fail "unknown test '$kind' (scale, scale-links, flood-xdp, flood-socket, busy, bfd-steady)" ;;
esac
