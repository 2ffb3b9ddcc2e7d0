#!/bin/bash
# Scenario: two real pppd processes (kernel ppp_generic + ppp_async) negotiate over a pty pair,
# each in its own network namespace, and carry a TCP bulk transfer.
#   ns "net"    : the network side, pppd in server role 10.64.0.1, hands out 10.64.0.2 and two
#                 DNS servers, requires PAP (pap-secrets in a private copy of /etc/ppp)
#   ns "client" : the uclink side: //tests/vm:pppd_supervise runs pppd with the argv from
#                 BuildPppdArgv, the password in its 0600 secrets file, and //pppif:pppd_hook
#                 as ip-up/ip-down script reporting over the event socket
# socat joins the two pty masters, standing in for uclink's pty bridge and the serial line.
# Checks: PAP with a password that needs quoting, password absent from pppd's argv and log,
# ip-up event content, TCP transfer, SIGTERM -> exit 5 (local-request) with an ip-down event,
# wrong password -> exit 19 (authentication). Reports negotiation time and throughput.
source "$(dirname "$0")/../lib.sh"
bytes="${UCLINK_VM_TRANSFER_BYTES:-8388608}"
run=/tmp/vm; mkdir -p "${run}"
supervise="$(vm_binary tests/vm/pppd_supervise)" || vm_fail "pppd_supervise not built"
hook="$(vm_binary pppif/pppd_hook)" || vm_fail "pppd_hook not built"
password='vm "s3kr1t" \x'  # a space, quotes and a backslash: exercises the file quoting

# PAP secrets for the network side, in a writable copy of /etc/ppp (the host root is read-only).
mkdir -p "${run}/etc-ppp" && cp -a /etc/ppp/. "${run}/etc-ppp/" \
  && mount --bind "${run}/etc-ppp" /etc/ppp || vm_fail "private /etc/ppp"
printf 'vmuser * "vm \\"s3kr1t\\" \\\\x" *\n' >/etc/ppp/pap-secrets
vm_namespaces

# start_line_and_network TAG: a fresh pty pair and network-side pppd (both end with the link).
start_line_and_network() {
  vm_socat_line "$1"
  # Server role. Overrides /etc/ppp/options (auth -> require-pap, crtscts, lock, modem).
  vm_network_pppd "$1" require-pap ms-dns 10.64.0.54
}

# start_client TAG: pppd_supervise in the client namespace; its output in supervise-TAG.log.
start_client() {
  ip netns exec client env UCLINK_VM_PASSWORD="${password_to_use}" "${supervise}" \
    --tty "${run}/pty-client" --ipparam vm-pppd-pair --user vmuser --hook "${hook}" \
    --ifname ppp0 --echo-interval 5 --echo-failure 3 >"${run}/supervise-$1.log" 2>&1 &
  supervise_pid=$!
}

dump_logs() { tail -n 30 "${run}"/*.log; }

# --- 1. the right password: link up, events, transfer, SIGTERM --------------------------------
start_line_and_network ok
password_to_use="${password}"
t_dial=$(date +%s%N)
start_client ok
link_up() { ip -n client -4 addr show dev ppp0 | grep -q 'inet 10.64.0.2 peer 10.64.0.1'; }
vm_wait_for 30 link_up || { dump_logs; vm_fail "client ppp0 not up in 30 s"; }
vm_field negotiation_ms $(( ($(date +%s%N) - t_dial) / 1000000 ))
vm_log "link up: $(ip -n client -4 -br addr show dev ppp0)"

vm_wait_for 10 grep -q '^event kind=up' "${run}/supervise-ok.log" || { dump_logs; vm_fail "no ip-up event"; }
want_up='event kind=up ifname=ppp0 local=10.64.0.2 remote=10.64.0.1 dns1=10.64.0.53 dns2=10.64.0.54 ipparam=vm-pppd-pair'
grep -qxF "${want_up}" "${run}/supervise-ok.log" || { dump_logs; vm_fail "ip-up event differs"; }
vm_field hook_up_event true
pppd_pid="$(sed -n 's/^pppd_pid //p' "${run}/supervise-ok.log")"
if tr '\0' ' ' <"/proc/${pppd_pid}/cmdline" | grep -qF 's3kr1t'; then vm_fail "password in pppd argv"; fi
grep -q '^argv .* file /tmp/uclink-pppd\.[^ ]*/secrets.options' "${run}/supervise-ok.log" \
  || vm_fail "no secrets file in argv"

ip netns exec net python3 "${VM_DIR}/tcp_transfer.py" server --bind 10.64.0.1 --port 5001 \
  --bytes "${bytes}" --timeout 60 &
server_pid=$!
cpu0=$(vm_cpu_ticks "${net_pid}" "${pppd_pid}" "${socat_pid}")
transfer="$(ip netns exec client python3 "${VM_DIR}/tcp_transfer.py" client --connect 10.64.0.1 \
  --port 5001 --timeout 60)" || vm_fail "TCP transfer failed"
cpu1=$(vm_cpu_ticks "${net_pid}" "${pppd_pid}" "${socat_pid}")
wait "${server_pid}" || vm_fail "TCP server failed"
vm_log "transfer: ${transfer}"
[[ "${transfer}" == *"\"bytes\": ${bytes},"* ]] || vm_fail "short transfer: ${transfer}"
vm_field transfer "${transfer}"
# CPU of pppd x2 + socat during the transfer (kernel PPP: the data path is in the kernel).
vm_field link_cpu_ticks $(( cpu1 - cpu0 ))
vm_field clk_tck "$(getconf CLK_TCK)"

kill -TERM "${pppd_pid}"
wait "${supervise_pid}"; vm_field client_exit $?
grep -qx 'exit status=5 name=user-request class=local-request redial=false' \
  "${run}/supervise-ok.log" || { dump_logs; vm_fail "SIGTERM not reported as exit 5"; }
grep -q '^event kind=down ifname=ppp0' "${run}/supervise-ok.log" || { dump_logs; vm_fail "no ip-down event"; }
vm_wait_for 10 sh -c "! kill -0 ${net_pid}"
wait "${net_pid}"; vm_field net_exit $?
if grep -qF 's3kr1t' "${run}"/pppd-net-ok.log "${run}/supervise-ok.log"; then
  vm_fail "password text in a log"
fi
kill "${socat_pid}" 2>/dev/null; wait "${socat_pid}" 2>/dev/null

# --- 2. a wrong password: pppd exits 19, classified as authentication (no redial) --------------
start_line_and_network badpw
password_to_use="wrong"
t_dial=$(date +%s%N)
start_client badpw
wait "${supervise_pid}"; status=$?
vm_field auth_failure_ms $(( ($(date +%s%N) - t_dial) / 1000000 ))
grep -qx 'exit status=19 name=auth-topeer-failed class=authentication redial=false' \
  "${run}/supervise-badpw.log" || { dump_logs; vm_fail "wrong password not reported as exit 19 (got ${status})"; }
vm_field auth_failure_exit "${status}"
wait "${net_pid}"; vm_field auth_failure_net_exit $?
kill "${socat_pid}" 2>/dev/null
vm_result pass
