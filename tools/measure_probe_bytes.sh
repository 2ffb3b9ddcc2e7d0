#!/usr/bin/env bash
# What uclink's own health checks cost at the IP level (docs/PERFORMANCE.md, "Data budget of the
# health checks"): uclink-sim (slirp as the PPP peer) + uclinkd in a private network namespace,
# one minute per configuration with the probe every 5 s, reading uclink0's kernel counters
# before and after. Needs root and `bazel build //cmd:uclink //cmd:uclinkd //cmd:uclink-sim`.
# Usage: tools/measure_probe_bytes.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${UCLINK_IN_NS:-}" = 1 ] || exec unshare --net env UCLINK_IN_NS=1 "$0" "$@"
ip link set lo up
SECONDS_PER_RUN=${1:-60}
BIN=bazel-bin/cmd
T=$(mktemp -d /tmp/uclink-measure-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT

# The TCP probe's peer: slirp reaches 127.0.0.1:8099 as 10.0.2.2:8099.
python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8099)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' &
PIDS+=($!)

# /proc/net/dev follows the network namespace (sysfs would show the host's).
stat() {
  awk -v f="$1" '$1 == "uclink0:" {
    split("rx_bytes rx_packets - - - - - - tx_bytes tx_packets", n, " ")
    for (i in n) if (n[i] == f) print $(i + 1) }' /proc/net/dev
}

run() {  # name, [monitor] lines
  local name=$1 monitor=$2 modem="$T/m-$1"
  printf '[connection]\nautoconnect = false\n[monitor]\n%b\n' "$monitor" >"$T/$name.toml"
  "$BIN/uclink-sim" --fast --link "$modem" >"$T/$name-sim.log" 2>&1 &
  local sim=$!
  PIDS+=($sim)
  for _ in $(seq 100); do [ -e "$modem" ] && break; sleep 0.05; done
  "$BIN/uclinkd" --config "$T/$name.toml" --port "$modem" --socket "$T/$name.sock" --apn cmnet \
    --backend userspace --state-dir "$T/state" >"$T/$name-d.log" 2>&1 &
  local daemon=$!
  PIDS+=($daemon)
  for _ in $(seq 100); do [ -S "$T/$name.sock" ] && break; sleep 0.05; done
  "$BIN/uclink" --socket "$T/$name.sock" connect --wait --timeout 30 >/dev/null
  local tb rb tp rp
  tb=$(stat tx_bytes) rb=$(stat rx_bytes) tp=$(stat tx_packets) rp=$(stat rx_packets)
  sleep "$SECONDS_PER_RUN"
  local probes
  probes=$("$BIN/uclink" --socket "$T/$name.sock" status --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["monitoring"]["probes"])')
  local dtb=$(($(stat tx_bytes) - tb)) drb=$(($(stat rx_bytes) - rb))
  local dtp=$(($(stat tx_packets) - tp)) drp=$(($(stat rx_packets) - rp))
  local per=0
  [ "$probes" -gt 0 ] && per=$(((dtb + drb) / probes))
  printf '%-10s %3d probes  out %3d pkts %6d B  in %3d pkts %6d B  per probe %4d B\n' \
    "$name" "$probes" "$dtp" "$dtb" "$drp" "$drb" "$per"
  kill "$daemon"; wait "$daemon" 2>/dev/null || true
  kill "$sim"; wait "$sim" 2>/dev/null || true
}

run none "echo_interval_s = 30"
run tcp "echo_interval_s = 30\nprobe = \"tcp:10.0.2.2:8099\"\nprobe_interval_s = 5\nprobe_timeout_s = 2\nprobe_failures = 100"
run dns "echo_interval_s = 30\nprobe = \"dns:10.0.2.3\"\nprobe_interval_s = 5\nprobe_timeout_s = 2\nprobe_failures = 100"
