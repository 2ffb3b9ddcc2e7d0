#!/usr/bin/env bash
# Checks the packages tools/package.sh wrote the way Debian checks packages (docs/PACKAGING.md):
#   tools/package_check.sh --arch amd64|arm64|armhf [--out DIR] [--no-tests]
# 0. for arm64/armhf: tools/cross_test.sh, the pure cores' tests under qemu-user (--no-tests skips);
# 1. lintian: no errors (the warnings it prints are listed and justified in docs/PACKAGING.md);
# 2. systemd-analyze verify accepts the unit, in the package's own file tree;
# 3. the target binaries print the package's version (under qemu-user for arm64/armhf);
# 4. install -> `uclink --version` -> purge in a throwaway Debian 12 root (debootstrap once into
#    ~/.cache/uclink/chroot-bookworm-<arch>, an overlay of it per run), leaving no file behind.
#    Never on this machine itself. A foreign-architecture root needs qemu's binfmt handlers
#    registered with the kernel; without them the cycle runs in the amd64 root when the arch is
#    amd64 and is reported as skipped otherwise (steps 1-3 still check the package).
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
passed=0 failed=0
check() {  # check NAME COMMAND...: one counted check
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
finish() { echo "${passed} passed, ${failed} failed"; [ "$failed" -eq 0 ]; exit; }
if [ ! -f "$deb" ] || [ ! -f "$sim" ]; then
  echo "tools/package_check.sh: no $deb or $sim; run tools/package.sh --arch $arch first" >&2
  failed=1; finish
fi
work=$(mktemp -d /tmp/uclink-package-check.XXXXXX)
cleanup() {
  if mountpoint -q "$work/root/proc" 2>/dev/null; then umount "$work/root/proc"; fi
  if mountpoint -q "$work/root" 2>/dev/null; then umount "$work/root"; fi
  rm -rf "$work"
}
trap cleanup EXIT

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
# qemu-user-static registers its handlers as qemu-aarch64 / qemu-arm when binfmt_misc is mounted.
if [ "$arch" != amd64 ] && [ ! -e "/proc/sys/fs/binfmt_misc/${qemu[0]%-static}" ]; then
  echo "SKIP install/purge cycle: no binfmt handler for $arch registered (steps 1-3 checked it)"
  finish
fi
if [ ! -d "$base" ]; then
  echo "tools/package_check.sh: debootstrap bookworm $arch from $mirror into $base (once)"
  debootstrap --variant=minbase --arch="$arch" bookworm "$base.tmp" "$mirror" >/dev/null &&
    mv "$base.tmp" "$base" || { rm -rf "$base.tmp"; failed=$((failed + 1)); finish; }
fi
root=$work/root
mkdir -p "$root" "$work/upper" "$work/overlay-work"
# An overlay keeps the cached root untouched; where overlayfs is refused, a copy serves.
mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/overlay-work" "$root" 2>/dev/null ||
  cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
snapshot() {  # every path of the root except apt's and dpkg's own bookkeeping and logs
  in_root find / -xdev \( -path /proc -o -path /tmp -o -path /var/lib/apt -o -path /var/cache \
    -o -path /var/log -o -path /var/lib/dpkg \) -prune -o -print | LC_ALL=C sort
}
in_root apt-get update -qq >/dev/null 2>&1
snapshot >"$work/before"
check "apt install ./uclink_${version}_${arch}.deb in a bookworm root" \
  in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")"
check "installed uclink --version" bash -c "[ \"\$(chroot '$root' uclink --version)\" = 'uclink $version' ]"
check "installed uclinkd --version" bash -c "[ \"\$(chroot '$root' uclinkd --version)\" = 'uclink $version' ]"
check "conffile registered" bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' uclink | grep -q /etc/uclink/uclink.toml"
check "apt purge uclink and its dependencies" \
  in_root apt-get purge -y -qq --autoremove uclink
snapshot >"$work/after"
leftovers() { diff "$work/before" "$work/after"; }
check "purge leaves nothing behind" leftovers
finish
