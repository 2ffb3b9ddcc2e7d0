#!/usr/bin/env python3
"""Bounded TCP bulk transfer for the VM tier: the server sends N bytes, the client counts them.

  tcp_transfer.py server --bind IP --port P --bytes N [--timeout S]
  tcp_transfer.py client --connect IP --port P [--timeout S]
The client prints one JSON object: bytes received, seconds, throughput in kbit/s.
"""
import argparse
import json
import socket
import sys
import time

CHUNK = 64 * 1024


def serve(args):
    with socket.create_server((args.bind, args.port)) as listener:
        listener.settimeout(args.timeout)
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(args.timeout)
            block = bytes(range(256)) * (CHUNK // 256)
            left = args.bytes
            while left > 0:
                conn.sendall(block[:min(left, CHUNK)])
                left -= min(left, CHUNK)
            conn.shutdown(socket.SHUT_WR)
            conn.recv(1)  # wait for the client's close so the last bytes are not reset
    return 0


def receive(args):
    deadline = time.monotonic() + args.timeout
    while True:  # the server may still be starting: retry until the deadline
        try:
            conn = socket.create_connection((args.connect, args.port), timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    with conn:
        conn.settimeout(args.timeout)
        total = 0
        start = time.monotonic()
        while True:
            data = conn.recv(CHUNK)
            if not data:
                break
            total += len(data)
        seconds = time.monotonic() - start
    print(json.dumps({"bytes": total, "seconds": round(seconds, 3),
                      "kbit_s": round(total * 8 / 1000 / seconds, 1) if seconds > 0 else 0}))
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server")
    server.add_argument("--bind", required=True)
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--bytes", type=int, required=True)
    server.add_argument("--timeout", type=float, default=60)
    client = sub.add_parser("client")
    client.add_argument("--connect", required=True)
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    return serve(args) if args.mode == "server" else receive(args)


if __name__ == "__main__":
    sys.exit(main())
