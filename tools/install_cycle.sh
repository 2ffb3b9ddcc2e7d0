#!/usr/bin/env bash
# Step 4 of tools/package_check.sh: install -> `uclink --version` -> purge in a throwaway copy of a
# cached Debian 12 root, and nothing left behind. Run in a mount namespace of its own (the
# overlay and /proc vanish with it); for a foreign architecture inside tools/foreign_ns.sh.
#   tools/install_cycle.sh BASE_ROOT DEB VERSION WORK_DIR
# Prints one PASS/FAIL line per check and "N passed, N failed" last.
set -uo pipefail
base=$1 deb=$2 version=$3 work=$4
# shellcheck source=tools/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
root=$work/root
mkdir -p "$root" "$work/upper" "$work/overlay-work"
# An overlay keeps the cached root untouched. Inside a user namespace (tools/foreign_ns.sh)
# overlayfs renames no directory (EXDEV without redirect_dir, which such a mount may not have),
# and dpkg renames every directory it unpacks: there, and where overlayfs is refused, a copy.
if [ "$(readlink /proc/self/ns/user)" = "$(readlink /proc/1/ns/user)" ] &&
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/overlay-work" "$root" 2>/dev/null; then
  :
else
  cp -a "$base/." "$root/"
fi
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
check "apt install ./$(basename "$deb") in a bookworm root" \
  in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")"
check "installed uclink --version" bash -c "[ \"\$(chroot '$root' uclink --version)\" = 'uclink $version' ]"
check "installed uclinkd --version" bash -c "[ \"\$(chroot '$root' uclinkd --version)\" = 'uclink $version' ]"
check "conffile registered" bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' uclink | grep -q /etc/uclink/uclink.toml"
check "apt purge uclink and its dependencies" in_root apt-get purge -y -qq --autoremove uclink
snapshot >"$work/after"
check "purge leaves nothing behind" diff "$work/before" "$work/after"
checks_summary
[ "$failed" -eq 0 ]
