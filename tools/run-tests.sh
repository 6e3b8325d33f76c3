#!/usr/bin/env bash
# The README's test command: installs dependencies, builds, checks formatting
# and clang-tidy, then runs every ctest label (unit, bpf, integration).
# Run as root: the bpf and integration layers load XDP programs and build
# network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $EUID -ne 0 ]]; then
  echo "run-tests: must run as root (the bpf and integration tests load XDP and create namespaces)" >&2
  exit 1
fi
tools/build.sh
tools/lint.sh
cd build
ctest --output-on-failure --timeout 900 -L unit
ctest --output-on-failure --timeout 900 -L bpf
ctest --output-on-failure --timeout 1800 -L integration
