#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2317 # LAB_* settings are read by tools/lab/lib.sh; functions run through t_wait_until
# Interop with FRR's vrrpd (Debian frr 8.4.4: zebra + vrrpd) over multicast, in the lab's
# namespaces:
#   frr.sh MASTER CASE     MASTER: frr | xvrrpd (the implementation on server-1)
#                          CASE:   v3 (VRRPv3 IPv4, 100 ms) | v2 (VRRPv2 IPv4, 1 s, no auth)
#                                  | v6 (VRRPv3 IPv6, 100 ms)
# server-1 (priority 150) runs MASTER, server-2 (priority 100) the other; VRID 5, VIP
# 192.0.2.100/24 or 2001:db8::100/64. FRR keeps the VIP on its macvlan
# vrrp4-<ifindex>-5 (vrrp6-... for IPv6) with the virtual MAC and holds it while its
# macvlan is up (vrrpd sets protodown on it as backup); xvrrpd puts the VIP on eth0.
# Steps, each ending with exactly one holder, the expected state on both sides, and
# client-1, with the VIP flushed from its neighbour cache, reaching the VIP at the
# holder's MAC (the virtual MAC for FRR, eth0's for xvrrpd):
#   1. both start: server-1 holds, and nothing changes for 2 s;
#   2. graceful stop of server-1 (xvrrpd: SIGTERM; FRR: `vrrp 5 shutdown`, priority 0):
#      server-2 takes over;
#   3. server-1 returns (xvrrpd: started again; FRR: `no vrrp 5 shutdown`) and preempts.
# Then xvrrpd's XDP program rejected none of FRR's adverts, and FRR counted ours.
# Takeover times are noted (VIP on one host alone, polled every 50 ms), not bounded: the
# takeover itself is the skew time or Master_Down_Interval of the side taking over.
# Run time: about 8 s (v3, v6), 16 s (v2).
source "$(dirname "$0")/../daemon/common.sh"
t_need_xvrrpd
[[ -x /usr/lib/frr/vrrpd && -x /usr/lib/frr/zebra ]] ||
  t_skip "FRR's zebra and vrrpd not installed (Debian package frr)"
master=${1:?usage: frr.sh frr|xvrrpd v3|v2|v6}
case=${2:?usage: frr.sh frr|xvrrpd v3|v2|v6}
case $master in
  frr) declare -A IMPL=([s1]=frr [s2]=xvrrpd) ;;
  xvrrpd) declare -A IMPL=([s1]=xvrrpd [s2]=frr) ;;
  *) t_fail "bad master implementation '$master'" ;;
esac
VRID=5
# One row per case: VRRP version, address family, advert interval (ms), VIP, prefix length.
case $case in
  v3) VERSION=3 FAMILY=4 ADVERT_MS=100 VIP=192.0.2.100 PLEN=24 ;;
  v2) VERSION=2 FAMILY=4 ADVERT_MS=1000 VIP=192.0.2.100 PLEN=24 ;;
  v6) VERSION=3 FAMILY=6 ADVERT_MS=100 VIP=2001:db8::100 PLEN=64 ;;
  *) t_fail "bad case '$case'" ;;
esac
declare -A PRIO=([s1]=150 [s2]=100)
declare -A IP6=([s1]=2001:db8::5 [s2]=2001:db8::6 [c1]=2001:db8::10)
VMAC=$(printf '00:00:5e:00:%02x:%02x' $((FAMILY == 4 ? 1 : 2)) "$VRID")
frr_host=s2
[[ ${IMPL[s1]} == frr ]] && frr_host=s1
xv_host=s1
[[ $frr_host == s1 ]] && xv_host=s2

lab_init "xq$$"
lab_topology_up
frr_ns=$(lab_ns "$frr_host")
FRR_DIR=$LAB_WORK/frr
FRR_NAME=xq$$

