#!/usr/bin/env bash
# Runs the pure cores' unit tests and the fuzz-corpus replays as ARM binaries under qemu user-mode
# emulation: what differs on the boards UC8088 modules sit on (char is unsigned on ARM, long and
# pointers are 32 bits on armhf, alignment) shows here before a package ships (docs/PACKAGING.md).
#   tools/cross_test.sh --arch arm64|armhf [--ci] [bazel test arguments...]
# --ci: the representative subset CI runs (docs/PACKAGING.md, "What CI runs"): the byte-level
# codecs where char signedness, width, alignment and byte order would show, without the cost of
# cross-compiling every pure core on a machine whose disk cache is cold.
# Prints "N passed, N failed" last; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

arch=""
if [ "${1:-}" = "--arch" ]; then arch=${2:-}; shift 2 || true; fi
case "$arch" in
  arm64) triplet=aarch64-linux-gnu; qemu="qemu-aarch64-static" ;;
  armhf) triplet=arm-linux-gnueabihf; qemu="qemu-arm-static" ;;
  *) echo "usage: tools/cross_test.sh --arch arm64|armhf [bazel test arguments...]" >&2; exit 2 ;;
esac
ci_subset=false
if [ "${1:-}" = "--ci" ]; then ci_subset=true; shift; fi
bash tools/setup.sh --cross "$arch" || exit 1

# The set: every test of chat/, pppif/ and control/ (manager, config, api) that needs nothing
# but bytes in and actions out. Tests that open TUN devices, netlink sockets, spawn processes, run
# an Asio loop or talk to service peers exercise the host kernel and its peers, not the target's
# code generation, and stay in the native suite.
query='let t = tests(//tests/chat/... + //tests/pppif/... + //tests/control:all) in
  $t except rdeps($t, @boost//:asio + //process/... + //sim/... + //cmd/... + //pppif:tun
                      + //pppif:netlink + @libcurl//... + @libmosquitto//...)'
if $ci_subset; then
  # AT tokenizing and argument parsing (char handling), RFC 1662 framing and FCS (byte order,
  # escaping), the packet codecs and the IPCP/IPV6CP option parsers (alignment), the automaton.
  targets="//tests/chat:at_tokenizer_test //tests/chat:at_args_test //tests/chat:final_result_test
    //tests/pppif:fcs_test //tests/pppif:hdlc_test //tests/pppif:packet_test //tests/pppif:fsm_test
    //tests/pppif:ipv6cp_test //tests/pppif:ra_test"
else
  targets=$(bazel query --noshow_progress "$query" 2>/dev/null) || {
    echo "tools/cross_test.sh: bazel query failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

log=$(mktemp /tmp/uclink-cross-test.XXXXXX.log)
trap 'rm -f "$log"' EXIT
# -L: the target's dynamic loader and libraries, from Debian's multiarch/cross packages.
# shellcheck disable=SC2086
bazel test --config="$arch" --keep_going --run_under="/usr/bin/$qemu -L /usr/$triplet" \
  "$@" $targets 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# shellcheck source=tools/checks.sh
source tools/checks.sh
bazel_test_summary "$log" "$status"
exit "$status"
