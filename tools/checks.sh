# Counted checks for the packaging scripts (tools/package_check.sh, tools/install_cycle.sh):
# source it, then `check NAME COMMAND...` per check and `checks_summary` last.
passed=0 failed=0
check() {  # check NAME COMMAND...: one counted check
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
checks_summary() { echo "${passed} passed, ${failed} failed"; }
