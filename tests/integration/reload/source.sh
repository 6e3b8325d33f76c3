#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the predicates below run through r_wait
# The advert source follows the interface's addresses and is never a VIP:
# the seed pair with the VIP on eth0 (same subnet as the primary); s1's
# primary 192.0.2.5 is deleted and added again, which leaves the VIP first in
# the kernel's list. s1 must keep advertising from 192.0.2.5 (s2 accepts only
# that peer), so s2 stays BACKUP behind master 192.0.2.5 and nothing moves.
# Also: an unknown control command is echoed back escaped, as valid JSON.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../daemon/common.sh
source "$here/../daemon/common.sh"
# shellcheck source=ctl.sh
source "$here/ctl.sh"
t_need_xvrrpd

lab_init "xsr$$"
lab_topology_up
LAB_VIP_DEV=eth0 lab_make_conf "$LAB_DATA_DIR/server-1.keepalived.conf" "$LAB_WORK/s1.conf"
LAB_VIP_DEV=eth0 lab_make_conf "$LAB_DATA_DIR/server-2.keepalived.conf" "$LAB_WORK/s2.conf"
lab_daemon_start s1 xvrrpd "$LAB_WORK/s1.conf"
lab_daemon_start s2 xvrrpd "$LAB_WORK/s2.conf"
lab_wait_steady 15 || t_fail "no steady state (s1 MASTER, s2 BACKUP)"
t2=$(r_field s2 'i["transitions"]')

ns1=$(lab_ns s1)
ip -n "$ns1" addr del 192.0.2.5/24 dev eth0
ip -n "$ns1" addr add 192.0.2.5/24 brd + dev eth0
vip_first() { grep -q 192.0.2.100 <<<"$(ip -n "$ns1" -4 -o addr show dev eth0 | head -n 1)"; }
r_wait 3 vip_first || t_fail "setup: the VIP is not first on eth0 ($(ip -n "$ns1" -4 -o addr show dev eth0))"
sleep 5 # more than the master-down interval (3.6 s)
[[ $(r_field s2 'i["state"]') == BACKUP ]] || t_fail "s2 left BACKUP: s1 advertised from the VIP?"
[[ $(r_field s2 'i["master"]') == 192.0.2.5 ]] || t_fail "s2 follows $(r_field s2 'i["master"]')"
[[ $(r_field s2 'i["transitions"]') == "$t2" ]] || t_fail "s2 had transitions"
[[ $(r_field s1 'i["state"]') == MASTER ]] || t_fail "s1 is not MASTER"

# An unknown command is echoed back escaped: the error reply stays JSON.
reply=$(python3 - "$LAB_WORK/s1.ctl" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b'bad"cmd\\x\n')
data = b""
while chunk := s.recv(65536):
    data += chunk
print(json.loads(data)["error"])
PY
) || t_fail "the error reply to an unknown command is not JSON"
[[ $reply == *'bad"cmd\x'* ]] || t_fail "the error does not echo the command: $reply"
t_pass "advert source stays 192.0.2.5 with the VIP first on eth0; escaped command echo"
