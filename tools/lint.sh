#!/usr/bin/env bash
# Naming rules of docs/CONVENTIONS.md (.clang-tidy: readability-identifier-naming), checked with
# clang-tidy-14 over every C++ source of the project. Headers are checked through the sources
# that include them (HeaderFilterRegex). Prints "N passed, N failed" (files) last.
#   tools/lint.sh            # the whole tree
#   tools/lint.sh FILE...    # just these files
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-tidy-14 >/dev/null || apt-get install -y -qq clang-tidy-14 >/dev/null
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'chat/*.cc' 'pppif/*.cc' 'control/*.cc' 'process/*.cc' \
    'sim/*.cc' 'cmd/*.cc')
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One clang-tidy per file, two at a time (this is a 2-core machine); system libraries only.
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} sh -c \
  'clang-tidy-14 --quiet "$1" -- -std=c++20 -I. -I/usr/include/libnl3 >"$2/$(echo "$1" | tr / _).log" 2>&1' \
  _ {} "$out"
failed=0
for log in "$out"/*.log; do
  if grep -q "warning:\|error:" "$log"; then
    failed=$((failed + 1))
    grep -A3 "warning:\|error:" "$log"
  fi
done
echo "$(( ${#files[@]} - failed )) passed, ${failed} failed"
[ "$failed" -eq 0 ]
