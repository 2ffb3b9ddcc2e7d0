#!/bin/bash
# Kernel PPP vs the userspace engine, without the simulator (docs/vm-tier.md,
# "userspace_vs_kernel"): one TCP transfer over each PPP path, every time against a real pppd
# acting as the network, in one VM run so throughput and CPU are comparable:
#   kernel_direct : pppd on the pty itself (pppd_supervise: BuildPppdArgv + hook), no bridge
#   pppd_backend  : PppdBackend (backend_link --backend pppd): pppd behind uclink's pty bridge
#   userspace     : UserspacePppBackend (backend_link --backend userspace): our engine on TUN
# Each path must come up with the network's addresses and DNS. PppdBackend must then detect
# link loss (the line disappears: socat killed) as line-closed; the userspace engine must close
# cleanly on SIGTERM (Stop()).
source "$(dirname "$0")/../lib.sh"
bytes="${UCLINK_VM_TRANSFER_BYTES:-8388608}"
run=/tmp/vm; mkdir -p "${run}"
supervise="$(vm_binary tests/vm/pppd_supervise)" || vm_fail "pppd_supervise not built"
hook="$(vm_binary pppif/pppd_hook)" || vm_fail "pppd_hook not built"
link="$(vm_binary tests/vm/backend_link)" || vm_fail "backend_link not built"
vm_namespaces

start_line_and_network() {  # TAG
  vm_socat_line "$1"
  vm_network_pppd "$1" noauth
}

# transfer TAG PID...: TCP bulk transfer net -> client; fields TAG_kbit_s and TAG_cpu_ticks
# (user+system ticks of the given processes: the link's whole userspace cost).
transfer() {
  local tag=$1; shift
  ip netns exec net python3 "${VM_DIR}/tcp_transfer.py" server --bind 10.64.0.1 --port 5001 \
    --bytes "${bytes}" --timeout 90 &
  local server_pid=$! cpu0 cpu1 result
  cpu0=$(vm_cpu_ticks "$@")
  result="$(ip netns exec client python3 "${VM_DIR}/tcp_transfer.py" client --connect 10.64.0.1 \
    --port 5001 --timeout 90)" || vm_fail "${tag}: TCP transfer failed"
  cpu1=$(vm_cpu_ticks "$@")
  wait "${server_pid}" || vm_fail "${tag}: TCP server failed"
  vm_log "${tag}: ${result}"
  [[ "${result}" == *"\"bytes\": ${bytes},"* ]] || vm_fail "${tag}: short transfer ${result}"
  vm_field "${tag}_kbit_s" "$(sed 's/.*"kbit_s": \([0-9.]*\).*/\1/' <<<"${result}")"
  vm_field "${tag}_cpu_ticks" $(( cpu1 - cpu0 ))
}
dump_logs() { tail -n 30 "${run}"/*.log; }
end_network() { wait "${net_pid}"; kill "${socat_pid}" 2>/dev/null; wait "${socat_pid}" 2>/dev/null; }

# --- kernel PPP, pppd directly on the line ---------------------------------------------------
start_line_and_network kernel
ip netns exec client "${supervise}" --tty "${run}/pty-client" --ipparam vm-kernel \
  --hook "${hook}" --ifname ppp0 --echo-interval 0 >"${run}/supervise.log" 2>&1 &
supervise_pid=$!
vm_wait_for 30 grep -q '^event kind=up' "${run}/supervise.log" || { dump_logs; vm_fail "kernel: no ip-up"; }
pppd_pid="$(sed -n 's/^pppd_pid //p' "${run}/supervise.log")"
transfer kernel_direct "${pppd_pid}" "${net_pid}" "${socat_pid}"
kill -TERM "${pppd_pid}"; wait "${supervise_pid}"
end_network

# --- PppdBackend: pppd behind the pty bridge; link loss ---------------------------------------
start_line_and_network pppd_backend
t_dial=$(date +%s%N)
ip netns exec client "${link}" --backend pppd --hook "${hook}" --tty "${run}/pty-client" \
  --ifname ppp0 --echo-interval 5 >"${run}/pppd-backend.log" 2>&1 &
link_pid=$!
vm_wait_for 30 grep -q '^up ' "${run}/pppd-backend.log" || { dump_logs; vm_fail "pppd_backend: no up"; }
vm_field pppd_backend_negotiation_ms $(( ($(date +%s%N) - t_dial) / 1000000 ))
grep -qx 'up ifname=ppp0 local=10.64.0.2 peer=10.64.0.1 dns1=10.64.0.53' "${run}/pppd-backend.log" \
  || { dump_logs; vm_fail "pppd_backend: unexpected up line"; }
client_pppd="$(pgrep -f 'ipparam vm-backend-link' | head -n 1)"
transfer pppd_backend "${link_pid}" "${client_pppd}" "${net_pid}" "${socat_pid}"
kill "${socat_pid}"  # the line disappears (unplugged module)
wait "${link_pid}"
grep -q '^down reason=line closed' "${run}/pppd-backend.log" \
  || { dump_logs; vm_fail "pppd_backend: line loss not reported as line-closed"; }
vm_field pppd_backend_down "\"$(sed -n 's/^down reason=\(.*\) detail=.*/\1/p' "${run}/pppd-backend.log")\""
vm_wait_for 10 sh -c "! kill -0 ${net_pid}"; wait "${net_pid}"

# --- userspace engine on TUN ------------------------------------------------------------------
start_line_and_network userspace
t_dial=$(date +%s%N)
ip netns exec client "${link}" --backend userspace --tty "${run}/pty-client" --ifname ppp0 \
  --echo-interval 5 >"${run}/userspace.log" 2>&1 &
link_pid=$!
vm_wait_for 30 grep -q '^up ' "${run}/userspace.log" || { dump_logs; vm_fail "userspace: no up"; }
vm_field userspace_negotiation_ms $(( ($(date +%s%N) - t_dial) / 1000000 ))
grep -qx 'up ifname=ppp0 local=10.64.0.2 peer=10.64.0.1 dns1=10.64.0.53' "${run}/userspace.log" \
  || { dump_logs; vm_fail "userspace: unexpected IPCP result"; }
ip -n client -4 addr show dev ppp0 | grep -q 'inet 10.64.0.2' || vm_fail "userspace: TUN has no address"
transfer userspace "${link_pid}" "${net_pid}" "${socat_pid}"
kill -TERM "${link_pid}"
wait "${link_pid}"; status=$?
grep -q '^down reason=' "${run}/userspace.log" || { dump_logs; vm_fail "userspace: no down"; }
vm_field userspace_down "\"$(sed -n 's/^down reason=\(.*\) detail=.*/\1/p' "${run}/userspace.log")\""
vm_wait_for 10 sh -c "! kill -0 ${net_pid}"
end_network
[[ ${status} == 0 ]] || { dump_logs; vm_fail "userspace: exit ${status} after SIGTERM"; }
vm_result pass
