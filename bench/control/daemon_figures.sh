#!/usr/bin/env bash
# Daemon figures for docs/PERFORMANCE.md, end to end with the real binaries (run as root):
#   connect-to-online time over the simulator's own delays (--fast: none), userspace engine;
#   `uclink status --json` latency p50/p99 over N runs; uclinkd resident memory and fds online.
#   bench/control/daemon_figures.sh [RUNS]     (default 300; builds with -c opt first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-300}
bazel build -c opt //cmd:uclink //cmd:uclinkd //cmd:uclink-sim >"/tmp/uclink-figures-build.log" 2>&1 ||
  { cat /tmp/uclink-figures-build.log >&2; exit 1; }
bin=bazel-out/k8-opt/bin/cmd
work=$(mktemp -d /tmp/uclink-figures.XXXXXX)
ns="uclink-figures-$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ns() { date +%s%N; }

"$bin/uclink-sim" --fast --link "$work/modem" >"$work/sim.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^PTY ' "$work/sim.out" && break; sleep 0.05; done
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
cat >"$work/uclink.toml" <<TOML
[connection]
autoconnect = false
TOML
ip netns exec "$ns" "$bin/uclinkd" --config "$work/uclink.toml" --port "$work/modem" \
  --apn cmnet --socket "$work/s" >"$work/uclinkd.log" 2>&1 &
daemon=$!
pids+=("$daemon")
for _ in $(seq 100); do [ -S "$work/s" ] && break; sleep 0.05; done

t0=$(now_ns)
"$bin/uclink" --socket "$work/s" connect --wait --timeout 30 >/dev/null
t1=$(now_ns)
echo "connect to online (simulator --fast, userspace engine, incl. client start): $(( (t1 - t0) / 1000000 )) ms"

for i in $(seq "$runs"); do
  a=$(now_ns)
  "$bin/uclink" --socket "$work/s" status --json >/dev/null
  b=$(now_ns)
  echo $(( (b - a) / 1000 ))
done | sort -n >"$work/lat"
p50=$(awk -v n="$runs" 'NR==int(n*0.50)+1{print $1/1000; exit}' "$work/lat")
p99=$(awk -v n="$runs" 'NR==int(n*0.99){print $1/1000; exit}' "$work/lat")
echo "uclink status --json end to end over $runs runs: p50 ${p50} ms, p99 ${p99} ms"
rss=$(awk '/VmRSS/{print $2}' "/proc/$daemon/status")
echo "uclinkd online: VmRSS $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MB, $(ls "/proc/$daemon/fd" | wc -l) fds"
"$bin/uclink" --socket "$work/s" disconnect >/dev/null
