# Helpers shared by the VM scenarios (sourced inside the VM's chroot, bash).
# Every scenario ends by calling vm_result exactly once; an EXIT trap reports a failure if the
# scenario dies first, so the host always gets one UCLINK-VM-RESULT line.
set -uo pipefail
VM_DIR="${UCLINK_WORKSPACE}/tests/vm"
VM_SCENARIO="$(basename "$0" .sh)"
VM_FIELDS=""
VM_REPORTED=0
vm_t0=$(date +%s%N)

# vm_field KEY VALUE-AS-JSON: adds a field to the result line.
vm_field() { VM_FIELDS="${VM_FIELDS},\"$1\":$2"; }
vm_ms_since_start() { echo $(( ($(date +%s%N) - vm_t0) / 1000000 )); }
vm_log() { echo "[vm ${VM_SCENARIO} $(vm_ms_since_start)ms] $*"; }

vm_result() {  # vm_result pass|fail [error text]
  VM_REPORTED=1
  local error=""
  if [[ $# -gt 1 ]]; then error=",\"error\":\"${2//\"/\'}\""; fi
  echo "UCLINK-VM-RESULT {\"scenario\":\"${VM_SCENARIO}\",\"status\":\"$1\"${error}${VM_FIELDS}}"
}
vm_fail() { vm_log "FAIL: $*"; vm_result fail "$*"; exit 1; }
trap '[[ ${VM_REPORTED} == 1 ]] || vm_result fail "scenario exited early"' EXIT

# vm_wait_for SECONDS COMMAND...: re-runs COMMAND every 100 ms until it succeeds.
vm_wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [[ $(date +%s) -lt ${deadline} ]] || return 1
    sleep 0.1
  done
}

# vm_cpu_ticks PID...: user+system clock ticks consumed so far by the given processes.
vm_cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    read -ra fields <"/proc/${pid}/stat" || continue
    total=$(( total + fields[13] + fields[14] ))
  done
  echo "${total}"
}

# vm_binary PACKAGE/NAME: a built target: from the bin directory run.sh built into, the test's
# runfiles, or the workspace's bazel-bin.
vm_binary() {
  local candidate
  for candidate in ${UCLINK_BIN_DIR:+"${UCLINK_BIN_DIR}/$1"} "${UCLINK_WORKSPACE}/$1" \
      "${UCLINK_WORKSPACE}/bazel-bin/$1"; do
    if [[ -x "${candidate}" && -f "${candidate}" ]]; then echo "${candidate}"; return 0; fi
  done
  return 1
}
