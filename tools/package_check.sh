#!/usr/bin/env bash
# Checks the packages tools/package.sh wrote the way Debian checks packages (docs/PACKAGING.md):
#   tools/package_check.sh --arch amd64|arm64|armhf [--out DIR] [--no-tests]
# 0. for arm64/armhf: tools/cross_test.sh, the pure cores' tests under qemu-user (--no-tests skips);
# 1. lintian: no errors (the warnings it prints are listed and justified in docs/PACKAGING.md);
# 2. systemd-analyze verify accepts the unit, in the package's own file tree;
# 3. the target binaries print the package's version (under qemu-user for arm64/armhf);
# 4. install -> `uclink --version` -> purge in a throwaway Debian 12 root (debootstrap once into
#    ~/.cache/uclink/chroot-bookworm-<arch>, an overlay of it per run; tools/install_cycle.sh),
#    leaving no file behind. Never on this machine itself. A foreign-architecture root runs under
#    qemu in namespaces with their own binfmt_misc (tools/foreign_ns.sh); on a kernel without
#    that (before 6.7) and without a registered handler the cycle is reported as skipped.
# Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

arch="" out=dist/out tests=true
while [ $# -gt 0 ]; do
  case "$1" in
    --no-tests) tests=false; shift ;;
    --arch) arch=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    *) arch=invalid; break ;;
  esac
done
case "$arch" in
  amd64) qemu=() ;;
  arm64) qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu) ;;
  armhf) qemu=(qemu-arm-static -L /usr/arm-linux-gnueabihf) ;;
  *) echo "usage: tools/package_check.sh --arch amd64|arm64|armhf [--out DIR] [--no-tests]" >&2; exit 2 ;;
esac
bash tools/setup.sh --package --cross "$arch" >/dev/null || exit 1
version=$(sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' control/api/protocol.h)
deb=$out/uclink_${version}_${arch}.deb
sim=$out/uclink-sim_${version}_${arch}.deb
# shellcheck source=tools/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
finish() { checks_summary; [ "$failed" -eq 0 ]; exit; }
if [ ! -f "$deb" ] || [ ! -f "$sim" ]; then
  echo "tools/package_check.sh: no $deb or $sim; run tools/package.sh --arch $arch first" >&2
  failed=1; finish
fi
work=$(mktemp -d /tmp/uclink-package-check.XXXXXX)
trap 'rm -rf "$work"' EXIT  # the install cycle's mounts live and die in its own namespace

# --- 0. the target's own tests -----------------------------------------------------------------
if [ "$arch" != amd64 ] && $tests; then
  check "pure-core tests as $arch binaries under qemu (tools/cross_test.sh)" \
    bash tools/cross_test.sh --arch "$arch"
fi

# --- 1. lintian -------------------------------------------------------------------------------
lintian_clean() {
  # --tag-display-limit 0: every tag, so the list in docs/PACKAGING.md stays complete.
  lintian --tag-display-limit 0 --fail-on error "$deb" "$sim"
}
check "lintian: no errors" lintian_clean

# --- 2. systemd-analyze verify ----------------------------------------------------------------
dpkg-deb -x "$deb" "$work/tree"
verify_unit() {
  # Offline, in the package's tree: ExecStart's /usr/sbin/uclinkd must be there and executable.
  # The tree borrows this machine's units (sysinit.target, ...) and ExecReload's /bin/kill.
  # systemd-analyze exits 0 on a directive it ignores, so any line naming the unit fails too.
  local log=$work/verify.log
  cp -an /lib/systemd/system/. "$work/tree/lib/systemd/system/"
  install -D -m 0755 /bin/kill "$work/tree/bin/kill"
  SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$work/tree" \
    "$work/tree/lib/systemd/system/uclinkd.service" >"$log" 2>&1
  local status=$?
  cat "$log"
  [ "$status" -eq 0 ] && ! grep -q 'uclinkd.service' "$log"
}
check "systemd-analyze verify uclinkd.service" verify_unit

# --- 3. the binaries carry the package's version ----------------------------------------------
prints_version() {  # prints_version BINARY: "<name> <version>" on stdout
  local text
  text=$("${qemu[@]}" "$work/tree/$1" --version) && [ "$text" = "uclink $version" ]
}
check "uclink --version = $version ($arch)" prints_version usr/bin/uclink
check "uclinkd --version = $version ($arch)" prints_version usr/sbin/uclinkd
check "package contents" bash -c "dpkg-deb --contents '$deb' | grep ' ./etc/uclink/uclink.toml\$' >/dev/null &&
  dpkg-deb --info '$deb' | grep '^ Architecture: $arch\$' >/dev/null"

# --- 4. install -> --version -> purge in a throwaway Debian 12 root ---------------------------
base=${XDG_CACHE_HOME:-$HOME/.cache}/uclink/chroot-bookworm-$arch
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
# Where the root's binaries run: natively; through a qemu handler this machine registered; or in
# namespaces with a binfmt_misc of their own (tools/foreign_ns.sh, Linux 6.7 and later), which
# registers nothing with this machine's kernel. Each way has its own mount namespace.
handler=${qemu[0]:-}; handler=${handler%-static}
if [ "$arch" = amd64 ] || [ -e "/proc/sys/fs/binfmt_misc/$handler" ]; then
  runner=(unshare --mount --propagation private)
else
  runner=(bash tools/foreign_ns.sh "$arch")
  if ! "${runner[@]}" true 2>/dev/null; then
    echo "SKIP install/purge cycle: no binfmt handler for $arch and no private binfmt_misc (Linux < 6.7)"
    finish
  fi
fi
if [ ! -d "$base" ]; then
  echo "tools/package_check.sh: debootstrap bookworm $arch from $mirror into $base (once)"
  if [ "$arch" = amd64 ]; then
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >/dev/null
  else
    # First stage here (unpacking and device nodes need this machine's root), second stage
    # inside the root under qemu. container=lxc: a user namespace may not mknod, and the first
    # stage has made the nodes already.
    debootstrap --foreign --variant=minbase --arch="$arch" bookworm "$base.tmp" "$mirror" >/dev/null &&
      "${runner[@]}" chroot "$base.tmp" /usr/bin/env container=lxc \
        /debootstrap/debootstrap --second-stage >/dev/null
  fi && mv "$base.tmp" "$base" || { rm -rf "$base.tmp"; failed=$((failed + 1)); finish; }
fi
cycle_log=$work/cycle.log
"${runner[@]}" bash tools/install_cycle.sh "$base" "$deb" "$version" "$work/cycle" | tee "$cycle_log"
passed=$((passed + $(grep -c '^PASS ' "$cycle_log")))
failed=$((failed + $(grep -c '^FAIL ' "$cycle_log")))
grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$cycle_log" || failed=$((failed + 1))  # it stopped early
finish
