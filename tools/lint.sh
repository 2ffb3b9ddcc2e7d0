#!/usr/bin/env bash
# Naming rules of docs/CONVENTIONS.md (.clang-tidy: readability-identifier-naming only), checked
# with clang-tidy-14 over every C++ source of the tree: the packages, tests/, bench/ and tools/
# (third_party/ holds no C++ of ours). Headers are checked through the sources that include them
# (HeaderFilterRegex), each reported once. Prints "N passed, N failed" (files) last.
#   tools/lint.sh            # the whole tree (CI stage; cost: docs/RELIABILITY.md, "What CI runs")
#   tools/lint.sh FILE...    # just these files
# Cheap by construction: one check, no other diagnostics, a compile database with the flags the
# Bazel build uses (so nothing is parsed twice or with guessed flags), LINT_JOBS (default: the
# cores, at most 2) clang-tidy processes at a time.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
command -v clang-tidy-14 >/dev/null || apt-get install -y -qq clang-tidy-14 >/dev/null
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cc' | grep -v '^third_party/')
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The compile database: the include paths and defines of //third_party/system/*.BUILD, C++20 as
# in .bazelrc. Warnings off: only the naming check reports.
flags='"-xc++", "-std=c++20", "-I.", "-I/usr/include/libnl3", "-I/usr/include/libxml2",
  "-DBOOST_ASIO_NO_DEPRECATED", "-DSPDLOG_FMT_EXTERNAL", "-DSPDLOG_COMPILED_LIB",
  "-DSPDLOG_SHARED_LIB", "-DTOML_HEADER_ONLY=0", "-w"'
{
  echo '['
  sep=''
  for f in "${files[@]}"; do
    printf '%s{"directory": "%s", "file": "%s", "arguments": ["clang++", %s, "-c", "%s"]}\n' \
      "$sep" "$root" "$f" "$flags" "$f"
    sep=','
  done
  echo ']'
} >"$out/compile_commands.json"

jobs=${LINT_JOBS:-$(($(nproc) < 2 ? $(nproc) : 2))}
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -I{} sh -c \
  'clang-tidy-14 --quiet -p "$2" "$1" >"$2/$(echo "$1" | tr / _).log" 2>&1' _ {} "$out"

failed=0
declare -A reported  # a header's finding, reported once however many sources include it
for log in "$out"/*.log; do
  if grep -q "warning:\|error:" "$log"; then
    failed=$((failed + 1))
    while IFS= read -r line; do
      [ -n "${reported[$line]:-}" ] && continue
      reported[$line]=1
      echo "${line#"$root"/}"
    done < <(grep "warning:\|error:" "$log")
  fi
done
echo "$(( ${#files[@]} - failed )) passed, ${failed} failed"
[ "$failed" -eq 0 ]
