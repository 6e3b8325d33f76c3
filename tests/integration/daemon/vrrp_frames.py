#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures VRRP frames from one source on an interface, and replays them.

  vrrp_frames.py capture IFACE SRC_IP COUNT TIMEOUT_S FILE
      AF_PACKET receive on IFACE: the first COUNT IPv4 protocol-112 frames from
      SRC_IP, one hex line each, into FILE. Exit 1 when fewer arrived in time.
  vrrp_frames.py replay IFACE FILE ROUNDS GAP_MS
      Sends every frame of FILE, byte for byte, ROUNDS times, GAP_MS apart.
      Prints the number of frames sent.
"""
import socket
import sys
import time

ETH_P_ALL = 0x0003


def capture(iface, src, count, timeout, path):
    want = socket.inet_aton(src)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(0.2)
    frames = []
    deadline = time.monotonic() + timeout
    while len(frames) < count and time.monotonic() < deadline:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 112:
            continue
        if frame[26:30] != want:
            continue
        frames.append(frame)
    with open(path, "w", encoding="ascii") as f:
        for frame in frames:
            f.write(frame.hex() + "\n")
    return 0 if len(frames) == count else 1


def replay(iface, path, rounds, gap_ms):
    with open(path, encoding="ascii") as f:
        frames = [bytes.fromhex(line.strip()) for line in f if line.strip()]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    for _ in range(rounds):
        for frame in frames:
            s.send(frame)
            sent += 1
            time.sleep(gap_ms / 1000.0)
    print(sent)
    return 0


def main(argv):
    if len(argv) == 7 and argv[1] == "capture":
        return capture(argv[2], argv[3], int(argv[4]), float(argv[5]), argv[6])
    if len(argv) == 6 and argv[1] == "replay":
        return replay(argv[2], argv[3], int(argv[4]), float(argv[5]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
