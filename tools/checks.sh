# Counted checks and their "N passed, N failed" summary, for the scripts that print one
# (tools/package_check.sh, tools/install_cycle.sh, tools/test.sh, tools/cross_test.sh): source it,
# then `check NAME COMMAND...` per check and `checks_summary` last.
passed=0 failed=0
check() {  # check NAME COMMAND...: one counted check
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
checks_summary() { echo "${passed} passed, ${failed} failed"; }
# bazel_test_summary LOG STATUS: the same summary for a `bazel test` run (tools/test.sh,
# tools/cross_test.sh) from its log, where Bazel prints one line per test target: "//pkg:name
# (cached) PASSED in 0.1s", "FAILED in", "FAILED TO BUILD", "TIMEOUT in", "NO STATUS". A non-zero
# STATUS with no failed target is a build or analysis error, counted as one failure.
bazel_test_summary() {
  passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$1")
  failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|INCOMPLETE|FLAKY)' "$1")
  if [ "$2" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  checks_summary
}
