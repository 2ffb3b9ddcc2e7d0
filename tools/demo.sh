#!/usr/bin/env bash
# The README's first command: a complete demonstration of uclink on the built-in simulator.
#  1. starts uclink-sim (a UC8088 on a pseudo-terminal; its PPP peer is slirp, the "network"),
#  2. starts uclinkd inside a private network namespace, so nothing on this host is rerouted,
#  3. `uclink connect --wait` shows each step until the PPP link is up,
#  4. `uclink status`, then an ordinary `curl` inside the namespace fetches a page from a web
#     server on this host, reached as 10.0.2.2 through the PPP interface,
#  5. restarts the simulator with CGDATA refused and shows uclinkd falling back to in-band mode,
#  6. cleans everything up (processes by PID, the namespace, temp files).
# Needs root (namespaces, TUN). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
echo "== building uclink, uclinkd and uclink-sim"
bazel build //cmd:uclink //cmd:uclinkd //cmd:uclink-sim 2>&1 | grep -E '^(ERROR|FAILED|Target)' || true
bin=$(bazel info bazel-bin 2>/dev/null)/cmd
for b in uclink uclinkd uclink-sim; do [ -x "$bin/$b" ] || { echo "demo: $bin/$b missing" >&2; exit 1; }; done

work=$(mktemp -d /tmp/uclink-demo.XXXXXX)
ns="uclink-demo-$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

wait_for_line() {  # wait_for_line FILE REGEX SECONDS
  for _ in $(seq $(( $3 * 10 ))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for '$2' in $1" >&2
  return 1
}

start_sim() {  # start_sim EXTRA_FLAGS...: the module, its pty linked at $work/modem
  rm -f "$work/modem"
  "$bin/uclink-sim" --link "$work/modem" --control "$work/sim.ctl" "$@" >"$work/sim.out" 2>&1 &
  sim_pid=$!
  pids+=("$sim_pid")
  wait_for_line "$work/sim.out" '^PTY ' 10
  echo "uclink-sim (pid $sim_pid) serves $(head -1 "$work/sim.out" | cut -d' ' -f2), linked at $work/modem"
}

start_daemon() {  # uclinkd in the private namespace; its control socket is a file visible to both
  # Its own configuration and state directory, never this machine's /etc/uclink or
  # /var/lib/uclink. DNS stays with this machine: `ip netns exec` shares /etc, and the default
  # dns = "auto" would write its /etc/resolv.conf for the demo's duration.
  printf '[interface]\ndns = "none"\n' >"$work/uclink.toml"
  ip netns exec "$ns" "$bin/uclinkd" --config "$work/uclink.toml" --state-dir "$work/state" \
    --port "$work/modem" --apn cmnet \
    --socket "$work/uclinkd.sock" --interface uclink0 >"$work/uclinkd.log" 2>&1 &
  daemon_pid=$!
  pids+=("$daemon_pid")
  for _ in $(seq 50); do [ -S "$work/uclinkd.sock" ] && break; sleep 0.1; done
  echo "uclinkd (pid $daemon_pid) listens on $work/uclinkd.sock inside network namespace $ns"
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

step "a web server on this host (127.0.0.1), which the PPP network (slirp) exposes as 10.0.2.2"
mkdir -p "$work/www"
echo "Hello from the host, fetched through uclink's PPP link" >"$work/www/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" 0 >"$work/http.out" 2>&1 &
pids+=($!)
wait_for_line "$work/http.out" 'port [0-9]+' 10
port=$(grep -oE 'port [0-9]+' "$work/http.out" | head -1 | cut -d' ' -f2)
echo "serving $work/www on 127.0.0.1:$port"

step "the simulated UC8088 (registration takes a moment, as on a real network)"
start_sim --registration 2:0,1:1500
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
start_daemon

step "connect: uclinkd probes, configures, waits for registration, attaches, dials, runs PPP"
run "$bin/uclink" --socket "$work/uclinkd.sock" connect --wait --timeout 60

step "status"
run "$bin/uclink" --socket "$work/uclinkd.sock" status
run ip netns exec "$ns" ip -brief address show uclink0

step "an ordinary program uses the link: curl inside the namespace fetches http://10.0.2.2:$port/"
run ip netns exec "$ns" curl -sS --max-time 10 "http://10.0.2.2:$port/"

step "disconnect"
run "$bin/uclink" --socket "$work/uclinkd.sock" disconnect
stop_pid "$daemon_pid"
stop_pid "$sim_pid"

step "the same module with PPP refused (AT+CGDATA answers ERROR): uclinkd falls back to in-band"
start_sim --refuse-cgdata
start_daemon
run "$bin/uclink" --socket "$work/uclinkd.sock" connect --wait --timeout 60
run "$bin/uclink" --socket "$work/uclinkd.sock" status --json

step "done: stopping uclinkd (it hangs up cleanly), the simulator, and removing the namespace"
