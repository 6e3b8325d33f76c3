#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints every IPv4 VRRP advert a namespace receives, one line each, as it arrives:
    EPOCH SRC DST VRID PRIORITY
Run inside the lab's switch namespace (every port's frames, outgoing copies skipped) until
killed. Used to check which VRIDs sent priority 0, seen on the wire."""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
while True:
    frame, addr = s.recvfrom(2048)
    if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8:
        continue
    if struct.unpack("!H", frame[12:14])[0] != 0x0800:
        continue
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != 112 or len(ip) < ihl + 8:
        continue
    vrrp = ip[ihl:]
    print(f"{time.time():.6f} {socket.inet_ntoa(ip[12:16])} {socket.inet_ntoa(ip[16:20])} "
          f"{vrrp[1]} {vrrp[2]}", flush=True)
    sys.stdout.flush()
