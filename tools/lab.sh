#!/usr/bin/env bash
# The README's main command: builds xvrrp, then runs the failover lab
# (tools/lab/xvrrp-lab) with any arguments given, e.g. --impl keepalived.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $EUID -ne 0 ]]; then
  echo "lab: must run as root (it creates network namespaces and loads XDP)" >&2
  exit 1
fi
tools/build.sh >/dev/null
exec tools/lab/xvrrp-lab --bin-dir build/bin "$@"
