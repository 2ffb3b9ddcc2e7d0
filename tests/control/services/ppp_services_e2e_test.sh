#!/bin/bash
# PPP mode for real (docs/services.md): uclinkd with the userspace engine brings up PPP through
# `uclink-sim --fast`, whose PPP peer is slirp (`slirp-fullbolt ppp nozeros`, own HOME). Every
# service command then runs through the PPP interface against servers reached as 10.0.2.2 (slirp
# maps it to its own 127.0.0.1), and its output is compared byte for byte with the same command
# in-band (a second uclink-sim, `--map 10.0.2.2=127.0.0.1`, so the URLs are the same).
#
# Two network namespaces, both created here (root): the script re-executes itself under
# `unshare --net` (the "host": loopback servers, both simulators, slirp), and uclinkd plus the
# PPP-mode commands run in a second one held by a `sleep` (only lo and the PPP interface), so
# nothing reaches 10.0.2.2 except through PPP. Every process is stopped by PID. A third
# simulator refuses PPP, so a second uclinkd goes online in-band: `uclink forward` through it.
set -u
if [ -z "${UCLINK_PPP_E2E_IN_NETNS:-}" ]; then
  exec env UCLINK_PPP_E2E_IN_NETNS=1 unshare --net -- bash "$0" "$@"
