#!/usr/bin/python3
"""A stand-in for pppd for //tests/pppif:pppd_backend_test (this host has no kernel PPP).

Takes pppd's argv as built by BuildPppdArgv. Opens the tty (argv[1]), writes b"PPPD-HELLO",
runs the ip-up script with pppd's arguments and environment (pppd(8) SCRIPTS), then echoes
everything it reads back to the tty. SIGTERM: runs ip-down, exits 5. Hang-up (EIO/EOF on the
tty): exits 16. Extra words understood: fake-exit=N (exit N right after ip-up), fake-no-up.
"""
import os
import signal
import subprocess
import sys
import tty


def option(argv, name):
    return argv[argv.index(name) + 1] if name in argv else None


def run_hook(argv, down):
    hook = option(argv, "ip-up-script")
    setting = option(argv, "set")
    if not hook or not setting:
        return
    key, _, value = setting.partition("=")
    env = {key: value, "DNS1": "10.9.0.53", "DNS2": "10.9.0.54"}
    if down:
        env["CONNECT_TIME"] = "1"
    subprocess.run([hook, "ppp9", argv[1], "115200", "10.9.0.2", "10.9.0.1",
                    option(argv, "ipparam")], env=env, check=False)


def main():
    argv = sys.argv
    fd = os.open(argv[1], os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)

    def on_term(signum, frame):
        run_hook(argv, down=True)
        os._exit(5)

    signal.signal(signal.SIGTERM, on_term)
    os.write(fd, b"PPPD-HELLO")
    if "fake-no-up" not in argv:
        run_hook(argv, down=False)
    for word in argv:
        if word.startswith("fake-exit="):
            return int(word.split("=", 1)[1])
    while True:
        try:
            data = os.read(fd, 4096)
            if not data:
                return 16
            os.write(fd, data)
        except OSError:  # EIO: the master side closed, i.e. a hang-up
            return 16


if __name__ == "__main__":
    sys.exit(main())
