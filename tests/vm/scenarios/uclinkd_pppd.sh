#!/bin/bash
# Scenario a (docs/vm-tier.md): uclinkd with the pppd backend (kernel PPP behind uclink's pty bridge)
# dials uclink-sim, whose PPP peer is a second pppd acting as the network (namespace net,
# 10.64.0.1, hands out 10.64.0.2 and DNS 10.64.0.53/54). Checks, in order:
#   1. `uclink connect --wait` reaches online (field connect_to_online_ms: request → online);
#   2. status says backend pppd, interface uclink0 with the network's address, and uclinkd (not
#      pppd: nodefaultroute) installed the default route with the configured metric;
#   3. a native TCP transfer net → client crosses the kernel PPP interface;
#   4. link loss (simulator control `drop`: NO CARRIER, the network's pppd is killed) is
#      detected and uclinkd redials by itself (field redial_ms: drop → online again), after
#      which traffic flows again;
#   5. SIGTERM: uclinkd hangs up, exits 0, and its pppd, route and interface are gone.
source "$(dirname "$0")/../lib.sh"
bytes="${UCLINK_VM_SIM_TRANSFER_BYTES:-1048576}"
run=/tmp/vm; mkdir -p "${run}"
hook="$(vm_binary pppif/pppd_hook)" || vm_fail "pppd_hook not built"
uclinkd="$(vm_binary cmd/uclinkd)" || vm_fail "uclinkd not built"
uclink="$(vm_binary cmd/uclink)" || vm_fail "uclink not built"
sim="$(vm_binary cmd/uclink-sim)" || vm_fail "uclink-sim not built"
vm_namespaces

dump_logs() { tail -n 40 "${run}"/*.log; }
client() { ip netns exec client "$@"; }
uclink_cmd() { client "${uclink}" --socket "${run}/uclinkd.sock" "$@"; }
redialed() { [[ $(grep -c -- '-> online ' "${run}/monitor.log") -ge 2 ]]; }

# transfer TAG BYTES: TCP bulk transfer net -> client over the link; field TAG_kbit_s.
transfer() {
  ip netns exec net python3 "${VM_DIR}/tcp_transfer.py" server --bind 10.64.0.1 --port 5001 \
    --bytes "$2" --timeout 60 &
  local server_pid=$! result
  result="$(client python3 "${VM_DIR}/tcp_transfer.py" client --connect 10.64.0.1 --port 5001 \
    --timeout 60)" || { dump_logs; vm_fail "$1: TCP transfer failed"; }
  wait "${server_pid}" || vm_fail "$1: TCP server failed"
  vm_log "$1: ${result}"
  [[ "${result}" == *"\"bytes\": $2,"* ]] || vm_fail "$1: short transfer ${result}"
  vm_field "$1_kbit_s" "$(sed 's/.*"kbit_s": \([0-9.]*\).*/\1/' <<<"${result}")"
}

# --- the module and the network ------------------------------------------------------------
# notty: the network's pppd talks PPP on stdin/stdout, which uclink-sim joins to the serial line
# in data mode; nodetach keeps it the simulator's child; logfd 2 keeps its log off the line.
peer="pppd notty nodetach noauth local nolock novj nobsdcomp nodeflate noccp logfd 2"
peer+=" lcp-echo-interval 0 10.64.0.1:10.64.0.2 ms-dns 10.64.0.53 ms-dns 10.64.0.54"
peer+=" ip-up-script /bin/true ip-down-script /bin/true"
ip netns exec net "${sim}" --fast --link "${run}/modem" --control "${run}/sim.ctl" \
  --ppp-peer "${peer}" >"${run}/sim.log" 2>&1 &
sim_pid=$!
vm_wait_for 10 test -e "${run}/modem" || { dump_logs; vm_fail "uclink-sim: no pty"; }

# --- uclinkd with the pppd backend ---------------------------------------------------------
cat >"${run}/uclink.toml" <<'TOML'
[connection]
autoconnect = false
[monitor]
echo_interval_s = 5
[backoff]
initial_s = 1
[interface]
name = "uclink0"
route_metric = 700
TOML
# Started directly, not through client(): a backgrounded function is a subshell, and SIGTERM
# below must reach uclinkd itself (ip netns exec and env both exec).
ip netns exec client env UCLINK_PPPD_HOOK="${hook}" UCLINK_RUNTIME_DIR="${run}" "${uclinkd}" \
  --config "${run}/uclink.toml" --port "${run}/modem" --socket "${run}/uclinkd.sock" \
  --apn cmnet --backend pppd --state-dir "${run}/state" -v >"${run}/uclinkd.log" 2>&1 &
