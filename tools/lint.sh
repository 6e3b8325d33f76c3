#!/usr/bin/env bash
# clang-format (check only), clang-tidy and shellcheck over the project's own sources,
# using the checked-in .clang-format and .clang-tidy and build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t cxx < <(git ls-files '*.cpp' '*.hpp')
mapfile -t c < <(git ls-files 'bpf/*.c' 'bpf/*.h' 'include/*.h')
echo "lint: clang-format on ${#cxx[@]} C++ and ${#c[@]} C files"
clang-format --dry-run --Werror "${cxx[@]}" "${c[@]}"
mapfile -t tidy < <(git ls-files 'userspace/*.cpp' 'tools/*.cpp')
echo "lint: clang-tidy on ${#tidy[@]} files"
# bpftool's generated skeleton (build/bpf/include/*.skel.h) is included as a
# system header, but the static analyzer still follows paths into it; it is
# not our code, so its findings are filtered out here.
report=$(printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build --quiet 2>/dev/null || true)
findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' <<<"$report" | grep -v '\.skel\.h:' | sort -u || true)
if [[ -n $findings ]]; then
  echo "$findings"
  echo "lint: clang-tidy found problems" >&2
  exit 1
fi
# Every shell script: *.sh plus the extensionless scripts (a shell shebang) under tools/
# and .ci/. .shellcheckrc makes sourced paths resolve from each script's directory.
mapfile -t sh < <({
  git ls-files '*.sh'
  git ls-files tools .ci | grep -v '\.[A-Za-z0-9]*$' |
    while read -r f; do head -n1 "$f" | grep -qE '^#!.*\b(ba)?sh\b' && echo "$f"; done
} | sort -u)
echo "lint: shellcheck on ${#sh[@]} shell scripts"
shellcheck "${sh[@]}"
# Every directory with a CMakeLists.txt is added by name by one of its ancestors (no
# globbing adds it for us, so a forgotten line would silently drop its targets and tests).
missing=0
while read -r dir; do
  found=0 anc=$dir
  while [[ $anc != . ]]; do
    anc=$(dirname "$anc")
    rel=${dir#"$anc"/}
    [[ $anc == . ]] && rel=$dir
    if [[ -f $anc/CMakeLists.txt ]] && grep -qF "add_subdirectory($rel)" "$anc/CMakeLists.txt"; then
      found=1
      break
    fi
  done
  ((found)) || { echo "lint: no add_subdirectory() adds $dir"; missing=1; }
done < <(git ls-files '*/CMakeLists.txt' | xargs -n1 dirname | sort -u)
((missing == 0)) || exit 1
echo "lint: ok"
