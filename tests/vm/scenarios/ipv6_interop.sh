#!/bin/bash
# IPv6 against real implementations (docs/vm-tier.md, "ipv6_interop"): the network is pppd with
# +ipv6 (kernel PPP) and radvd advertising 2001:db8:1::/64 and RDNSS 2001:db8::53 on its ppp
# interface. Over the same pty pair each uclink backend with pdp_type IPV6 must get a global
# address by SLAAC, and a TCP transfer over IPv6 (socat TCP6) from the network side must arrive
# intact (SHA-256):
#   userspace    : UserspacePppBackend (backend_link --backend userspace --pdp-type IPV6)
#   pppd_backend : PppdBackend, pppd +ipv6 behind uclink's pty bridge (--backend pppd)
source "$(dirname "$0")/../lib.sh"
run=/tmp/vm; mkdir -p "${run}"
hook="$(vm_binary pppif/pppd_hook)" || vm_fail "pppd_hook not built"
link="$(vm_binary tests/vm/backend_link)" || vm_fail "backend_link not built"
command -v radvd >/dev/null || vm_fail "radvd not installed (tools/setup.sh)"
vm_namespaces
# radvd wants a router; the client side stays a host (accept_ra).
ip netns exec net sysctl -qw net.ipv6.conf.all.forwarding=1
head -c 1048576 /dev/urandom >"${run}/payload.bin"
payload_sha="$(sha256sum <"${run}/payload.bin" | cut -d' ' -f1)"
cat >"${run}/radvd.conf" <<'CONF'
interface ppp0 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
  RDNSS 2001:db8::53 { AdvRDNSSLifetime 600; };
};
CONF
chmod 0644 "${run}/radvd.conf"

start_line_and_network() {  # TAG
  vm_socat_line "$1"
  vm_network_pppd "$1" noauth +ipv6 ipv6 ::1,
}

# After the network's IPV6CP is up: the prefix on its side and radvd on its ppp0.
start_router() {  # TAG
  vm_wait_for 30 sh -c "ip -n net -6 addr show dev ppp0 2>/dev/null | grep -q fe80::1" \
    || { dump_logs; vm_fail "$1: network side has no IPv6 link-local"; }
  ip -n net -6 addr add 2001:db8:1::1/64 dev ppp0 || vm_fail "$1: prefix on the network side"
  ip netns exec net radvd -n -m stderr -C "${run}/radvd.conf" -p "${run}/radvd-$1.pid" \
    >"${run}/radvd-$1.log" 2>&1 &
  radvd_pid=$!
}

# check_ipv6 TAG LOG: the backend reported a global 2001:db8:1::/64 address and RDNSS; a 1 MiB
# TCP6 transfer from the network side to it arrives with the same SHA-256.
check_ipv6() {
  local tag=$1 log=$2 line address received_sha
  vm_wait_for 40 grep -q '^ipv6 .*addresses=2001:db8:1:' "${log}" \
    || { dump_logs; vm_fail "${tag}: no global IPv6 address reported"; }
  line="$(grep '^ipv6 .*addresses=2001:db8:1:' "${log}" | tail -n 1)"
  vm_log "${tag}: ${line}"
  address="$(sed 's/.*addresses=\(2001:db8:1:[0-9a-f:]*\)\/64.*/\1/' <<<"${line}")"
  vm_field "${tag}_ipv6_address" "\"${address}\""
  vm_wait_for 5 sh -c "ip -n client -6 addr show | grep -q 'inet6 ${address}/64'" \
    || { ip -n client -6 addr show; dump_logs; vm_fail "${tag}: ${address} not on the client's interface"; }
  rm -f "${run}/received-${tag}.bin"
  ip netns exec client socat -u "TCP6-LISTEN:5006,bind=[${address}],reuseaddr" \
    "OPEN:${run}/received-${tag}.bin,creat,trunc" &
  local listener=$!
  vm_wait_for 10 sh -c "ip netns exec client ss -Hltn | grep -q ':5006'" \
    || vm_fail "${tag}: TCP6 listener did not start"
  local t0; t0=$(date +%s%N)
  ip netns exec net socat -u "OPEN:${run}/payload.bin" "TCP6:[${address}]:5006" \
    || { dump_logs; vm_fail "${tag}: TCP6 transfer failed"; }
  wait "${listener}" || vm_fail "${tag}: TCP6 receiver failed"
  vm_field "${tag}_transfer_ms" $(( ($(date +%s%N) - t0) / 1000000 ))
  received_sha="$(sha256sum <"${run}/received-${tag}.bin" | cut -d' ' -f1)"
  [[ "${received_sha}" == "${payload_sha}" ]] || vm_fail "${tag}: SHA-256 differs"
  vm_field "${tag}_sha256_ok" true
}
dump_logs() { tail -n 30 "${run}"/*.log; }
end_network() {
  kill "${radvd_pid}" 2>/dev/null; wait "${radvd_pid}" 2>/dev/null
  vm_wait_for 10 sh -c "! kill -0 ${net_pid}"; wait "${net_pid}"
  kill "${socat_pid}" 2>/dev/null; wait "${socat_pid}" 2>/dev/null
}

# --- (a) the userspace engine ------------------------------------------------------------------
start_line_and_network userspace
ip netns exec client "${link}" --backend userspace --tty "${run}/pty-client" --ifname ppp0 \
  --echo-interval 5 --pdp-type IPV6 --resolv-conf "${run}/resolv-userspace.conf" \
  >"${run}/userspace.log" 2>&1 &
link_pid=$!
vm_wait_for 30 grep -q '^up ' "${run}/userspace.log" || { dump_logs; vm_fail "userspace: no up"; }
start_router userspace
check_ipv6 userspace "${run}/userspace.log"
grep -q '^ipv6 .*dns=2001:db8::53' "${run}/userspace.log" \
  || { dump_logs; vm_fail "userspace: RDNSS 2001:db8::53 not reported"; }
# The kernel does not apply RDNSS (RFC 8106): the backend writes it after IPCP's server.
vm_wait_for 10 grep -qx 'nameserver 2001:db8::53' "${run}/resolv-userspace.conf" \
  || { cat "${run}/resolv-userspace.conf"; dump_logs; vm_fail "userspace: RDNSS not in resolv.conf"; }
grep -qx 'nameserver 10.64.0.53' "${run}/resolv-userspace.conf" \
  || { cat "${run}/resolv-userspace.conf"; vm_fail "userspace: IPCP's DNS not in resolv.conf"; }
vm_field userspace_resolv_conf_rdnss true
grep -q '^ipv6 link_local=fe80::.* peer=fe80::1 ' "${run}/userspace.log" \
  || { dump_logs; vm_fail "userspace: link-local addresses not reported"; }
kill -TERM "${link_pid}"; wait "${link_pid}" || { dump_logs; vm_fail "userspace: exit after SIGTERM"; }
end_network

# --- (b) the pppd backend: pppd +ipv6 behind the pty bridge --------------------------------------
start_line_and_network pppd_backend
ip netns exec client "${link}" --backend pppd --hook "${hook}" --tty "${run}/pty-client" \
  --ifname ppp0 --echo-interval 5 --pdp-type IPV6 >"${run}/pppd-backend.log" 2>&1 &
link_pid=$!
vm_wait_for 30 grep -q '^up ' "${run}/pppd-backend.log" || { dump_logs; vm_fail "pppd_backend: no up"; }
start_router pppd_backend
check_ipv6 pppd_backend "${run}/pppd-backend.log"
kill -TERM "${link_pid}"; wait "${link_pid}"
end_network
vm_result pass
