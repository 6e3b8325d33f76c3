#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one integration test in its own mount, network and PID namespaces:
#   isolate.sh COMMAND [ARGS...]
# Inside, /run/netns, /run/xvrrp and /tmp (or, when the tree is under /tmp, a fresh
# $TMPDIR) are fresh tmpfs mounts and /sys/fs/bpf a
# fresh bpffs, so the test's `ip netns` namespaces, control sockets, work files and
# pinned maps exist only as long as it runs (keep logs with XVRRP_TEST_LOG_DIR outside
# /tmp); the PID namespace takes every process it
# started (daemons, probes, floods) down with it, even after a SIGKILL of this wrapper
# (ctest's timeout). Nothing a killed run made survives it.
# Without root it runs COMMAND as is (the tests then skip by themselves).
set -euo pipefail
(($#)) || { echo "usage: isolate.sh COMMAND [ARGS...]" >&2; exit 2; }
if [[ $EUID -ne 0 || -n ${XVRRP_ISOLATED:-} ]]; then exec "$@"; fi
export XVRRP_ISOLATED=1
# A tree (or build directory) that itself lives under /tmp must stay visible: then the
# fresh tmpfs goes on a directory of its own there, named by TMPDIR, instead of over /tmp.
here=$(readlink -f "$(dirname "$0")")
private_tmp=over
if [[ $here == /tmp/* || $(pwd -P) == /tmp/* ]]; then private_tmp=beside; fi
export XVRRP_ISOLATE_TMP=$private_tmp
# shellcheck disable=SC2016 # expanded by the inner bash
exec unshare --mount --propagation private --net --pid --fork --kill-child --mount-proc \
  bash -c '
    set -e
    if [[ $XVRRP_ISOLATE_TMP == over ]]; then
      mount -t tmpfs -o mode=1777 tmpfs /tmp
    else
      TMPDIR=$(mktemp -d /tmp/xvrrp-isolated.XXXXXX)
      mount -t tmpfs -o mode=1777 tmpfs "$TMPDIR"
      export TMPDIR
    fi
    for d in /run/netns /run/xvrrp; do mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"; done
    mkdir -p /sys/fs/bpf
    mount -t bpf bpf /sys/fs/bpf
    ip link set lo up
    [[ $XVRRP_ISOLATE_TMP == over ]] && exec "$@"
    rc=0
    "$@" || rc=$?
    umount "$TMPDIR" && rmdir "$TMPDIR"
    exit "$rc"
  ' isolate "$@"
