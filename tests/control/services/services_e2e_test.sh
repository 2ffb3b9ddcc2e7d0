#!/bin/bash
# End-to-end: the same `uclink` service commands in in-band mode (through uclink-sim --fast on a
# pty, whose services do the real traffic) and natively (--native, straight to the servers on
# loopback, no PPP: ppp_services_e2e_test runs them through a real PPP link), against real
# servers on loopback ephemeral ports that this script starts and stops by PID.
# Outputs are compared byte for byte between the modes and with the source (SHA-256 for files).
set -u
ROOT=$PWD
SIM=$ROOT/cmd/uclink-sim
U=$ROOT/tests/control/services/uclink_services
T=$(mktemp -d /tmp/uclink-svc-e2e.XXXXXX)
PIDS=()
FAILS=0
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

# --- the simulator ---------------------------------------------------------------------------
"$SIM" --fast >"$T/sim.out" 2>"$T/sim.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^PTY ' "$T/sim.out" && break; sleep 0.05; done
PTY=$(awk '/^PTY/{print $2}' "$T/sim.out")
[ -n "$PTY" ] || { echo "uclink-sim did not start"; exit 1; }
INBAND=(--port "$PTY" --lock-dir "$T" --prompt-payloads)
NATIVE=(--native)

# --- the servers (servers.sh: echo, HTTP, vsftpd, mosquitto; http_faults.py: error statuses) --
# shellcheck source=servers.sh
source "$ROOT/tests/control/services/servers.sh"
start_servers || fail "servers"
FAULT_PORT=$(free_port)
python3 "$ROOT/tests/control/services/http_faults.py" "$FAULT_PORT" &
PIDS+=($!)
wait_port "$FAULT_PORT" || fail "fault server"

run() { timeout 120 "$U" "$@"; }
same() {  # same NAME FILE1 FILE2
  if cmp -s "$2" "$3"; then pass "$1"; else fail "$1: $(sha256sum "$2" "$3" | tr '\n' ' ')"; fi
}

# --- TCP and UDP echo ------------------------------------------------------------------------
printf 'line one, with "quotes"? no: plain text only in-band' | tr -d '"' >"$T/tcp.in"
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run tcp connect 127.0.0.1 "$TCP_PORT" --idle-ms 500 "${M[@]}" <"$T/tcp.in" >"$T/tcp.$m" || fail "tcp $m rc"
  same "tcp echo $m" "$T/tcp.in" "$T/tcp.$m"
  run udp send 127.0.0.1 "$UDP_PORT" --data datagram-1 --idle-ms 500 "${M[@]}" >"$T/udp.$m" || fail "udp $m rc"
  [ "$(cat "$T/udp.$m")" = datagram-1 ] && pass "udp echo $m" || fail "udp echo $m: $(cat "$T/udp.$m")"
done
# Binary data through TCP: 5000 random bytes, every byte value, split over several IPSENDs.
head -c 5000 /dev/urandom | tr -d ' "' >"$T/tcp.bin"
run tcp connect 127.0.0.1 "$TCP_PORT" --idle-ms 500 "${INBAND[@]}" <"$T/tcp.bin" >"$T/tcp.bin.inband"
same "tcp binary inband" "$T/tcp.bin" "$T/tcp.bin.inband"