fi
ROOT=$PWD
SIM=$ROOT/cmd/uclink-sim
UCLINK=$ROOT/cmd/uclink
UCLINKD=$ROOT/cmd/uclinkd
T=$(mktemp -d /tmp/uclink-ppp-e2e.XXXXXX)
PIDS=()
FWD_PIDS=()
FAILS=0
H=10.0.2.2
stop_forwarders() {
  local pid
  for pid in "${FWD_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${FWD_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  FWD_PIDS=()
}
cleanup() {
  stop_forwarders
  local pid
  for pid in ${DAEMON:-} ${DAEMON2:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  stop_servers
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
same() {  # same NAME FILE1 FILE2 (small text files: the first differing lines are shown)
  if cmp -s "$2" "$3"; then pass "$1"; return; fi
  fail "$1: $(sha256sum "$2" "$3" 2>&1 | tr '\n' ' ')"
  [ "$(cat "$2" "$3" 2>/dev/null | wc -c)" -lt 8192 ] && diff "$2" "$3" | head -8 | cat -A
}
# shellcheck source=servers.sh
source "$ROOT/tests/control/services/servers.sh"
ip link set lo up

# --- servers on the "host" loopback --------------------------------------------------------------
start_servers || { echo "servers did not start"; exit 1; }
FAULT_PORT=$(free_port)
python3 "$ROOT/tests/control/services/http_faults.py" "$FAULT_PORT" &
PIDS+=($!)
wait_port "$FAULT_PORT" || { echo "fault server did not start"; exit 1; }

# --- the PPP side: simulator + uclinkd in the client namespace -----------------------------------
# The UUCP lock is named after the port's basename (LCK..<name> in /run/lock): keep it unique.
MODEM=$T/modem-${T##*.}
"$SIM" --fast --link "$MODEM" >"$T/sim-ppp.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -e "$MODEM" ] && break; sleep 0.05; done
unshare --net -- sleep 3600 &
NS=$!
PIDS+=($NS)
for _ in $(seq 100); do [ "$(readlink /proc/$NS/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.02; done
# Runs a command in the client namespace. Background processes call nsenter directly (no shell
# function, whose subshell would own the PID): nsenter execs the command, so $! is its PID.
C() { nsenter --target "$NS" --net -- "$@"; }
C ip link set lo up
# DNS stays with the test: "auto" (the default) could pick the host's /etc/resolv.conf here.
printf '[connection]\nautoconnect = false\n[interface]\ndns = "none"\n' >"$T/uclink.toml"
SOCK=$T/uclinkd.sock
nsenter --target "$NS" --net -- "$UCLINKD" --config "$T/uclink.toml" --port "$MODEM" --socket "$SOCK" --apn cmnet \
  --state-dir "$T/state" --backend userspace --interface uclink0 -v >"$T/uclinkd.log" 2>&1 &
DAEMON=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
timeout 60 "$UCLINK" --socket "$SOCK" connect --wait --timeout 45 >"$T/connect.out" 2>&1 ||
  { fail "connect: $(cat "$T/connect.out")"; tail -20 "$T/uclinkd.log"; exit 1; }
STATUS=$("$UCLINK" --socket "$SOCK" status --json)
read -r STATE MODE IF <<<"$(python3 -c 'import json,sys; s=json.load(sys.stdin)
print(s["state"], s["mode"], (s.get("interface") or {}).get("name"))' <<<"$STATUS")"
[ "$STATE" = online ] && [ "$MODE" = ppp ] && pass "status: online/ppp on $IF" ||
  { fail "status: $STATE $MODE $IF"; exit 1; }

# PPP-mode commands run in the client namespace. Once `uclink` picks the mode from the daemon's
# status (a --socket option on the service commands), no mode flag is given: it must find PPP
# and the interface itself.
if "$UCLINK" http get --help 2>/dev/null | grep -q -- '--socket'; then
  PPP_MODE=(--socket "$SOCK")
  echo "info: service commands take the mode from uclinkd's status"
else
  PPP_MODE=(--native --interface "$IF")
fi
run_ppp() { C timeout 120 "$UCLINK" "$@" "${PPP_MODE[@]}"; }

# --- the in-band side: a second simulator, 10.0.2.2 mapped to its loopback ------------------------
"$SIM" --fast --map "$H=127.0.0.1" >"$T/sim-inband.out" 2>"$T/sim-inband.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -qs "^PTY " "$T/sim-inband.out" && break; sleep 0.05; done
PTY=$(awk '/^PTY/{print $2}' "$T/sim-inband.out")
INBAND_MODE=(--port "$PTY" --lock-dir "$T" --prompt-payloads)
run_inband() { timeout 120 "$UCLINK" "$@" "${INBAND_MODE[@]}"; }
run_mode() {  # run_mode ppp|inband ARGS...
  local m=$1
  shift
  if [ "$m" = ppp ]; then run_ppp "$@"; else run_inband "$@"; fi
}
elapsed() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$@"; }
now() { date +%s.%N; }

# --- TCP and UDP echo ------------------------------------------------------------------------------
head -c 5000 /dev/urandom >"$T/tcp.in"
for m in ppp inband; do
  run_mode $m tcp connect $H "$TCP_PORT" --idle-ms 500 <"$T/tcp.in" >"$T/tcp.$m" || fail "tcp $m rc"
  same "tcp echo of 5000 binary bytes ($m)" "$T/tcp.in" "$T/tcp.$m"
  run_mode $m udp send $H "$UDP_PORT" --data datagram-1 --idle-ms 500 >"$T/udp.$m" || fail "udp $m rc"
  [ "$(cat "$T/udp.$m")" = datagram-1 ] && pass "udp echo $m" || fail "udp echo $m: $(cat "$T/udp.$m")"
done
same "tcp: same bytes in both modes" "$T/tcp.ppp" "$T/tcp.inband"

# --- HTTP ------------------------------------------------------------------------------------------
head -c 3000 /dev/urandom | base64 -w 76 >"$T/www/page.txt"
head -c 1048576 /dev/urandom >"$T/www/mb.bin"
head -c 900 /dev/urandom | base64 -w 0 >"$T/body.txt"
for m in ppp inband; do
  run_mode $m http get "http://$H:$HTTP_PORT/page.txt" -o "$T/get.$m" || fail "http get $m rc"
  same "http get $m" "$T/www/page.txt" "$T/get.$m"
  t0=$(now)
  run_mode $m http get "http://$H:$HTTP_PORT/mb.bin" -o "$T/mb.$m" || fail "http get 1 MiB $m rc"
  echo "figure: http get 1 MiB $m: $(elapsed "$t0" "$(now)") s"
  same "http get 1 MiB $m" "$T/www/mb.bin" "$T/mb.$m"
  run_mode $m http head "http://$H:$HTTP_PORT/page.txt" >"$T/head.$m" || fail "http head $m rc"
  run_mode $m http post "http://$H:$HTTP_PORT/echo" --data "@$T/body.txt" >"$T/post.$m" ||
    fail "http post $m rc"
  same "http post $m" "$T/body.txt" "$T/post.$m"
  run_mode $m http put "http://$H:$HTTP_PORT/echo" --data "@$T/body.txt" >"$T/put.$m" ||
    fail "http put $m rc"
  same "http put $m" "$T/body.txt" "$T/put.$m"
  # Error statuses: like curl --fail, exit 1, the status named, no output.
  for code in 404 500; do
    run_mode $m http get "http://$H:$FAULT_PORT/status/$code" >"$T/s$code.$m" 2>"$T/s$code.err.$m"
    rc=$?
    [ $rc = 1 ] && [ ! -s "$T/s$code.$m" ] && grep -q "HTTP $code " "$T/s$code.err.$m" &&
      pass "http $code $m: $(cat "$T/s$code.err.$m")" || fail "http $code $m: rc $rc $(cat "$T/s$code.err.$m")"
  done
  run_mode $m http head "http://$H:$FAULT_PORT/status/404" >"$T/h404.$m" 2>"$T/h404.err.$m"
  [ $? = 1 ] && grep -q "HTTP 404 Not Found" "$T/h404.err.$m" && pass "http head 404 $m" ||
    fail "http head 404 $m: $(cat "$T/h404.err.$m")"
done
same_in_both_modes ppp inband "http head: header block" head "http 404: message" s404.err \
  "http 500: message" s500.err

# --- FTP (passive: slirp relays the data connection the client opens) ------------------------------
head -c 262144 /dev/urandom >"$T/big.bin"
mkdir -p "$T/ftp/root/pub/fixed"
echo listed >"$T/ftp/root/pub/fixed/one.txt"
cp "$T/big.bin" "$T/ftp/root/pub/src.bin"
URL="ftp://$H:$FTP_PORT/pub"
for m in ppp inband; do
  t0=$(now)
  run_mode $m ftp put "$URL/put.$m" --file "$T/big.bin" || fail "ftp put $m rc"
  echo "figure: ftp put 256 KiB $m: $(elapsed "$t0" "$(now)") s"
  same "ftp put 256 KiB $m (sha256 on the server)" "$T/big.bin" "$T/ftp/root/pub/put.$m"
  t0=$(now)
  run_mode $m ftp get "$URL/src.bin" -o "$T/got.$m" || fail "ftp get $m rc"
  echo "figure: ftp get 256 KiB $m: $(elapsed "$t0" "$(now)") s"
  same "ftp get 256 KiB $m (sha256)" "$T/big.bin" "$T/got.$m"
  run_mode $m ftp size "$URL/src.bin" >"$T/size.$m"
  [ "$(cat "$T/size.$m")" = 262144 ] && pass "ftp size $m" || fail "ftp size $m: $(cat "$T/size.$m")"
  run_mode $m ftp ls "$URL/fixed" >"$T/ls.$m" || fail "ftp ls $m rc"
  grep -q one.txt "$T/ls.$m" && pass "ftp ls $m" || fail "ftp ls $m: $(cat "$T/ls.$m")"
  run_mode $m ftp mkdir "$URL/d.$m" && [ -d "$T/ftp/root/pub/d.$m" ] && pass "ftp mkdir $m" ||
    fail "ftp mkdir $m"
  run_mode $m ftp rmdir "$URL/d.$m" && [ ! -d "$T/ftp/root/pub/d.$m" ] && pass "ftp rmdir $m" ||
    fail "ftp rmdir $m"
done
same "ftp ls: same listing in both modes" "$T/ls.ppp" "$T/ls.inband"
# Active mode: the server must connect back to the client. In-band the simulator's own client
# sits on the servers' loopback; through slirp (a NAT without an FTP helper on this port) the
# server cannot reach 10.0.2.15. Reported, not asserted: see docs/services.md.
run_ppp ftp get "$URL/src.bin" --active -o "$T/active.ppp" 2>"$T/active.err"
echo "info: ftp --active through slirp: rc $? $(cat "$T/active.err")"
run_inband ftp get "$URL/src.bin" --active -o "$T/active.inband" || fail "ftp active inband rc"
same "ftp get --active inband" "$T/big.bin" "$T/active.inband"

# --- MQTT: QoS 1 publish and subscribe, a 1 KiB message (six +MQTTSUB segments in-band) ------------
python3 -c 'import random, sys; r = random.Random(7)
sys.stdout.write("".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789 ,.:;-_") for _ in range(1024)))' \
  >"$T/kib.txt"
# One port per module: an in-band subscriber holds the simulator's port, so each subscriber gets
# its messages from a publisher in the other mode (which also shows the modes interoperate).
for m in ppp inband; do
  [ $m = ppp ] && o=inband || o=ppp
  run_mode $m mqtt sub -b "$H:$MQTT_PORT" -t "t/$m" -q 1 -C 2 --timeout 30 >"$T/sub.$m" 2>"$T/sub.err.$m" &
  SUB=$!
  for _ in $(seq 200); do grep -qs subscribed "$T/sub.err.$m" && break; sleep 0.05; done
  run_mode $o mqtt pub -b "$H:$MQTT_PORT" -t "t/$m" -q 1 -m "@$T/kib.txt" || fail "mqtt pub 1 KiB $o rc"
  run_mode $o mqtt pub -b "$H:$MQTT_PORT" -t "t/$m" -q 1 -m "second message" || fail "mqtt pub $o rc"
  wait $SUB || fail "mqtt sub $m rc: $(cat "$T/sub.err.$m")"
  { cat "$T/kib.txt"; printf '\nsecond message\n'; } >"$T/sub.want"
  same "mqtt QoS 1: 1 KiB message published $o, received $m" "$T/sub.want" "$T/sub.$m"
done
same "mqtt: same messages in both modes" "$T/sub.ppp" "$T/sub.inband"

# --- uclink forward: unmodified clients (curl, socat) through the local listen port ----------------
start_forward() {  # start_forward NAME ppp|inband TO_PORT: sets FWD_PORT, records the PID
  local name=$1 m=$2 to=$3
  FWD_PORT=$(free_port)
  if [ "$m" = ppp ]; then
    nsenter --target "$NS" --net -- timeout 300 "$UCLINK" forward --listen "127.0.0.1:$FWD_PORT" --to "$H:$to" "${PPP_MODE[@]}" \
      2>"$T/fwd.$name.err" &
  else
    timeout 300 "$UCLINK" forward --listen "127.0.0.1:$FWD_PORT" --to "$H:$to" "${INBAND_MODE[@]}" \
      2>"$T/fwd.$name.err" &
  fi
  FWD_PIDS+=($!)
  for _ in $(seq 200); do grep -qs forwarding "$T/fwd.$name.err" && return 0; sleep 0.05; done
  fail "forward $name did not start: $(cat "$T/fwd.$name.err")"
}
for m in ppp inband; do
  [ $m = ppp ] && X=(C) || X=()
  start_forward "http.$m" $m "$HTTP_PORT"
  "${X[@]}" curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.get.$m" &
  A=$!
  "${X[@]}" curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.get2.$m" &
  B=$!
  wait $A || fail "forward curl 1 $m rc"
  wait $B || fail "forward curl 2 $m rc"
  same "forward: curl through the $m forwarder" "$T/www/page.txt" "$T/fwd.get.$m"
  same "forward: a second curl at the same time ($m; in-band: queued)" "$T/www/page.txt" "$T/fwd.get2.$m"
  stop_forwarders  # an in-band forwarder holds the simulator's port
  start_forward "tcp.$m" $m "$TCP_PORT"
  printf 'through the forwarder\n' >"$T/fwd.in"
  # shut-none: no half-close after stdin ends; the module's socket has none (AT+IPCLOSE closes
  # both directions), so the in-band forwarder ends the relay when the client half-closes.
  "${X[@]}" socat -t 2 - "TCP:127.0.0.1:$FWD_PORT,shut-none" <"$T/fwd.in" >"$T/fwd.tcp.$m" 2>/dev/null
  same "forward: socat echo through the $m forwarder" "$T/fwd.in" "$T/fwd.tcp.$m"
  # The in-band forwarder holds the simulator's port: stop both before the next in-band command.
  stop_forwarders
done
same "forward: same bytes in both modes" "$T/fwd.tcp.ppp" "$T/fwd.tcp.inband"

# Through uclinkd in in-band mode (PPP refused: AT+CGDATA answers ERROR): no mode flag, the
# command asks the daemon, which runs one module TCP client per local connection, in turn.
MODEM2=$T/inband-${T##*.}
"$SIM" --fast --refuse-cgdata --map "$H=127.0.0.1" --link "$MODEM2" >"$T/sim-d.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -e "$MODEM2" ] && break; sleep 0.05; done
SOCK2=$T/inband.sock
"$UCLINKD" --config "$T/uclink.toml" --port "$MODEM2" --socket "$SOCK2" --apn cmnet --mode inband --state-dir "$T/state2" \
  >"$T/uclinkd-inband.log" 2>&1 &
DAEMON2=$!
for _ in $(seq 100); do [ -S "$SOCK2" ] && break; sleep 0.05; done
if timeout 60 "$UCLINK" --socket "$SOCK2" connect --wait --timeout 45 >"$T/connect2.out" 2>&1; then
  FWD_PORT=$(free_port)
  timeout 300 "$UCLINK" forward --listen "127.0.0.1:$FWD_PORT" --to "$H:$HTTP_PORT" --socket "$SOCK2" \
    --prompt-payloads \
    2>"$T/fwd.daemon.err" &
  FWD_PIDS+=($!)
  for _ in $(seq 200); do grep -qs forwarding "$T/fwd.daemon.err" && break; sleep 0.05; done
  curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.d1" &
  A=$!
  curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.d2" &
  B=$!
  wait $A || fail "forward through uclinkd: curl 1 rc: $(cat "$T/fwd.daemon.err"; tail -5 "$T/uclinkd-inband.log")"
  wait $B || fail "forward through uclinkd: curl 2 rc"
  same "forward through uclinkd (in-band): first curl" "$T/www/page.txt" "$T/fwd.d1"
  same "forward through uclinkd (in-band): second curl, queued" "$T/www/page.txt" "$T/fwd.d2"
  stop_forwarders
else
  fail "in-band uclinkd did not come online: $(cat "$T/connect2.out")"
fi
kill "$DAEMON2" 2>/dev/null
wait "$DAEMON2" 2>/dev/null
DAEMON2=

# --- bad input: clear errors, the same exit codes, the link and the module keep serving -----------
CLOSED=$(free_port)
# Unreachable: slirp's onward connect() to 192.0.2.1 (RFC 5737) fails in the host namespace,
# which has only loopback, and slirp answers the SYN with ICMP net-unreachable. TCP treats that
# as a soft error (RFC 1122 §4.2.3.9) and reports EHOSTUNREACH when its SYN retries run out, so
# the client namespace gets one retry (3 s) instead of the default six (about 2 min).
C sysctl -qw net.ipv4.tcp_syn_retries=1
for m in ppp inband; do
  run_mode $m tcp connect $H "$CLOSED" </dev/null 2>"$T/refused.$m"
  rc=$?
  [ $rc = 3 ] && pass "refused connection $m: $(cat "$T/refused.$m")" || fail "refused $m: rc $rc $(cat "$T/refused.$m")"
  run_mode $m http get "http://$H:$CLOSED/" 2>"$T/hrefused.$m"
  rc=$?
  [ $rc = 3 ] && pass "http refused $m" || fail "http refused $m: rc $rc $(cat "$T/hrefused.$m")"
  # In PPP mode slirp's ICMP unreachable (above); in-band the simulator refuses targets that are
  # not loopback (CONNECT FAIL after three attempts, §2.22).
  run_mode $m tcp connect 192.0.2.1 9 </dev/null 2>"$T/unreach.$m"
  rc=$?
  [ $rc = 3 ] && pass "unreachable host $m: $(cat "$T/unreach.$m")" || fail "unreachable $m: rc $rc $(cat "$T/unreach.$m")"
  run_mode $m http get "http://$H:$FAULT_PORT/truncate" >"$T/trunc.$m" 2>"$T/trunc.err.$m"
  rc=$?
  [ $rc = 1 ] && pass "server closed mid-transfer $m: $(cat "$T/trunc.err.$m")" ||
    fail "server closed mid-transfer $m: rc $rc $(cat "$T/trunc.err.$m")"
  run_mode $m http get "http://$H:$HTTP_PORT/$(head -c 1100 /dev/zero | tr '\0' x)" 2>"$T/long.$m"
  [ $? = 2 ] && grep -q 1024 "$T/long.$m" && pass "oversize url $m" || fail "oversize url $m: $(cat "$T/long.$m")"
  run_mode $m ftp get "$URL/$(head -c 70 /dev/zero | tr '\0' n)" 2>"$T/name.$m"
  [ $? = 2 ] && grep -q 64 "$T/name.$m" && pass "oversize ftp name $m" || fail "oversize ftp name $m"
  run_mode $m mqtt pub -b "$H:$MQTT_PORT" -t "$(head -c 1100 /dev/zero | tr '\0' t)" -m x 2>"$T/topic.$m"
  [ $? = 2 ] && grep -q 1024 "$T/topic.$m" && pass "oversize topic $m" || fail "oversize topic $m: $(cat "$T/topic.$m")"
  printf 'still serving' | run_mode $m tcp connect $H "$TCP_PORT" --idle-ms 300 >"$T/after.$m"
  [ "$(cat "$T/after.$m")" = "still serving" ] && pass "next command works after the errors ($m)" ||
    fail "after errors $m: $(cat "$T/after.$m")"
done
[ "$("$UCLINK" --socket "$SOCK" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = online ] &&
  pass "the PPP link is still online" || fail "the PPP link went down"

timeout 30 "$UCLINK" --socket "$SOCK" disconnect >/dev/null 2>&1
kill "$DAEMON" 2>/dev/null
wait "$DAEMON" 2>/dev/null
DAEMON=
echo "failures: $FAILS"
exit $((FAILS > 0))
