# Shared loopback server set-up for the service end-to-end tests (sourced, not run).
#
# The caller defines:   T (a private temporary directory) and PIDS (a bash array).
# start_servers starts, on 127.0.0.1 ephemeral ports, and appends each PID to PIDS:
#   TCP_PORT   socat TCP echo            UDP_PORT   socat UDP echo
#   HTTP_PORT  python http.server over $T/www; PUT and POST echo the request body
#   FTP_PORT   vsftpd, anonymous, writable $T/ftp/root/pub (passive and active)
#   MQTT_PORT  mosquitto, anonymous
# and waits until the TCP listeners accept (returns non-zero if one does not).
# stop_servers kills every PID in PIDS and waits for it (call it from the caller's EXIT trap).

# same_in_both_modes A B LABEL FILE [LABEL FILE]...: for each pair, the caller's
# `same "LABEL: same in both modes"` on $T/FILE.A and $T/FILE.B.
same_in_both_modes() {
  local a=$1 b=$2
  shift 2
  while [ $# -ge 2 ]; do
    same "$1: same in both modes" "$T/$2.$a" "$T/$2.$b"
    shift 2
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {  # wait_port PORT: up to 5 s for a TCP listener on 127.0.0.1:PORT
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

start_echo_servers() {
  TCP_PORT=$(free_port)
  socat TCP-LISTEN:$TCP_PORT,bind=127.0.0.1,reuseaddr,fork EXEC:cat 2>/dev/null &
  PIDS+=($!)
  UDP_PORT=$(free_port)
  socat UDP-RECVFROM:$UDP_PORT,bind=127.0.0.1,reuseaddr,fork EXEC:cat 2>/dev/null &
  PIDS+=($!)
}

start_http_server() {
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
}

start_ftp_server() {
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
}

start_mqtt_server() {
  MQTT_PORT=$(free_port)
  # Stay root: dropping to "mosquitto" needs setgroups(), which a sandbox may forbid.
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' \
    "$MQTT_PORT" >"$T/mosquitto.conf"
  mosquitto -c "$T/mosquitto.conf" >/dev/null 2>&1 &
  PIDS+=($!)
}

start_servers() {
  start_echo_servers
  start_http_server
  start_ftp_server
  start_mqtt_server
  local p
  for p in $TCP_PORT $HTTP_PORT $FTP_PORT $MQTT_PORT; do
    wait_port "$p" || { echo "server on port $p did not start" >&2; return 1; }
  done
}

stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  PIDS=()
}
