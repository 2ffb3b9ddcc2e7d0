#!/usr/bin/env bash
# tools/lint.sh's cache of clean results: a clean file is not checked twice, a finding is never
# cached, and a change to a project header the file includes checks it again. Runs the real
# clang-tidy on a copy of the lint tooling in a scratch tree, so the repository is not touched.
set -euo pipefail
src=$(dirname "$(readlink -f "$0")")
root=$(mktemp -d "${TEST_TMPDIR:-/tmp}/lint-cache.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/tools"
cp "$src/lint.sh" "$src/lint_keys.py" "$root/tools/"
cp "$(dirname "$src")/.clang-tidy" "$root/"
cd "$root"
export LINT_CACHE="$root/cache"

fail() { echo "FAIL: $*"; exit 1; }
lint() { ./tools/lint.sh "$@" 2>&1 || true; }

printf 'struct Probe { int value; };\n' >tools/probe.h
printf '#include "tools/probe.h"\nint Answer() { return Probe{42}.value; }\n' >tools/clean.cc
printf 'int bad_name() { return 0; }\n' >tools/finding.cc

out=$(lint tools/clean.cc)
grep -q '^0 of 1 files clean in the cache' <<<"$out" || fail "first run used the cache: $out"
grep -q '^1 passed, 0 failed$' <<<"$out" || fail "clean file did not pass: $out"

out=$(lint tools/clean.cc)
grep -q '^1 of 1 files clean in the cache' <<<"$out" || fail "second run checked again: $out"
grep -q '^1 passed, 0 failed$' <<<"$out" || fail "cached file did not pass: $out"

for run in 1 2; do
  out=$(lint tools/finding.cc)
  grep -q "invalid case style for function 'bad_name'" <<<"$out" || fail "run $run lost the finding: $out"
  grep -q '^0 passed, 1 failed$' <<<"$out" || fail "run $run: finding not counted: $out"
done

printf 'struct Probe { int value; };\nint helper_name();\n' >tools/probe.h
out=$(lint tools/clean.cc)
grep -q '^0 of 1 files clean in the cache' <<<"$out" || fail "header change not seen: $out"
grep -q "invalid case style for function 'helper_name'" <<<"$out" || fail "header finding lost: $out"
echo "lint cache: ok"