# --- HTTP ------------------------------------------------------------------------------------
head -c 3000 /dev/urandom | base64 -w 76 >"$T/www/page.txt"
head -c 900 /dev/urandom | base64 -w 0 >"$T/body.txt"
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run http get "http://127.0.0.1:$HTTP_PORT/page.txt" -o "$T/get.$m" "${M[@]}" || fail "http get $m rc"
  same "http get $m" "$T/www/page.txt" "$T/get.$m"
  run http post "http://127.0.0.1:$HTTP_PORT/echo" --data "@$T/body.txt" "${M[@]}" >"$T/post.$m" || fail "http post $m rc"
  same "http post $m" "$T/body.txt" "$T/post.$m"
  run http put "http://127.0.0.1:$HTTP_PORT/echo" --data "@$T/body.txt" "${M[@]}" >"$T/put.$m" || fail "http put $m rc"
  same "http put $m" "$T/body.txt" "$T/put.$m"
  run http head "http://127.0.0.1:$HTTP_PORT/page.txt" "${M[@]}" >"$T/head.$m" || fail "http head $m rc"
  # Error statuses, like curl --fail: exit 1, "HTTP 404 Not Found" on stderr, nothing on stdout.
  # In-band the status comes from AT+HTTPACTION? (uclink-sim) or HEAD's status line.
  for code in 404 500; do
    run http get "http://127.0.0.1:$FAULT_PORT/status/$code" "${M[@]}" >"$T/$code.$m" 2>"$T/$code.err.$m"
    rc=$?
    [ $rc = 1 ] && [ ! -s "$T/$code.$m" ] && grep -q "^uclink: HTTP $code " "$T/$code.err.$m" &&
      pass "http $code $m" || fail "http $code $m: rc $rc $(cat "$T/$code.err.$m")"
    run http head "http://127.0.0.1:$FAULT_PORT/status/$code" "${M[@]}" >"$T/h$code.$m" 2>"$T/h$code.err.$m"
    rc=$?
    [ $rc = 1 ] && [ ! -s "$T/h$code.$m" ] && pass "http head $code $m" || fail "http head $code $m: rc $rc"
  done
  run http get "http://127.0.0.1:$HTTP_PORT/missing" "${M[@]}" 2>"$T/missing.err.$m"
  [ $? = 1 ] && grep -q "HTTP 404 Not Found" "$T/missing.err.$m" && pass "http missing file $m" ||
    fail "http missing file $m: $(cat "$T/missing.err.$m")"
done
same_in_both_modes inband native "http head" head "http 404 message" 404.err \
  "http 500 message" 500.err

# --- FTP -------------------------------------------------------------------------------------
# 256 KiB of random bytes, every byte value, in both directions.
head -c 262144 /dev/urandom >"$T/big.bin"
cp "$T/big.bin" "$T/big.safe"
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  URL="ftp://127.0.0.1:$FTP_PORT/pub"
  run ftp put "$URL/all.$m" --file "$T/big.bin" "${M[@]}" || fail "ftp put $m rc"
  same "ftp put $m (every byte value)" "$T/big.bin" "$T/ftp/root/pub/all.$m"
  cp "$T/big.safe" "$T/ftp/root/pub/safe.bin"
  run ftp get "$URL/safe.bin" -o "$T/got.$m" "${M[@]}" || fail "ftp get $m rc"
  same "ftp get $m (sha256)" "$T/big.safe" "$T/got.$m"
  [ "$(run ftp size "$URL/safe.bin" "${M[@]}")" = 262144 ] && pass "ftp size $m" || fail "ftp size $m"
  run ftp mkdir "$URL/d.$m" "${M[@]}" && [ -d "$T/ftp/root/pub/d.$m" ] && pass "ftp mkdir $m" || fail "ftp mkdir $m"
  run ftp ls "$URL" "${M[@]}" | grep -q "d.$m" && pass "ftp ls $m" || fail "ftp ls $m"
  run ftp rmdir "$URL/d.$m" "${M[@]}" && [ ! -d "$T/ftp/root/pub/d.$m" ] && pass "ftp rmdir $m" || fail "ftp rmdir $m"
  run ftp rmdir "$URL/nothere" "${M[@]}" 2>"$T/rmdir.err"
  [ $? = 1 ] && grep -q "550" "$T/rmdir.err" && pass "ftp rmdir refused $m" || fail "ftp rmdir refused $m"
done

# --- MQTT ------------------------------------------------------------------------------------
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t "t/$m" -q 1 -C 2 --timeout 20 "${NATIVE[@]}" >"$T/sub.$m" 2>"$T/sub.err.$m" &
  SUB=$!
  for _ in $(seq 100); do grep -q subscribed "$T/sub.err.$m" && break; sleep 0.05; done
  run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t "t/$m" -q 1 -m "qos1 from $m" "${M[@]}" || fail "mqtt pub $m rc"
  run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t "t/$m" -q 0 -r -m "retained from $m" "${M[@]}" || fail "mqtt pub retain $m rc"
  wait $SUB
  printf 'qos1 from %s\nretained from %s\n' $m $m >"$T/sub.want.$m"
  same "mqtt pub/sub $m" "$T/sub.want.$m" "$T/sub.$m"
done
# In-band subscription: a short message, then 1 KiB that arrives in six 200-byte +MQTTSUB
# segments (§2.57) and must be reassembled byte for byte (quotes and commas included).
python3 -c 'import random, sys; r = random.Random(3)
sys.stdout.write("".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789 ,\"") for _ in range(1024)))' \
  >"$T/kib.txt"
