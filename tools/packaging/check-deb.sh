#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the .deb from a configured build directory, unpacks it into a scratch root and
# checks its contents and maintainer scripts, runs lintian (no error, no warning: the info
# tags left are justified in tools/packaging/debian/lintian-overrides or below), then runs
# the packaged xvrrpd -t on the packaged example config.
# Info tags seen and accepted:
#   package-supports-alternative-init-but-no-init.d-script: the daemon's sandbox and
#   capability bounding set are defined by its systemd unit; no init.d script without them
#   is shipped.
# usage: check-deb.sh BUILD_DIR [--expect PATH]...
#   --expect PATH  a further file the package must contain (e.g. usr/sbin/xvrrpd when that
#                  target is built); the unit, man pages, example config and copyright are
#                  always expected.
set -euo pipefail
build=${1:?usage: check-deb.sh BUILD_DIR [--expect PATH]...}
shift
build=$(cd "$build" && pwd)
expected=(
  lib/systemd/system/xvrrpd.service
  usr/share/man/man8/xvrrpd.8.gz
  usr/share/man/man8/xvrrpctl.8.gz
  usr/share/man/man8/xvrrp-probe.8.gz
  etc/xvrrp/keepalived.conf.example
  usr/share/doc/xvrrp/copyright
  usr/share/doc/xvrrp/changelog.Debian.gz
)
while (($#)); do
  case $1 in
    --expect) expected+=("${2:?--expect needs a path}"); shift 2 ;;
    *) echo "check-deb: unknown argument $1" >&2; exit 2 ;;
  esac
done

fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
[[ -f $build/CPackConfig.cmake ]] || fail "$build has no CPackConfig.cmake (cmake/Packaging.cmake not included?)"
for tool in cpack dpkg-deb gzip lintian; do command -v $tool >/dev/null || fail "$tool not installed"; done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== building (no-op when up to date)"
cmake --build "$build" >"$scratch/build.log" 2>&1 || { tail -30 "$scratch/build.log" >&2; fail "build failed"; }

echo "== cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$scratch/out" --config "$build/CPackConfig.cmake") >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
shopt -s nullglob
debs=("$scratch"/out/*.deb)
((${#debs[@]} == 1)) || fail "expected one .deb, found ${#debs[@]}: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb")"

echo "== control"
dpkg-deb --info "$deb"
control=$(dpkg-deb --field "$deb")
for dep in libbpf1 libxdp1 libnl-3-200 libnl-route-3-200 libnftnl11 libmnl0; do
  grep -Eq "^Depends:.*\b$dep\b" <<<"$control" || fail "Depends lacks $dep"
done
grep -q '^Maintainer: .\+' <<<"$control" || fail "no Maintainer"
grep -Eq '^Depends:.*\blibsystemd0\b' <<<"$control" && fail "Depends lists libsystemd0, which nothing links"
grep -q ';' <<<"$(dpkg-deb --field "$deb" Description)" && fail "Description has a ';' (a CMake list join)"
mkdir "$scratch/control"
dpkg-deb --control "$deb" "$scratch/control"
grep -qx /etc/xvrrp/keepalived.conf.example "$scratch/control/conffiles" ||
  fail "/etc/xvrrp/keepalived.conf.example is not a conffile"
for script in postinst prerm postrm; do
  [[ -x $scratch/control/$script ]] || fail "no $script maintainer script"
done
grep -q 'daemon-reload' "$scratch/control/postinst" || fail "postinst does not run daemon-reload"
grep -q "deb-systemd-invoke stop 'xvrrpd.service'" "$scratch/control/prerm" || fail "prerm does not stop xvrrpd"
grep -q "deb-systemd-helper purge 'xvrrpd.service'" "$scratch/control/postrm" ||
  fail "postrm purge does not remove the enable symlinks"

echo "== lintian"
# lintian warns about running as root on stderr; only its tags matter here.
lintian_out=$(lintian --info --fail-on error,warning "$deb" 2>/dev/null) && lintian_rc=0 || lintian_rc=$?
printf '%s\n' "$lintian_out"
((lintian_rc == 0)) || fail "lintian reports errors or warnings (rc=$lintian_rc)"
grep -Eq '^[EW]:' <<<"$lintian_out" && fail "lintian reports errors or warnings"

echo "== contents"
dpkg-deb --contents "$deb"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
for path in "${expected[@]}"; do
  [[ -f $root/$path ]] || fail "missing /$path"
  echo "ok  /$path"
done
for bin in usr/sbin/xvrrpd usr/sbin/xvrrpctl usr/bin/xvrrp-probe; do
  [[ ! -e $root/$bin || -x $root/$bin ]] || fail "/$bin is not executable"
done
for page in "$root"/usr/share/man/man8/*.8.gz; do
  gzip -t "$page" || fail "$page is not valid gzip"
  warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1) || true
  [[ -z $warnings ]] || fail "$(basename "$page"): groff warnings: $warnings"
done
grep -q '^ExecStart=/usr/sbin/xvrrpd ' "$root/lib/systemd/system/xvrrpd.service" ||
  fail "unit's ExecStart does not run /usr/sbin/xvrrpd"
grep -q '^router_id server-1$' "$root/etc/xvrrp/keepalived.conf.example" ||
  fail "example config is not the server-1 configuration"
# Only runtime files, and only where a Debian package may put them: no headers, static
# libraries or /usr/local, nothing in /etc outside /etc/xvrrp.
while IFS= read -r f; do
  case $f in
    ./usr/include/* | ./usr/local/* | *.a) fail "build-time file in package: $f" ;;
    *.bpf.o | *.o) fail "object file in package (xvrrpd embeds its BPF program): $f" ;;
    ./usr/share/xvrrp/lab/*) fail "lab script in package: $f" ;;
    ./usr/* | ./lib/systemd/system/* | ./etc/xvrrp/*) ;;
    *) fail "file outside /usr, /lib/systemd/system and /etc/xvrrp: $f" ;;
  esac
done < <(cd "$root" && find . -type f)

echo "== xvrrpd -t on the packaged example"
if [[ -x $root/usr/sbin/xvrrpd ]]; then
  "$root/usr/sbin/xvrrpd" -t -f "$root/etc/xvrrp/keepalived.conf.example" ||
    fail "packaged xvrrpd rejects the packaged example config"
  if [[ -x $root/usr/sbin/xvrrpctl ]]; then
    "$root/usr/sbin/xvrrpctl" --help >/dev/null || fail "packaged xvrrpctl --help failed"
  fi
else
  echo "SKIP: xvrrpd is not built in $build (userspace/daemon not added yet); not running xvrrpd -t"
fi
echo "check-deb: PASS"
