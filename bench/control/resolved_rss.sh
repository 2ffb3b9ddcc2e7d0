#!/usr/bin/env bash
# uclinkd's resident memory online with interface.dns = "auto" on a machine with systemd-resolved
# on the system bus (libsystemd's sd-bus loaded, control/daemon/lazy_sdbus.cc), against the same
# binary with dns = "none" (never loaded). Root; the resolved extracted by tools/setup.sh runs in
# a private mount + network namespace (docs/system-integration.md, "Testing against the real
# resolved"), never installed. Figures: docs/PERFORMANCE.md.
#   bench/control/resolved_rss.sh BIN_DIR     (BIN_DIR holds uclink, uclinkd, uclink-sim)
set -euo pipefail
bin=$(realpath "$1")
root=${UCLINK_RESOLVED_CACHE:-/var/cache/uclink/systemd-resolved}/root
work=$(mktemp -d /tmp/uclink-resolved-rss.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/bus.conf" <<'XML'
<busconfig><type>system</type><listen>unix:path=/run/dbus/system_bus_socket</listen>
<auth>EXTERNAL</auth><policy context="default"><allow user="*"/><allow own="*"/>
<allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>
XML
cat >"$work/inner.sh" <<'INNER'
set -euo pipefail
bin=$1 root=$2 work=$3
mount --make-rprivate /
mkdir -p /run/dbus /run/systemd
mount -t tmpfs tmpfs /run/dbus; mount -t tmpfs tmpfs /run/systemd
cp /etc/passwd "$work/passwd"; cp /etc/group "$work/group"
echo "systemd-resolve:x:991:991::/:/usr/sbin/nologin" >>"$work/passwd"
echo "systemd-resolve:x:991:" >>"$work/group"
mount --bind "$work/passwd" /etc/passwd; mount --bind "$work/group" /etc/group
mount -t sysfs sysfs /sys
ip link set lo up
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
exec 3< <(dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile --print-address=1)
read -r -t 10 _ <&3   # the address: the bus listens
"$root/lib/systemd/systemd-resolved" >"$work/resolved.log" 2>&1 & pids+=($!)
"$bin/uclink-sim" --fast --link "$work/modem" >"$work/sim.out" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q '^PTY ' "$work/sim.out" && break; sleep 0.05; done
for dns in none auto; do
  printf '[connection]\nautoconnect = false\n[interface]\ndns = "%s"\n' "$dns" >"$work/u.toml"
  "$bin/uclinkd" --config "$work/u.toml" --port "$work/modem" --apn cmnet --socket "$work/s" \
    >"$work/uclinkd-$dns.log" 2>&1 &
  daemon=$!
  for _ in $(seq 100); do [ -S "$work/s" ] && break; sleep 0.05; done
  "$bin/uclink" --socket "$work/s" connect --wait --timeout 30 >/dev/null
  # The hand-off to resolved ends with this line (or its failure) in the log.
  for _ in $(seq 100); do grep -q "resolved: uclink0 configured\|dns: none" "$work/uclinkd-$dns.log" && break; sleep 0.05; done
  sdbus=$(grep -c libsystemd "/proc/$daemon/maps" || true)
  echo "dns = $dns: uclinkd online VmRSS $(awk '/VmRSS/{print $2}' "/proc/$daemon/status") kB," \
    "RssAnon/RssFile $(awk '/^RssAnon|^RssFile/{printf "%s ", $2}' "/proc/$daemon/status")kB," \
    "libsystemd mappings: $sdbus; $("$root/usr/bin/resolvectl" dns uclink0 2>&1)"
  "$bin/uclink" --socket "$work/s" disconnect >/dev/null
  kill "$daemon"; wait "$daemon" || true
  rm -f "$work/s"
done
INNER
unshare -mn bash "$work/inner.sh" "$bin" "$root" "$work"