run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t t/in -q 1 -C 2 --timeout 20 "${INBAND[@]}" >"$T/sub.in" 2>"$T/sub.in.err" &
SUB=$!
for _ in $(seq 200); do grep -q subscribed "$T/sub.in.err" && break; sleep 0.05; done
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/in -q 1 -m "to the module" "${NATIVE[@]}"
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/in -q 1 -m "@$T/kib.txt" "${NATIVE[@]}"
wait $SUB
{ printf 'to the module\n'; cat "$T/kib.txt"; echo; } >"$T/sub.in.want"
same "mqtt sub inband: short and 1 KiB (segmented) messages" "$T/sub.in.want" "$T/sub.in"

# --- uclink forward in-band: unmodified clients, one relay at a time, the others queued ----------
FWD_PORT=$(free_port)
timeout 120 "$U" forward --listen "127.0.0.1:$FWD_PORT" --to "127.0.0.1:$HTTP_PORT" "${INBAND[@]}" 2>"$T/fwd.err" &
FWD=$!
for _ in $(seq 200); do grep -qs forwarding "$T/fwd.err" && break; sleep 0.05; done
curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.1" &
A=$!
curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.2" &
B=$!
wait $A && wait $B && pass "forward: two curls at once both answered" || fail "forward curl rc"
same "forward: first curl" "$T/www/page.txt" "$T/fwd.1"
same "forward: second (queued) curl" "$T/www/page.txt" "$T/fwd.2"
curl -sS --max-time 30 "http://127.0.0.1:$FWD_PORT/page.txt" -o "$T/fwd.3"
same "forward: a later connection (the module's client was released)" "$T/www/page.txt" "$T/fwd.3"
kill $FWD 2>/dev/null
wait $FWD 2>/dev/null

# --- what a command line cannot carry: refused in-band, byte for byte over PPP -----------------
# A message holding '"' cannot travel inside AT+MQTTPUB's quoted <message> (the manual defines no
# escape): in-band exits 2 naming the byte and publishes nothing; natively it arrives as sent.
# Retained messages let each subscriber read what a topic holds without waiting for a publish.
MSG='x"y\z'
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/quote/in -q 1 -r -m "nothing else" "${NATIVE[@]}"
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/quote/in -q 1 -r -m "$MSG" "${INBAND[@]}" 2>"$T/quote.err"
[ $? = 2 ] && grep -q "byte 0x22 at offset 1" "$T/quote.err" && pass "mqtt quote refused inband" ||
  fail "mqtt quote inband: $(cat "$T/quote.err")"
run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t t/quote/in -C 1 --timeout 10 "${NATIVE[@]}" >"$T/quote.in" 2>/dev/null
[ "$(cat "$T/quote.in")" = "nothing else" ] && pass "mqtt quote inband: nothing altered was published" ||
  fail "mqtt quote inband published: $(cat "$T/quote.in")"
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/quote/native -q 1 -r -m "$MSG" "${NATIVE[@]}" || fail "mqtt quote native rc"
printf '%s\n' "$MSG" >"$T/quote.want"
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t t/quote/native -C 1 --timeout 10 "${M[@]}" >"$T/quote.$m" 2>/dev/null
  same "mqtt quote native, received $m (byte for byte)" "$T/quote.want" "$T/quote.$m"
done
# Property in both modes: random messages over the bytes that matter to a command line are
# refused in-band (exit 2, the byte named) or read back byte for byte; natively always the latter.
python3 -c 'import random; r = random.Random(14)
for i in range(12):
    print("".join(r.choice("ab z,\"\\;=#+?%{}:") for _ in range(r.randint(1, 12))))' >"$T/msgs"