uclinkd_pid=$!
vm_wait_for 10 test -S "${run}/uclinkd.sock" || { dump_logs; vm_fail "uclinkd: no control socket"; }
# monitor prints its first line with printf and flushes only after events: line-buffer it.
ip netns exec client stdbuf -oL "${uclink}" --socket "${run}/uclinkd.sock" monitor >"${run}/monitor.log" 2>&1 &
monitor_pid=$!
vm_wait_for 5 grep -q '^state ' "${run}/monitor.log" || { dump_logs; vm_fail "monitor: no state"; }

t_connect=$(date +%s%N)
uclink_cmd connect --wait --timeout 60 >"${run}/connect.log" 2>&1 \
  || { dump_logs; vm_fail "uclink connect --wait did not reach online"; }
vm_field connect_to_online_ms $(( ($(date +%s%N) - t_connect) / 1000000 ))
vm_log "connect: $(tr '\n' '|' <"${run}/connect.log")"

status="$(uclink_cmd status --json)" || vm_fail "uclink status failed"
vm_log "status: $(tr -d ' \n' <<<"${status}")"
python3 - "${status}" <<'PY' || { dump_logs; vm_fail "status does not describe the pppd link"; }
import json, sys
s = json.loads(sys.argv[1])
assert s["state"] == "online", s["state"]
assert s["backend"] == "pppd", s["backend"]
assert s["interface"]["name"] == "uclink0", s["interface"]
assert s["interface"]["address"] == "10.64.0.2", s["interface"]
assert s["interface"]["peer"] == "10.64.0.1", s["interface"]
assert "10.64.0.53" in s["interface"]["dns"], s["interface"]
PY
client ip -4 route show default | grep -q 'dev uclink0 .*metric 700' \
  || { client ip route; dump_logs; vm_fail "no default route via uclink0 with metric 700"; }
pgrep -f 'ipparam[ ]uclink' >/dev/null || vm_fail "no pppd started by uclinkd"

transfer first "${bytes}"

# --- link loss and redial ------------------------------------------------------------------
t_drop=$(date +%s%N)
answer="$(echo drop | socat -t 5 - UNIX-CONNECT:"${run}/sim.ctl")"
[[ "${answer}" == OK* ]] || vm_fail "sim control drop: ${answer}"
vm_wait_for 60 redialed || { dump_logs; vm_fail "no redial to online after drop"; }
vm_field redial_ms $(( ($(date +%s%N) - t_drop) / 1000000 ))
lost="$(grep -- 'online -> ' "${run}/monitor.log" | head -n 1)"
vm_log "link loss: ${lost}"
[[ -n "${lost}" ]] || vm_fail "the monitor saw no transition out of online"
code="$(sed -n 's/^[^ ]* error \([a-z-]*\).*/\1/p' "${run}/monitor.log" | head -n 1)"
[[ "${code}" == no-carrier ]] || { dump_logs; vm_fail "link loss reported as '${code}', not no-carrier"; }
vm_field link_loss "\"${code}\""
client ip -4 route show default | grep -q 'dev uclink0 .*metric 700' \
  || vm_fail "no default route after the redial"
transfer after_redial 262144

# --- clean shutdown ------------------------------------------------------------------------
kill -TERM "${uclinkd_pid}"
deadline=$(( $(date +%s) + 30 ))
while kill -0 "${uclinkd_pid}" 2>/dev/null && [[ $(date +%s) -lt ${deadline} ]]; do sleep 0.1; done
kill -0 "${uclinkd_pid}" 2>/dev/null && { kill -KILL "${uclinkd_pid}"; vm_fail "uclinkd ignored SIGTERM"; }
wait "${uclinkd_pid}"; daemon_status=$?
kill "${monitor_pid}" 2>/dev/null; wait "${monitor_pid}" 2>/dev/null
[[ ${daemon_status} == 0 ]] || { dump_logs; vm_fail "uclinkd exit ${daemon_status} after SIGTERM"; }
vm_wait_for 10 sh -c "! pgrep -f 'ipparam[ ]uclink' >/dev/null" || vm_fail "pppd left running"
client ip link show uclink0 >/dev/null 2>&1 && vm_fail "uclink0 still exists after shutdown"
client ip -4 route show default | grep -q . && vm_fail "default route left behind"
kill -TERM "${sim_pid}"; wait "${sim_pid}" 2>/dev/null
vm_result pass
