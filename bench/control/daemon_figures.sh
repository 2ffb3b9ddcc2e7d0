#!/usr/bin/env bash
# Daemon figures for docs/PERFORMANCE.md, end to end with the real binaries (run as root):
#   connect-to-online time over the simulator's own delays (--fast: none), userspace engine;
#   `uclink status --json` latency p50/p99 over N runs; uclinkd resident memory and fds online.
#   bench/control/daemon_figures.sh [RUNS]     (default 300; builds with -c opt first)
#   UCLINK_FIGURES_PMAP=1 adds the largest mappings (pmap -x).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-300}
# UCLINK_FIGURES_BIN: a directory holding uclink, uclinkd and uclink-sim built beforehand.
bin=${UCLINK_FIGURES_BIN:-}
if [[ -z "$bin" ]]; then
  bazel build -c opt //cmd:uclink //cmd:uclinkd //cmd:uclink-sim >"/tmp/uclink-figures-build.log" 2>&1 ||
    { cat /tmp/uclink-figures-build.log >&2; exit 1; }
  bin=bazel-out/k8-opt/bin/cmd
fi
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
# Times come from bash's own clock (${EPOCHREALTIME}, µs): `$(date +%s%N)` would fork and exec
# inside the measured interval.

"$bin/uclink-sim" --fast --link "$work/figures-modem-$$" >"$work/sim.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^PTY ' "$work/sim.out" && break; sleep 0.05; done
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
# dns = "none": "auto" (the default) could otherwise pick this host's /etc/resolv.conf.
cat >"$work/uclink.toml" <<TOML
[connection]
autoconnect = false
[interface]
dns = "none"
TOML
ip netns exec "$ns" "$bin/uclinkd" --config "$work/uclink.toml" --port "$work/figures-modem-$$" \
  --apn cmnet --socket "$work/s" >"$work/uclinkd.log" 2>&1 &
daemon=$!
pids+=("$daemon")
for _ in $(seq 100); do [ -S "$work/s" ] && break; sleep 0.05; done

t0=${EPOCHREALTIME/./}
"$bin/uclink" --socket "$work/s" connect --wait --timeout 30 >/dev/null
t1=${EPOCHREALTIME/./}
echo "connect to online (simulator --fast, userspace engine, incl. client start): $(( (t1 - t0) / 1000 )) ms"

for i in $(seq "$runs"); do
  a=${EPOCHREALTIME/./}
  "$bin/uclink" --socket "$work/s" status --json >/dev/null
  b=${EPOCHREALTIME/./}
  echo $(( b - a ))
done | sort -n >"$work/lat"
p50=$(awk -v n="$runs" 'NR==int(n*0.50)+1{print $1/1000; exit}' "$work/lat")
p99=$(awk -v n="$runs" 'NR==int(n*0.99){print $1/1000; exit}' "$work/lat")
echo "uclink status --json end to end over $runs runs: p50 ${p50} ms, p99 ${p99} ms"
rss=$(awk '/VmRSS/{print $2}' "/proc/$daemon/status")
echo "uclinkd online: VmRSS $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MB, $(ls "/proc/$daemon/fd" | wc -l) fds"
# Where the resident memory is (docs/PERFORMANCE.md): anonymous (heap, stacks) vs file-backed
# (the binary and shared libraries), threads, and the largest mappings.
echo "uclinkd threads: $(awk '/^Threads/{print $2}' "/proc/$daemon/status"); RssAnon/RssFile (kB):" \
  "$(awk '/^RssAnon|^RssFile/{printf "%s %s  ", $1, $2}' "/proc/$daemon/status")"
awk '/^(Rss|Pss|Shared_Clean|Private_Clean|Private_Dirty|Anonymous):/{printf "  %s %s kB\n", $1, $2}' \
  "/proc/$daemon/smaps_rollup"
if [[ "${UCLINK_FIGURES_PMAP:-0}" == 1 ]]; then
  pmap -x "$daemon" | sort -k3 -n -r | head -n 25
fi
"$bin/uclink" --socket "$work/s" disconnect >/dev/null
