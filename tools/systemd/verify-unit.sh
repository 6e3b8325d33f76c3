#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs `systemd-analyze verify` on xvrrpd.service and fails on any complaint.
# usage: verify-unit.sh UNIT MAN_DIR [XVRRPD_BINARY]
#
# verify checks that ExecStart's binary exists and that man: Documentation= links resolve,
# so it runs on a temporary copy whose ExecStart points at the built xvrrpd (or, before the
# daemon is built, at an executable stub: the path is the only thing that changes), with
# MANPATH pointing at this tree's man pages. Everything else is verified exactly as shipped.
set -euo pipefail
unit=${1:?unit file}
man_dir=${2:?man page directory}
binary=${3:-}

command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [[ -n $binary && -x $binary ]]; then
  binary=$(realpath "$binary")
  exec_path=$binary
else
  exec_path=$scratch/xvrrpd
  printf '#!/bin/sh\nexit 0\n' >"$exec_path"
  chmod +x "$exec_path"
  echo "note: xvrrpd not built; ExecStart points at a stub" >&2
fi

grep -q '^ExecStart=/usr/sbin/xvrrpd ' "$unit" || { echo "$unit: ExecStart is not /usr/sbin/xvrrpd" >&2; exit 1; }
sed "s#/usr/sbin/xvrrpd #$exec_path #g" "$unit" >"$scratch/xvrrpd.service"

mkdir -p "$scratch/man/man8"
cp "$man_dir"/*.8 "$scratch/man/man8/"

out=$(cd "$scratch" && MANPATH=$scratch/man:/usr/share/man SYSTEMD_LOG_LEVEL=notice \
      systemd-analyze verify "$scratch/xvrrpd.service" 2>&1) && rc=0 || rc=$?
if [[ $rc -ne 0 || -n $out ]]; then
  echo "systemd-analyze verify failed (rc=$rc):" >&2
  printf '%s\n' "$out" >&2
  exit 1
fi
echo "xvrrpd.service verifies (ExecStart=$exec_path)"
