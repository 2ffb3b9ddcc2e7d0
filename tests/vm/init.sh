#!/bin/busybox sh
# PID 1 of the VM tier's initramfs (copied by tests/vm/run.sh). Loads the modules, mounts the host
# root read-only over virtio-9p, gives it writable /tmp and /run, chroots into it to run the
# scenario and powers off. The scenario prints "UCLINK-VM-RESULT {json}"; anything that goes
# wrong here prints a failing result line instead, so the host never waits for its timeout.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
. /vm.conf

fail() {
  echo "UCLINK-VM-RESULT {\"scenario\":\"${scenario}\",\"status\":\"fail\",\"error\":\"init: $1\"}"
  $bb sync
  $bb poweroff -f
}

for m in $($bb cat /modules/order); do
  $bb insmod "/modules/${m}.ko" || fail "insmod ${m}"
done
$bb mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /newroot \
  || fail "mount 9p"
# A checkout under /tmp (a fresh clone, say) or Bazel's output base there (HOME=/tmp/...) would
# be hidden by the VM's own /tmp below, and with it the scenario and every file the runfiles
# link to: keep the host's copy of each such top directory visible.
tops=""
for p in "${scenario_file}" "${source_file}" "${workspace}" "${bin_dir}"; do
  case "${p}" in
    /tmp/?*)
      t="/tmp/$(echo "${p#/tmp/}" | $bb cut -d/ -f1)"
      case " ${tops} " in *" ${t} "*) ;; *) tops="${tops} ${t}" ;; esac
      ;;
  esac
done
if [ -n "${tops}" ]; then
  $bb mkdir -p /hosttmp && $bb mount -o bind /newroot/tmp /hosttmp || fail "bind host /tmp"
fi
$bb mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || fail "tmpfs /tmp"
for t in ${tops}; do
  $bb mkdir -p "/newroot${t}" && $bb mount -o bind "/hosttmp${t#/tmp}" "/newroot${t}" \
    || fail "bind ${t}"
done
$bb mount -t tmpfs -o mode=755 tmpfs /newroot/run || fail "tmpfs /run"
$bb mkdir -p /newroot/run/lock /newroot/run/netns
for d in dev proc sys; do $bb mount -o bind "/${d}" "/newroot/${d}" || fail "bind ${d}"; done
$bb mkdir -p /newroot/dev/pts
$bb mount -t devpts -o newinstance,ptmxmode=0666 devpts /newroot/dev/pts || fail "devpts"
$bb mount -o bind /newroot/dev/pts/ptmx /newroot/dev/ptmx || fail "ptmx"
echo "UCLINK-VM-BOOTED uptime=$($bb cut -d' ' -f1 /proc/uptime)"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TMPDIR=/tmp
export UCLINK_WORKSPACE="${workspace}" UCLINK_BIN_DIR="${bin_dir}"
$bb chroot /newroot /bin/bash "${scenario_file}" || true
$bb sync
$bb poweroff -f
