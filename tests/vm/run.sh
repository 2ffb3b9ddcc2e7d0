#!/bin/bash
# The VM tier: boots Debian's linux-image-amd64 kernel under qemu (TCG) with a busybox initramfs
# that mounts the host root read-only over virtio-9p, chroots into it and runs one scenario from
# tests/vm/scenarios/. This host kernel has no PPP; the VM's kernel has ppp_generic/ppp_async, so
# real pppd (and the project's freshly built binaries) run there. See docs/vm-tier.md.
#
# Usage: tests/vm/run.sh [scenario]        (default: pppd_pair; list: tests/vm/run.sh --list)
# Output: the VM console log (path printed), then one machine-readable line on stdout:
#   UCLINK-VM-SUMMARY {"scenario":...,"status":"pass"|"fail",...}
# Exit status: 0 when the scenario passed, 1 when it failed, 2 on a harness error.
# Environment: UCLINK_VM_TIMEOUT (seconds, default 240) bounds the whole qemu run;
#   UCLINK_VM_LOG (file) keeps the console log there instead of a temp file;
#   UCLINK_VM_BAZEL_FLAGS (e.g. "-c opt") configures the helper build (skipped under bazel test
#   or with UCLINK_VM_NO_BUILD=1); UCLINK_VM_BIN_DIR (a bazel-bin directory) uses helpers built
#   beforehand instead; UCLINK_VM_TRANSFER_BYTES sizes the TCP transfers (8 MiB).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
scenario="${1:-pppd_pair}"
if [[ "${scenario}" == "--list" ]]; then
  ls "${here}/scenarios" | sed -n 's/\.sh$//p'
  exit 0
fi
scenario_file="${here}/scenarios/${scenario}.sh"
if [[ ! -f "${scenario_file}" ]]; then
  echo "run.sh: unknown scenario '${scenario}' (try --list)" >&2
  exit 2
fi

vm_timeout="${UCLINK_VM_TIMEOUT:-240}"
kver="${UCLINK_VM_KERNEL_VERSION:-$(ls /lib/modules | sort -V | tail -n 1)}"
kernel="/boot/vmlinuz-${kver}"
moddir="/lib/modules/${kver}"
for tool in qemu-system-x86_64 cpio gzip timeout; do
  command -v "${tool}" >/dev/null || { echo "run.sh: ${tool} not installed" >&2; exit 2; }
done
[[ -r "${kernel}" ]] || { echo "run.sh: ${kernel} not readable" >&2; exit 2; }
[[ -x /usr/bin/busybox ]] || { echo "run.sh: busybox-static not installed" >&2; exit 2; }

# Outside `bazel test` (no TEST_SRCDIR) build the helpers the scenarios run, and tell the VM where
# they are: the bazel-bin symlink follows whatever configuration was built last in this tree.
bin_dir="${UCLINK_VM_BIN_DIR:-}"
if [[ -z "${TEST_SRCDIR:-}" && "${UCLINK_VM_NO_BUILD:-0}" != 1 && -z "${bin_dir}" ]]; then
  # UCLINK_VM_BAZEL_FLAGS (e.g. "-c opt") selects the build configuration of the helpers.
  # shellcheck disable=SC2086
  (cd "${here}/../.." && bazel build ${UCLINK_VM_BAZEL_FLAGS:-} //tests/vm:pppd_supervise \
    //tests/vm:backend_link //tests/vm:line_bridge //pppif:pppd_hook //cmd:uclinkd //cmd:uclink \
    //cmd:uclink-sim >&2) \
    || { echo "run.sh: bazel build failed" >&2; exit 2; }
  # shellcheck disable=SC2086
  bin_dir="$(cd "${here}/../.." && bazel info ${UCLINK_VM_BAZEL_FLAGS:-} bazel-bin 2>/dev/null)"
fi

work="$(mktemp -d /tmp/uclink-vm.XXXXXX)"
qemu_pid=""
cleanup() {
  if [[ -n "${qemu_pid}" ]] && kill -0 "${qemu_pid}" 2>/dev/null; then kill "${qemu_pid}"; fi
  rm -rf "${work}"
}
trap cleanup EXIT

# Modules in load order: virtio + 9p to reach the host root (order verified on this kernel),
# then PPP (slhc before ppp_generic before ppp_async) and tun for the userspace engine.
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache
  9pnet 9pnet_virtio 9p slhc ppp_generic ppp_async tun)
initramfs="${work}/initramfs"
mkdir -p "${initramfs}"/{bin,dev,proc,sys,newroot,modules}
cp /usr/bin/busybox "${initramfs}/bin/busybox"
for m in "${modules[@]}"; do
  path="$(find "${moddir}/kernel" -name "${m}.ko" -print -quit)"
  [[ -n "${path}" ]] || { echo "run.sh: module ${m}.ko not found under ${moddir}" >&2; exit 2; }
  cp "${path}" "${initramfs}/modules/"
done
printf '%s\n' "${modules[@]}" >"${initramfs}/modules/order"
# The scenario runs from the host tree (visible at the same path through 9p).
cat >"${initramfs}/vm.conf" <<CONF
scenario=${scenario}
scenario_file=${scenario_file}
workspace=$(cd "${here}/../.." && pwd -P)
source_file=$(readlink -f "${scenario_file}")
bin_dir=${bin_dir}
CONF
cp "${here}/init.sh" "${initramfs}/init"
chmod +x "${initramfs}/init"
(cd "${initramfs}" && find . | cpio -o -H newc --quiet | gzip -1) >"${work}/initramfs.cpio.gz"

log="${UCLINK_VM_LOG:-${work}/console.log}"
start_ns=$(date +%s%N)
set +e
# TCG, not KVM: KVM hangs on this host. One vCPU: the host's cores are shared.
timeout --kill-after=10 "${vm_timeout}" qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic \
  -no-reboot -kernel "${kernel}" -initrd "${work}/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3" \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -nic none </dev/null >"${log}" 2>&1 &
qemu_pid=$!
wait "${qemu_pid}"
qemu_status=$?
qemu_pid=""
set -e
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

summary="$(tr -d '\r' <"${log}" | sed -n 's/^UCLINK-VM-RESULT //p' | tail -n 1)"
if [[ -z "${summary}" ]]; then
  echo "run.sh: no result line from the VM (qemu status ${qemu_status}); console log:" >&2
  tail -n 60 "${log}" >&2
  echo "UCLINK-VM-SUMMARY {\"scenario\":\"${scenario}\",\"status\":\"fail\",\"error\":\"no result (qemu status ${qemu_status})\",\"vm_wall_ms\":${elapsed_ms}}"
  exit 1
fi
echo "run.sh: console log: ${log}" >&2
if [[ -z "${UCLINK_VM_LOG:-}" ]]; then tr -d '\r' <"${log}" | grep -v '^UCLINK-VM-RESULT' >&2; fi
# Append the wall time the host measured to the scenario's own JSON object.
echo "UCLINK-VM-SUMMARY ${summary%\}},\"vm_wall_ms\":${elapsed_ms}}"
[[ "${summary}" == *'"status":"pass"'* ]]
