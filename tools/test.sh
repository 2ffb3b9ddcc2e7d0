#!/usr/bin/env bash
# The README's test command: installs what the project needs, then builds and runs every test.
#   tools/test.sh                 # the whole suite
#   tools/test.sh --config=asan   # the same under AddressSanitizer + UBSan
# Extra arguments go to `bazel test`. Prints "N passed, N failed" last; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1

log=$(mktemp /tmp/uclink-test.XXXXXX.log)
trap 'rm -f "$log"' EXIT
bazel test --keep_going "$@" //... 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# shellcheck source=tools/checks.sh
source tools/checks.sh
bazel_test_summary "$log" "$status"
exit "$status"
