#!/usr/bin/env bash
# Runs COMMAND as root in new user, mount and PID namespaces that have their own binfmt_misc,
# with qemu-user-static's handler for ARCH registered there: a foreign-architecture Debian root
# can then be chrooted into without registering anything with this machine's kernel (Linux 6.7
# and later mount binfmt_misc per user namespace; docs/PACKAGING.md, "Foreign roots").
#   tools/foreign_ns.sh arm64|armhf COMMAND...
# The user namespace maps uids and gids 0-65535 onto themselves, so files keep their owners.
# Exits with COMMAND's status; 3 when the kernel refuses a private binfmt_misc.
set -uo pipefail
case "${1:-}" in
  arm64) handler=qemu-aarch64 ;;
  armhf) handler=qemu-arm ;;
  *) echo "usage: tools/foreign_ns.sh arm64|armhf COMMAND..." >&2; exit 2 ;;
esac
shift
[ $# -gt 0 ] || { echo "tools/foreign_ns.sh: no command" >&2; exit 2; }
conf=/usr/lib/binfmt.d/$handler.conf  # qemu-user-static's own registration line (flag F)
[ -r "$conf" ] || { echo "tools/foreign_ns.sh: no $conf (qemu-user-static)" >&2; exit 2; }

sync_dir=$(mktemp -d /tmp/uclink-foreign-ns.XXXXXX)
trap 'rm -rf "$sync_dir"' EXIT
mkfifo "$sync_dir/ready" "$sync_dir/go"
# The child says "ready" once it is in the new namespaces; the maps are written from here (only
# a process outside may map more than its own uid); "go" lets it on.
# shellcheck disable=SC2016
unshare --user --mount --pid --fork --propagation private bash -c '
  echo > "$1/ready"; read -r < "$1/go"; conf=$2; shift 2
  if ! mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
     ! tr -d "\n" < "$conf" > /proc/sys/fs/binfmt_misc/register; then
    echo "tools/foreign_ns.sh: no binfmt_misc of our own here (needs Linux 6.7 or later)" >&2
    exit 3
  fi
  exec "$@"' _ "$sync_dir" "$conf" "$@" &
child=$!
read -r < "$sync_dir/ready"
echo "0 0 65536" > "/proc/$child/uid_map" && echo "0 0 65536" > "/proc/$child/gid_map"
echo > "$sync_dir/go"
wait "$child"