# The addresses and what FRR requires of the interface (its documented sysctls), and the
# macvlan with the virtual MAC: a random link-local, so that the two routers' macvlans
# never share one.
lab_frr_prepare() {
  local ns=$frr_ns ifindex s
  for s in all eth0; do
    ip netns exec "$ns" sysctl -qw "net.ipv4.conf.$s.arp_ignore=2" "net.ipv4.conf.$s.arp_announce=2" \
      "net.ipv4.conf.$s.ignore_routes_with_linkdown=1"
  done
  ifindex=$(ip netns exec "$ns" cat /sys/class/net/eth0/ifindex)
  MACVLAN=vrrp$FAMILY-$ifindex-$VRID
  ip -n "$ns" link add "$MACVLAN" link eth0 type macvlan mode bridge || t_fail "cannot create $MACVLAN"
  ip -n "$ns" link set "$MACVLAN" addrgenmode random
  ip -n "$ns" link set "$MACVLAN" address "$VMAC"
  ip netns exec "$ns" sysctl -qw "net.ipv4.conf.$MACVLAN.arp_ignore=2" \
    "net.ipv4.conf.$MACVLAN.arp_announce=2" "net.ipv4.conf.$MACVLAN.ignore_routes_with_linkdown=1"
  if ((FAMILY == 4)); then
    ip -n "$ns" addr add "$VIP/$PLEN" dev "$MACVLAN"
  else
    ip -n "$ns" addr add "$VIP/$PLEN" dev "$MACVLAN" nodad
  fi
  ip -n "$ns" link set "$MACVLAN" up
  # FRR sends IPv6 adverts from the macvlan's link-local address and calls itself Master
  # before the address has left DAD: its first adverts would never leave.
  if ((FAMILY == 6)); then
    t_wait_until 5 ll_ready "$frr_host" "$MACVLAN" || t_fail "$MACVLAN's link-local address still tentative"
  fi
  # zebra and vrrpd create /run/frr/NAME whatever paths they are given: under the test's
  # isolation (tests/integration/lib/isolate.sh) on a tmpfs of its own mount namespace.
  if [[ -n ${XVRRP_ISOLATED:-} ]]; then
    mkdir -p /run/frr
    mount -t tmpfs -o mode=0755,uid="$(id -u frr)",gid="$(id -g frr)" tmpfs /run/frr
  else
    t_at_exit "rm -rf /run/frr/$FRR_NAME"
  fi
  # zebra and vrrpd drop to user frr: they must reach their directory in the work dir.
  chmod o+x "$LAB_WORK"
  mkdir -p "$FRR_DIR"
  chown frr:frr "$FRR_DIR"
  local vipkw=ip
  ((FAMILY == 6)) && vipkw=ipv6
  printf 'log file %s/zebra.log\n' "$FRR_DIR" >"$FRR_DIR/zebra.conf"
  cat >"$FRR_DIR/vrrpd.conf" <<CONF
log file $FRR_DIR/vrrpd.log debugging
debug vrrp protocol
debug vrrp packets
interface eth0
 vrrp $VRID version $VERSION
 vrrp $VRID priority ${PRIO[$frr_host]}
 vrrp $VRID advertisement-interval $ADVERT_MS
 vrrp $VRID $vipkw $VIP
!
CONF
  chown frr:frr "$FRR_DIR"/*.conf
}

frr_daemon() { # NAME: zebra | vrrpd
  ip netns exec "$frr_ns" "/usr/lib/frr/$1" -d -N "$FRR_NAME" -P 0 -f "$FRR_DIR/$1.conf" \
    -i "$FRR_DIR/$1.pid" -z "$FRR_DIR/zserv.api" --vty_socket "$FRR_DIR" \
    >>"$LAB_WORK/$frr_host.log" 2>&1
}

frr_stop() {
  local d
  for d in vrrpd zebra; do
    [[ -s $FRR_DIR/$d.pid ]] && kill -TERM "$(cat "$FRR_DIR/$d.pid")" 2>/dev/null
  done
  sleep 0.3
  return 0
}

vty() { ip netns exec "$frr_ns" vtysh --vty_socket "$FRR_DIR" "$@" 2>/dev/null; }
vty_vrid() { vty -c 'conf t' -c 'interface eth0' -c "$1" >/dev/null; }

# FRR's state for our VR and family: Master, Backup, Initialize, or "-".
frr_state() { vty -c "show vrrp interface eth0 $VRID json" | jq -r ".[0].v$FAMILY.status // \"-\""; }
frr_stat() { vty -c "show vrrp interface eth0 $VRID json" | jq -r ".[0].v$FAMILY.stats.$1 // \"-\""; }

xv_conf() {
  cat <<CONF
global_defs {
router_id server-${xv_host#s}
}
vrrp_instance service-$VRID {
state BACKUP
interface eth0
virtual_router_id $VRID
priority ${PRIO[$xv_host]}
advert_int $(awk -v m="$ADVERT_MS" 'BEGIN{print m / 1000}')
version $VERSION
virtual_ipaddress {
$VIP/$PLEN dev eth0
}
}
CONF
}

ip_family() { ip -n "$(lab_ns "$1")" "-$FAMILY" "${@:2}"; }

# A host holds the VIP when the address is on a link that is up: eth0 for xvrrpd, FRR's
# macvlan (down, protodown on, while FRR is Backup).
holds_vip() {
  local h=$1 dev=eth0
  [[ $h == "$frr_host" ]] && dev=$MACVLAN
  [[ $(ip -n "$(lab_ns "$h")" -o link show dev "$dev" 2>/dev/null) == *",UP,"*"state UP"* ]] || return 1
  grep -q " $VIP/" <<<"$(ip_family "$h" -o addr show dev "$dev" 2>/dev/null)"
}
holders() {
  local h out=()
  for h in s1 s2; do holds_vip "$h" && out+=("$h"); done
  echo "${out[*]:-none}"
}

holders_are() { [[ $(holders) == "$1" ]]; }

state_of() {
  if [[ ${IMPL[$1]} == frr ]]; then
    case $(frr_state) in Master) echo MASTER ;; Backup) echo BACKUP ;; *) frr_state ;; esac
  elif lab_daemon_alive "$1"; then
    t_state "$1"
  else
    echo stopped
  fi
}
# HOLDER and the other host in their expected states, HOLDER the only VIP holder.
settled_on() {
  local other=s1 want_other=${2:-BACKUP}
  [[ $1 == s1 ]] && other=s2
  [[ $(state_of "$1") == MASTER && $(state_of "$other") == "$want_other" && $(holders) == "$1" ]]
}
transitions() { # a number that changes with every transition of either side
  echo "$(t_transitions "$xv_host"):$(frr_stat transitions)"
}

# The MAC client-1 learns for the VIP once its entry is flushed and it pings the VIP.
client_mac() {
  local c1
  c1=$(lab_ns c1)
  ip -n "$c1" "-$FAMILY" neigh flush to "$VIP" dev eth0 2>/dev/null
  ip netns exec "$c1" ping "-$FAMILY" -n -q -c 1 -W 1 "$VIP" >/dev/null 2>&1 || {
    echo unreachable
    return 0
  }
  ip -n "$c1" "-$FAMILY" neigh show "$VIP" dev eth0 |
    awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") {print $(i + 1); f = 1}} END {if (!f) print "-"}'
}
mac_of() { if [[ $1 == "$frr_host" ]]; then echo "$VMAC"; else echo "${LAB_MAC[$1]}"; fi; }
check_client() { # HOLDER STEP
  local got i
  for i in 1 2 3; do
    got=$(client_mac)
    [[ $got == "$(mac_of "$1")" ]] && break
    sleep 0.2
  done
  t_compare "$2: client-1 (cache flushed) reaches the VIP at $1's MAC" "$got" == "$(mac_of "$1")"
}

stop_s1() {
  if [[ ${IMPL[s1]} == frr ]]; then vty_vrid "vrrp $VRID shutdown"; else lab_daemon_signal s1 TERM; fi
}
start_s1() {
  if [[ ${IMPL[s1]} == frr ]]; then
    vty_vrid "no vrrp $VRID shutdown"
  else
    lab_daemon_start s1 xvrrpd "$LAB_WORK/xvrrpd.conf"
  fi
}
# xvrrpd's own account of its last change (why it took over, or how it handed over).
xv_why() {
  t_note "xvrrpd: $(grep -E '\((service-[0-9]+)\) (master down|priority 0|new master|lower priority|Entering)' \
    "$LAB_WORK/$xv_host.log" | tail -n 2 | sed -E 's/^[0-9.]+ [0-9-]+ [0-9:.]+ xvrrpd\[[0-9]+\]: //' | paste -sd ';')"
}
ms_since() { awk -v a="$EPOCHREALTIME" -v b="$1" 'BEGIN{printf "%.0f", (a - b) * 1000}'; }

t_on_failure() {
  local h
  for h in s1 s2; do
    echo "# $h (${IMPL[$h]}): state $(state_of "$h"); $(ip -n "$(lab_ns "$h")" -br "-$FAMILY" addr | xargs)" >&2
  done
  [[ -s $FRR_DIR/vrrpd.log ]] && tail -n 30 "$FRR_DIR/vrrpd.log" >&2
  t_dump_logs
}

# VRRPv3 over IPv6 advertises from a link-local address (RFC 5798 section 5.1.2.1): wait
# until DAD is done with it.
ll_ready() { ! grep -q inet6 <<<"$(ip -n "$(lab_ns "$1")" -6 addr show dev "${2:-eth0}" scope link tentative)"; }
if ((FAMILY == 6)); then
  for h in s1 s2 c1; do ip -n "$(lab_ns "$h")" addr add "${IP6[$h]}/64" dev eth0 nodad; done
  for h in s1 s2; do t_wait_until 5 ll_ready "$h" || t_fail "$h: eth0's link-local address still tentative"; done
fi
lab_frr_prepare
xv_conf >"$LAB_WORK/xvrrpd.conf"
t_at_exit frr_stop
frr_daemon zebra || t_fail "zebra did not start"
frr_daemon vrrpd || t_fail "vrrpd did not start"
lab_daemon_start "$xv_host" xvrrpd "$LAB_WORK/xvrrpd.conf"
t_note "VRRPv$VERSION IPv$FAMILY, ${ADVERT_MS} ms: server-1 ${IMPL[s1]}, server-2 ${IMPL[s2]} ($MACVLAN on $frr_host)"

# 1. Steady state.
t_check_within 10 "server-1 (${IMPL[s1]}) MASTER, server-2 BACKUP, server-1 the only holder" settled_on s1
n0=$(transitions)
sleep 2
t_check "no transition over 2 s, still one holder" settled_on s1
t_compare "transition counts (xvrrpd:FRR) unchanged over 2 s" "$(transitions)" == "$n0"
check_client s1 "steady state"

# 2. Graceful stop of server-1: priority 0, server-2 takes over within a skew time.
stopped_state=stopped
[[ ${IMPL[s1]} == frr ]] && stopped_state=Initialize
t0=$EPOCHREALTIME
stop_s1
t_wait_until 5 holders_are s2 && t_note "VIP on server-2 alone $(ms_since "$t0") ms after server-1's stop"
t_check_within 5 "server-2 (${IMPL[s2]}) the only holder after server-1's graceful stop" \
  settled_on s2 "$stopped_state"
xv_why
[[ ${IMPL[s1]} == xvrrpd ]] && t_check "xvrrpd on server-1 exits on SIGTERM" lab_daemon_wait_exit s1 5
check_client s2 "after server-1's stop"

# 3. server-1 returns with the higher priority and preempts (Master_Down_Interval: 3
#    adverts plus the skew time).
t0=$EPOCHREALTIME
start_s1
t_wait_until 10 holders_are s1 && t_note "VIP on server-1 alone $(ms_since "$t0") ms after its return"
t_check_within 10 "server-1 (${IMPL[s1]}) preempts: the only holder again" settled_on s1
xv_why
check_client s1 "after server-1's return"

# FRR's adverts all passed xvrrpd's checks, and each side heard the other.
# The daemon's bpffs is private to its mount namespace (ip netns exec): read it through /proc.
counters=$("$(lab_find_bin xvrrpctl)" -r "server-${xv_host#s}" \
  --pin-root "/proc/${LAB_DAEMON_PID[$xv_host]}/root/sys/fs/bpf/xvrrp" counters --json)
t_note "xvrrpd's counters: $(jq -c '.counters' <<<"$counters")"
rejects=$(jq --argjson v "$VRID" '[.counters[] | select(.vrid == $v) | .rejected[]] | add // 0' <<<"$counters")
t_compare "xvrrpd's XDP program rejected none of FRR's adverts for VRID $VRID" "$rejects" == 0
t_compare "xvrrpd received FRR's adverts" "$(t_status "$xv_host" | jq '.instances[0].adverts_received')" -gt 0
t_compare "FRR received xvrrpd's adverts" "$(frr_stat adverRx)" -gt 0
[[ $T_FAILED -eq 0 ]] || t_fail "$T_FAILED check(s) failed"
t_pass "FRR vrrpd interop, VRRPv$VERSION IPv$FAMILY, ${IMPL[s1]} master / ${IMPL[s2]} backup"
