#!/bin/bash
# End-to-end: the same `uclink` service commands in in-band mode (through uclink-sim --fast on a
# pty, whose services do the real traffic) and in PPP mode (--native, straight to the servers),
# against real servers on loopback ephemeral ports that this script starts and stops by PID.
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# --- the simulator ---------------------------------------------------------------------------
"$SIM" --fast >"$T/sim.out" 2>"$T/sim.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^PTY ' "$T/sim.out" && break; sleep 0.05; done
PTY=$(awk '/^PTY/{print $2}' "$T/sim.out")
[ -n "$PTY" ] || { echo "uclink-sim did not start"; exit 1; }
INBAND=(--port "$PTY" --lock-dir "$T" --prompt-payloads)
NATIVE=(--native)

# --- the servers -----------------------------------------------------------------------------
TCP_PORT=$(free_port)
socat TCP-LISTEN:$TCP_PORT,bind=127.0.0.1,reuseaddr,fork EXEC:cat 2>/dev/null &
PIDS+=($!)
UDP_PORT=$(free_port)
socat UDP-RECVFROM:$UDP_PORT,bind=127.0.0.1,reuseaddr,fork EXEC:cat 2>/dev/null &
PIDS+=($!)
HTTP_PORT=$(free_port)
mkdir -p "$T/www"
cat >"$T/webserver.py" <<'PY'
import http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def echo(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    do_PUT = echo
    do_POST = echo
    def log_message(self, *a): pass
    def send_header(self, k, v):
        if k not in ("Date", "Server", "Last-Modified"): super().send_header(k, v)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), lambda *a: H(*a, directory=sys.argv[2])).serve_forever()
PY
python3 "$T/webserver.py" "$HTTP_PORT" "$T/www" &
PIDS+=($!)
FTP_PORT=$(free_port)
mkdir -p "$T/ftp/root/pub" /var/run/vsftpd/empty
chmod 755 "$T" "$T/ftp" "$T/ftp/root"
chown ftp "$T/ftp/root/pub" 2>/dev/null || chmod 777 "$T/ftp/root/pub"
cat >"$T/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$FTP_PORT
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$T/ftp/root
no_anon_password=YES
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
connect_from_port_20=NO
pasv_enable=YES
port_enable=YES
xferlog_enable=NO
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
CONF
chmod 600 "$T/vsftpd.conf"
/usr/sbin/vsftpd "$T/vsftpd.conf" &
PIDS+=($!)
MQTT_PORT=$(free_port)
# Stay root: dropping to "mosquitto" needs setgroups(), which a sandbox may forbid.
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' "$MQTT_PORT" >"$T/mosquitto.conf"
mosquitto -c "$T/mosquitto.conf" >/dev/null 2>&1 &
PIDS+=($!)
for p in $TCP_PORT $HTTP_PORT $FTP_PORT $MQTT_PORT; do wait_port "$p" || fail "server on $p"; done

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
  run http get "http://127.0.0.1:$HTTP_PORT/missing" "${M[@]}" >"$T/404.$m" || fail "http 404 $m rc"
done
same "http head same in both modes" "$T/head.inband" "$T/head.native"
same "http error status body same in both modes" "$T/404.inband" "$T/404.native"

# --- FTP -------------------------------------------------------------------------------------
# 256 KiB of random bytes. Without ' ' and '"': chat's tokenizer drops either byte when it
# starts a +FTPGET piece (reported to the chat owner); the upload path carries every byte.
head -c 262144 /dev/urandom >"$T/big.bin"
head -c 300000 /dev/urandom | tr -d ' "' | head -c 262144 >"$T/big.safe"
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
# In-band subscription (messages ≤ 200 bytes: longer ones hit chat's +MQTTSUB segment defect).
run mqtt sub -b "127.0.0.1:$MQTT_PORT" -t t/in -q 1 -C 1 --timeout 20 "${INBAND[@]}" >"$T/sub.in" 2>"$T/sub.in.err" &
SUB=$!
for _ in $(seq 200); do grep -q subscribed "$T/sub.in.err" && break; sleep 0.05; done
run mqtt pub -b "127.0.0.1:$MQTT_PORT" -t t/in -q 1 -m "to the module" "${NATIVE[@]}"
wait $SUB
[ "$(cat "$T/sub.in")" = "to the module" ] && pass "mqtt sub inband" || fail "mqtt sub inband: $(cat "$T/sub.in")"

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
kill -STOP "${PIDS[2]}" 2>/dev/null  # UDP echo stays; stop nothing else
kill -CONT "${PIDS[2]}" 2>/dev/null
printf 'still serving' | run tcp connect 127.0.0.1 "$TCP_PORT" --idle-ms 300 "${INBAND[@]}" >"$T/after"
[ "$(cat "$T/after")" = "still serving" ] && pass "module serves after errors" || fail "module after errors"

echo "failures: $FAILS"
exit $((FAILS > 0))
