#!/usr/bin/env bash
# The sanitizer layer: a clang build with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ (XVRRP_FUZZ=ON, which implies XVRRP_SANITIZE=ON), its unit and bpf tests, then
# every libFuzzer target of tests/fuzz for a bounded time from seeds made of the tests'
# fixtures. Any ASan/UBSan/LeakSanitizer finding, fuzzer crash or timeout fails the run;
# a fuzzer's crashing input is kept in build-asan/fuzz/artifacts/.
#   tools/sanitize.sh [--fuzz-seconds N] [--no-tests]   (N: per fuzzer, default 20; 0 skips)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=20
run_tests=1
while (($#)); do
  case $1 in
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    --no-tests) run_tests=0; shift ;;
    *) echo "usage: $0 [--fuzz-seconds N] [--no-tests]" >&2; exit 2 ;;
  esac
done
build=${XVRRP_ASAN_BUILD:-build-asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

t0=$SECONDS
if [[ ! -f $build/CMakeCache.txt ]]; then
  # -O1 with line tables only: what ASan recommends, and much quicker to build than -O2 -g;
  # reports still name file:line. gcc builds enforce -Werror; clang-only warnings are not
  # this layer's job.
  CC=clang CXX=clang++ cmake -S . -B "$build" -DXVRRP_FUZZ=ON -DCMAKE_BUILD_TYPE=None \
    "-DCMAKE_C_FLAGS=-O1 -gline-tables-only" "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" \
    -DXVRRP_WERROR=OFF
fi
cmake --build "$build" -j"$(nproc)"
echo "sanitize: build took $((SECONDS - t0)) s"

if ((run_tests)); then
  t1=$SECONDS
  (cd "$build" && ctest --output-on-failure --timeout 300 -L 'unit|bpf')
  echo "sanitize: unit and bpf tests under ASan+UBSan took $((SECONDS - t1)) s"
fi

((fuzz_seconds > 0)) || exit 0
fuzz=$build/fuzz
rm -rf "$fuzz/seeds"
"$build/bin/fuzz_make_seeds" tests/unit/config/data "$fuzz/seeds"
mkdir -p "$fuzz/artifacts"
failed=()
for target in fuzz_config fuzz_packet fuzz_control fuzz_ctl_json fuzz_probe; do
  corpus=$fuzz/corpus/$target
  mkdir -p "$corpus"
  log=$fuzz/$target.log
  # -timeout: one input taking longer is a hang (a finding); -rss_limit_mb: so is runaway memory.
  if "$build/bin/$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$target-" \
    "$corpus" "$fuzz/seeds/$target" >"$log" 2>&1; then
    runs=$(awk '/^stat::number_of_executed_units:/{print $2}' "$log")
    speed=$(awk '/^stat::average_exec_per_sec:/{print $2}' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1)
    echo "sanitize: $target: ok, $runs inputs in ${fuzz_seconds} s ($speed exec/s, $cov)"
  else
    echo "sanitize: $target: FAILED (log $log)"
    grep -E 'ERROR|runtime error|invariant|SUMMARY|Test unit written' "$log" | head -n 20 || true
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "sanitize: fuzzers failed: ${failed[*]}" >&2
  exit 1
fi
echo "sanitize: all done in $((SECONDS - t0)) s"
