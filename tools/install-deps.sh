#!/usr/bin/env bash
# Installs what building, testing and running the lab need on Debian 12.
# Idempotent: apt-get runs only when a package is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  clang llvm clang-format clang-tidy shellcheck
  libclang-rt-14-dev  # ASan, UBSan and libFuzzer runtimes for tools/sanitize.sh
  libbpf-dev libxdp-dev xdp-tools bpftool
  libnl-3-dev libnl-route-3-dev
  libnftnl-dev libmnl-dev nftables  # the no_accept filter; nft lists it in the tests
  libssl-dev  # libcrypto: auth_hmac's HMAC-SHA256
  libgtest-dev googletest
  iproute2 iputils-ping procps psmisc
  keepalived netsniff-ng
  jq python3 stress-ng  # the integration scripts; stress-ng loads the host in stress.busy
  frr  # bfdd, zebra and vrrpd for the BFD and VRRP interop tests
  systemd dpkg-dev groff-base man-db file
  debootstrap systemd-container lintian
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $EUID -ne 0 ]]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Never let a package start its own daemon (keepalived) on this host.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  ((created_policy)) && rm -f "$policy"
fi
exit 0