i=0
while IFS= read -r msg; do
  i=$((i + 1))
  printf '%s\n' "$msg" >"$T/msg.want"
  for m in inband native; do
    [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
    run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t "t/rand/$m/$i" -q 1 -r -m "$msg" "${M[@]}" 2>"$T/msg.err"
    rc=$?
    if [ $rc = 2 ] && [ $m = inband ] && grep -q "cannot travel" "$T/msg.err"; then continue; fi
    [ $rc = 0 ] || { fail "mqtt random $m #$i rc $rc: $(cat "$T/msg.err")"; continue; }
    run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t "t/rand/$m/$i" -C 1 --timeout 10 "${NATIVE[@]}" >"$T/msg.got" 2>/dev/null
    cmp -s "$T/msg.want" "$T/msg.got" || fail "mqtt random $m #$i altered: $(od -c "$T/msg.got" | head -3)"
  done
done <"$T/msgs"
pass "mqtt random messages: refused or byte for byte ($i messages, both modes)"
# Wildcards are filters, not topic names: a usage error before anything is sent, both modes.
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  for topic in 'a/#' 'a/+/b'; do
    run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t "$topic" -m m "${M[@]}" 2>"$T/wild.err"
    [ $? = 2 ] && grep -q wildcard "$T/wild.err" && pass "mqtt pub $topic refused $m" ||
      fail "mqtt pub $topic $m: $(cat "$T/wild.err")"
  done
done
# A usage error needs no link: no daemon behind --socket, still exit 2 (not "no link").
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t 'a/#' -m m --socket "$T/no-daemon.sock" 2>"$T/wild.err"
[ $? = 2 ] && grep -q wildcard "$T/wild.err" && pass "mqtt pub a/# refused without a link" ||
  fail "mqtt pub a/# without a link: $(cat "$T/wild.err")"
# A header holding CR LF would smuggle in a second header: refused before anything is sent.
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run http get "http://127.0.0.1:$HTTP_PORT/page.txt" -H $'X-A: b\r\nX-Injected: 1' "${M[@]}" >"$T/inj.$m" 2>"$T/inj.err.$m"
  [ $? = 2 ] && [ ! -s "$T/inj.$m" ] && grep -q "0x0d" "$T/inj.err.$m" && pass "http header injection refused $m" ||
    fail "http header injection $m: $(cat "$T/inj.err.$m")"
done
# The same URL names the same file in both modes: %20 is a space, a raw space is refused.
printf 'spaced name' >"$T/spaced"
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run ftp put "ftp://127.0.0.1:$FTP_PORT/pub/my%20file.$m" --file "$T/spaced" "${M[@]}" || fail "ftp put %20 $m rc"
  same "ftp put %20 $m names 'my file.$m'" "$T/spaced" "$T/ftp/root/pub/my file.$m"
  run ftp get "ftp://127.0.0.1:$FTP_PORT/pub/my%20file.$m" -o "$T/spaced.$m" "${M[@]}" || fail "ftp get %20 $m rc"
  same "ftp get %20 $m" "$T/spaced" "$T/spaced.$m"
  run ftp get "ftp://127.0.0.1:$FTP_PORT/pub/my file.$m" "${M[@]}" >/dev/null 2>"$T/raw.err.$m"
  [ $? = 2 ] && grep -q "%20" "$T/raw.err.$m" && pass "ftp raw space refused $m" ||
    fail "ftp raw space $m: $(cat "$T/raw.err.$m")"
done

# --- bad input: clear errors, same exit codes, the module still serves ------------------------
CLOSED=$(free_port)
for m in inband native; do
  [ $m = inband ] && M=("${INBAND[@]}") || M=("${NATIVE[@]}")
  run tcp connect 127.0.0.1 "$CLOSED" "${M[@]}" </dev/null 2>"$T/refused.$m"
  [ $? = 3 ] && pass "refused connection $m" || fail "refused connection $m: $(cat "$T/refused.$m")"
  run http get "http://127.0.0.1:$HTTP_PORT/$(head -c 1100 /dev/zero | tr '\0' x)" "${M[@]}" 2>"$T/long.$m"
  [ $? = 2 ] && grep -q 1024 "$T/long.$m" && pass "oversize url $m" || fail "oversize url $m: $(cat "$T/long.$m")"
  run ftp get "ftp://127.0.0.1:$FTP_PORT/$(head -c 70 /dev/zero | tr '\0' n)" "${M[@]}" 2>"$T/name.$m"
  [ $? = 2 ] && grep -q 64 "$T/name.$m" && pass "oversize name $m" || fail "oversize name $m"
done
printf 'a\r\nb' | run tcp connect 127.0.0.1 "$TCP_PORT" --port "$PTY" --lock-dir "$T" 2>"$T/byte.err"
[ $? = 2 ] && grep -q "0x0d at offset 1" "$T/byte.err" && pass "unsendable byte named" || fail "unsendable byte: $(cat "$T/byte.err")"
printf 'still serving' | run tcp connect 127.0.0.1 "$TCP_PORT" --idle-ms 300 "${INBAND[@]}" >"$T/after"
[ "$(cat "$T/after")" = "still serving" ] && pass "module serves after errors" || fail "module after errors"

echo "failures: $FAILS"
exit $((FAILS > 0))
