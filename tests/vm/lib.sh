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

# vm_namespaces: the scenario's two network namespaces, "net" (the network side) and "client"
# (uclink's side), each with its loopback up.
vm_namespaces() {
  ip netns add net && ip netns add client || vm_fail "ip netns add"
  ip -n net link set lo up; ip -n client link set lo up
}

# vm_socat_line TAG: a fresh pty pair ${run}/pty-net <-> ${run}/pty-client (socat, socat_pid).
vm_socat_line() {
  rm -f "${run}/pty-net" "${run}/pty-client"
  socat PTY,link="${run}/pty-net",rawer PTY,link="${run}/pty-client",rawer 2>"${run}/socat-$1.log" &
  socat_pid=$!
  vm_wait_for 5 test -e "${run}/pty-client" || vm_fail "socat pty pair did not appear"
}

# vm_network_pppd TAG AUTH [OPTION...]: the network side's pppd on ${run}/pty-net in namespace
# net (net_pid), logging to pppd-net-TAG.log: 10.64.0.1 for itself and 10.64.0.2 for the client,
# DNS 10.64.0.53, no compression, no LCP echo, no scripts. AUTH is noauth or require-pap; the
# OPTIONs are added (more DNS, IPv6).
vm_network_pppd() {
  local tag=$1 auth=$2
  shift 2
  ip netns exec net pppd "${run}/pty-net" 115200 nodetach "${auth}" local nolock nocrtscts novj \
    nobsdcomp nodeflate noccp lcp-echo-interval 0 10.64.0.1:10.64.0.2 ms-dns 10.64.0.53 "$@" \
    ip-up-script /bin/true ip-down-script /bin/true >"${run}/pppd-net-${tag}.log" 2>&1 &
  net_pid=$!
}
