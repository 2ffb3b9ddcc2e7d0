# An HTTP/1.1 server for the error paths of the service end-to-end tests (loopback only):
#   GET|HEAD /status/NNN  answers status NNN with the body "status NNN\n"
#   GET /truncate         announces 100000 bytes, sends 1000, then closes (server gone mid-transfer)
# Usage: python3 http_faults.py PORT   (prints nothing; stopped by the caller by PID)
import http.server
import sys


class Faults(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def respond(self, with_body):
        if self.path.startswith("/status/") and self.path[8:].isdigit():
            status = int(self.path[8:])
            body = ("status %d\n" % status).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)
        elif self.path == "/truncate":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            if with_body:
                self.wfile.write(b"t" * 1000)
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(404)

    def do_GET(self):
        self.respond(True)

    def do_HEAD(self):
        self.respond(False)

    def log_message(self, *args):
        pass

    def send_header(self, key, value):
        # Stable header blocks: HEAD output is compared between the modes.
        if key not in ("Date", "Server"):
            super().send_header(key, value)


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Faults).serve_forever()
