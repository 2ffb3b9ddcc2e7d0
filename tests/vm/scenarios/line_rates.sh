#!/bin/bash
# TCP throughput and CPU of uclink's userspace engine vs kernel PPP at the line's rate
# (docs/vm-tier.md, "line_rates"): for each line rate, the same net -> client transfer over
#   kernel    : pppd on the line (pppd_supervise: BuildPppdArgv + hook), kernel ppp_async
#   userspace : UserspacePppBackend (backend_link --backend userspace), our engine on TUN
# with the line played by tests/vm/line_bridge at --baud RATE (0 = no limit). Transfers last
# about UCLINK_VM_RATE_SECONDS (8) at the line's rate, at most UCLINK_VM_TRANSFER_BYTES (8 MiB).
# Fields per rate R and path P: R_P_kbit_s, R_P_link_ticks (the client's PPP process: pppd or
# backend_link; kernel PPP's own work runs in softirq/kworker and is not in it) and R_P_vm_ticks
# (every busy tick of the VM's one CPU during the transfer: the fair CPU comparison).
source "$(dirname "$0")/../lib.sh"
rates="${UCLINK_VM_RATES:-115200 921600 4000000 0}"
seconds="${UCLINK_VM_RATE_SECONDS:-8}"
max_bytes="${UCLINK_VM_TRANSFER_BYTES:-8388608}"
run=/tmp/vm; mkdir -p "${run}"
supervise="$(vm_binary tests/vm/pppd_supervise)" || vm_fail "pppd_supervise not built"
hook="$(vm_binary pppif/pppd_hook)" || vm_fail "pppd_hook not built"
link="$(vm_binary tests/vm/backend_link)" || vm_fail "backend_link not built"
bridge="$(vm_binary tests/vm/line_bridge)" || vm_fail "line_bridge not built"
vm_namespaces

# Busy ticks of the whole VM so far (every CPU state but idle and iowait).
vm_busy_ticks() {
  local cpu user nice system idle iowait irq softirq steal rest
  read -r cpu user nice system idle iowait irq softirq steal rest </proc/stat
  echo $(( user + nice + system + irq + softirq + steal ))
}

start_line_and_network() {  # TAG BAUD
  rm -f "${run}/pty-net" "${run}/pty-client"
  "${bridge}" --link-a "${run}/pty-net" --link-b "${run}/pty-client" --baud "$2" \
    2>"${run}/bridge-$1.log" &
  bridge_pid=$!
  vm_wait_for 5 test -e "${run}/pty-client" || vm_fail "$1: line_bridge ptys did not appear"
  vm_network_pppd "$1" noauth
}
end_network() {
  vm_wait_for 10 sh -c "! kill -0 ${net_pid}"; wait "${net_pid}" 2>/dev/null
  kill "${bridge_pid}" 2>/dev/null; wait "${bridge_pid}" 2>/dev/null
}
dump_logs() { tail -n 20 "${run}"/*.log; }

transfer() {  # TAG BYTES PID...
  local tag=$1 bytes=$2; shift 2
  ip netns exec net python3 "${VM_DIR}/tcp_transfer.py" server --bind 10.64.0.1 --port 5001 \
    --bytes "${bytes}" --timeout 120 &
  local server_pid=$! ticks0 busy0 result
  ticks0=$(vm_cpu_ticks "$@"); busy0=$(vm_busy_ticks)
  result="$(ip netns exec client python3 "${VM_DIR}/tcp_transfer.py" client --connect 10.64.0.1 \
    --port 5001 --timeout 120)" || vm_fail "${tag}: TCP transfer failed"
  vm_field "${tag}_vm_ticks" $(( $(vm_busy_ticks) - busy0 ))
  vm_field "${tag}_link_ticks" $(( $(vm_cpu_ticks "$@") - ticks0 ))
  wait "${server_pid}" || vm_fail "${tag}: TCP server failed"
  vm_log "${tag}: ${result}"
  [[ "${result}" == *"\"bytes\": ${bytes},"* ]] || vm_fail "${tag}: short transfer ${result}"
  vm_field "${tag}_kbit_s" "$(sed 's/.*"kbit_s": \([0-9.]*\).*/\1/' <<<"${result}")"
}

kernel_path() {  # TAG BAUD BYTES
  start_line_and_network "$1" "$2"
  ip netns exec client "${supervise}" --tty "${run}/pty-client" --ipparam vm-kernel \
    --hook "${hook}" --ifname ppp0 --echo-interval 0 >"${run}/supervise-$1.log" 2>&1 &
  local supervise_pid=$!
  vm_wait_for 60 grep -q '^event kind=up' "${run}/supervise-$1.log" || { dump_logs; vm_fail "$1: no ip-up"; }
  local pppd_pid; pppd_pid="$(sed -n 's/^pppd_pid //p' "${run}/supervise-$1.log")"
  transfer "$1" "$3" "${pppd_pid}"
  kill -TERM "${pppd_pid}"; wait "${supervise_pid}"
  end_network
}

userspace_path() {  # TAG BAUD BYTES
  start_line_and_network "$1" "$2"
  ip netns exec client "${link}" --backend userspace --tty "${run}/pty-client" --ifname ppp0 \
    --echo-interval 0 >"${run}/userspace-$1.log" 2>&1 &
  local link_pid=$!
  vm_wait_for 60 grep -q '^up ' "${run}/userspace-$1.log" || { dump_logs; vm_fail "$1: no up"; }
  transfer "$1" "$3" "${link_pid}"
  kill -TERM "${link_pid}"; wait "${link_pid}" || { dump_logs; vm_fail "$1: exit after SIGTERM"; }
  end_network
}

for rate in ${rates}; do
  bytes=${max_bytes}
  if (( rate > 0 && rate / 10 * seconds < max_bytes )); then bytes=$(( rate / 10 * seconds )); fi
  tag="r${rate}"; [[ ${rate} == 0 ]] && tag=unlimited
  vm_field "${tag}_bytes" "${bytes}"
  kernel_path "${tag}_kernel" "${rate}" "${bytes}"
  userspace_path "${tag}_userspace" "${rate}" "${bytes}"
done
vm_result pass
