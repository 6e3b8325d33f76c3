# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# A Debian 12 system booted with systemd as PID 1 (systemd-nspawn -b), for tests of the
# package as an operator installs it. The root file system is a debootstrap minbase kept in
# a cache (XVRRP_TEST_CACHE, default /var/cache/xvrrp-test) and used read-only: each boot
# runs on an overlay whose upper layer lives in the test's work directory, so a run never
# changes the cache and reruns skip the debootstrap.
#
#   ct_rootfs_ensure               debootstrap into the cache unless it is complete
#   ct_boot WORK MACHINE NETNS     overlay + private bpffs + nspawn -b in NETNS; waits for
#                                  `systemctl is-system-running` (running or degraded)
#   ct_exec CMD...                 runs CMD in the container (all its namespaces)
#   ct_root                        the container's root directory, seen from the host
#   ct_shutdown                    powers the container off, unmounts (idempotent)

CT_CACHE=${XVRRP_TEST_CACHE:-/var/cache/xvrrp-test}
CT_BASE=$CT_CACHE/bookworm-minbase
CT_MIRROR=${XVRRP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the daemon links and what the session runs (ip, ps), on top of minbase.
CT_INCLUDE=systemd,systemd-sysv,dbus,iproute2,libbpf1,libxdp1,libnl-3-200,libnl-route-3-200,libnftnl11,libmnl0,libelf1,procps
CT_WORK=
CT_NSPAWN_PID=
CT_PID=

ct_log() { printf '[ct %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The stamp names the package list, so a changed list rebuilds the cache.
ct_rootfs_ensure() {
  mkdir -p "$CT_CACHE"
  (
    flock 9
    if [[ -f $CT_BASE/.xvrrp-rootfs && $(<"$CT_BASE/.xvrrp-rootfs") == "$CT_INCLUDE" ]]; then
      exit 0
    fi
    command -v debootstrap >/dev/null || { echo "debootstrap not installed" >&2; exit 1; }
    ct_log "debootstrap Debian 12 minbase into $CT_BASE (a few minutes, once)"
    rm -rf "$CT_BASE.tmp" "$CT_BASE"
    debootstrap --variant=minbase --include="$CT_INCLUDE" bookworm "$CT_BASE.tmp" "$CT_MIRROR" \
      >"$CT_CACHE/debootstrap.log" 2>&1 || { tail -20 "$CT_CACHE/debootstrap.log" >&2; exit 1; }
    printf '%s\n' "$CT_INCLUDE" >"$CT_BASE.tmp/.xvrrp-rootfs"
    mv "$CT_BASE.tmp" "$CT_BASE"
  ) 9>"$CT_CACHE/.lock"
}

ct_root() { printf '%s/root' "$CT_WORK"; }

ct_boot() {
  local machine=$2 netns=$3 i
  CT_WORK=$1
  mkdir -p "$CT_WORK"/{upper,ovl,root,bpffs}
  mount -t overlay overlay \
    -o "lowerdir=$CT_BASE,upperdir=$CT_WORK/upper,workdir=$CT_WORK/ovl" "$CT_WORK/root" || return 1
  # systemd mounts bpffs on /sys/fs/bpf at boot; nspawn's /sys is not the host's, so the
  # container gets a bpffs of its own, as a booted host has.
  mount -t bpf bpf "$CT_WORK/bpffs" || return 1
  # Without the syscall filter nspawn's seccomp refuses bpf() with EPERM.
  systemd-nspawn -b -D "$CT_WORK/root" -M "$machine" --register=no --keep-unit \
    --network-namespace-path="/run/netns/$netns" \
    --capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN \
    --system-call-filter='bpf perf_event_open' \
    --bind="$CT_WORK/bpffs:/sys/fs/bpf" --console=passive \
    >"$CT_WORK/nspawn.log" 2>&1 &
  CT_NSPAWN_PID=$!
  for ((i = 0; i < 300; i++)); do
    CT_PID=$(ps --ppid "$CT_NSPAWN_PID" -o pid= 2>/dev/null | tr -d ' ' | head -1)
    [[ -n $CT_PID ]] && break
    kill -0 "$CT_NSPAWN_PID" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $CT_PID ]] || { cat "$CT_WORK/nspawn.log" >&2; return 1; }
  local state=
  # Under 1 s on an idle machine; the bound is for a loaded CI host.
  for ((i = 0; i < 1200; i++)); do
    state=$(ct_exec systemctl is-system-running 2>/dev/null)
    [[ $state == running || $state == degraded ]] && return 0
    sleep 0.1
  done
  ct_log "container did not finish booting (is-system-running: $state); jobs left:"
  ct_exec systemctl list-jobs --no-pager >&2
  ct_exec systemctl --failed --no-pager >&2
  return 1
}

ct_exec() {
  nsenter -t "$CT_PID" -m -u -i -n -p -C -r -w -- \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

ct_shutdown() {
  local i
  if [[ -n $CT_NSPAWN_PID ]] && kill -0 "$CT_NSPAWN_PID" 2>/dev/null; then
    # SIGRTMIN+4 asks systemd (PID 1) for poweroff; nspawn exits when it is done.
    [[ -n $CT_PID ]] && kill -s RTMIN+4 "$CT_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      kill -0 "$CT_NSPAWN_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$CT_NSPAWN_PID" 2>/dev/null
    wait "$CT_NSPAWN_PID" 2>/dev/null
  fi
  CT_NSPAWN_PID=
  CT_PID=
  if [[ -n $CT_WORK ]]; then
    mountpoint -q "$CT_WORK/root" && umount -l "$CT_WORK/root"
    mountpoint -q "$CT_WORK/bpffs" && umount -l "$CT_WORK/bpffs"
  fi
  return 0
}
