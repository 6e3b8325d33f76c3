#!/usr/bin/env bash
# The README's test command: installs dependencies, builds, checks formatting,
# clang-tidy and shellcheck, then runs every layer: unit, bpf, the sanitizer
# layer (unit and bpf again under ASan+UBSan in build-asan/, then each fuzzer for
# XVRRP_FUZZ_SECONDS, default 20) and integration. Prints each layer's time.
# Run as root: the bpf and integration layers load XDP programs and build
# network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $EUID -ne 0 ]]; then
  echo "run-tests: must run as root (the bpf and integration tests load XDP and create namespaces)" >&2
  exit 1
fi
declare -a times=()
layer() {  # layer NAME command...: runs and times one layer
  local name=$1 t0=$SECONDS rc=0
  shift
  "$@" || rc=$?
  times+=("$name $((SECONDS - t0)) s$( ((rc == 0)) || echo ' FAILED')")
  return "$rc"
}
summary() {
  local t
  echo "run-tests: layer times:"
  for t in "${times[@]}"; do echo "  $t"; done
}
trap summary EXIT
layer build tools/build.sh
layer lint tools/lint.sh
layer unit ctest --test-dir build --output-on-failure --timeout 900 -L unit
layer bpf ctest --test-dir build --output-on-failure --timeout 900 -L bpf
layer sanitize tools/sanitize.sh --fuzz-seconds "${XVRRP_FUZZ_SECONDS:-20}"
layer integration ctest --test-dir build --output-on-failure --timeout 1800 -L integration
