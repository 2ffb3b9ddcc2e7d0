#!/usr/bin/env bash
# Naming rules of docs/CONVENTIONS.md (.clang-tidy: readability-identifier-naming only), checked
# with clang-tidy-14 over every C++ source of the tree: the packages, tests/, bench/ and tools/
# (third_party/ holds no C++ of ours). Headers are checked through the sources that include them
# (HeaderFilterRegex), each reported once. Prints "N passed, N failed" (files) last.
#   tools/lint.sh            # the whole tree
#   tools/lint.sh --ci       # CI's stage: the sources outside tests/ and bench/ (whose headers
#                            # every test includes), docs/RELIABILITY.md "What CI runs"
#   tools/lint.sh FILE...    # just these files
# Cheap by construction: one check, no other diagnostics, a compile database with the flags the
# Bazel build uses (so nothing is parsed twice or with guessed flags), LINT_JOBS (default: the
# cores, at most 2) clang-tidy processes at a time, and a cache of clean results
# (~/.cache/uclink/lint, LINT_CACHE to move it, LINT_CACHE=off to skip it): a file is checked
# again only when it, a project header it includes, .clang-tidy, the flags or clang-tidy changed
# (tools/lint_keys.py).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
command -v clang-tidy-14 >/dev/null || apt-get install -y -qq clang-tidy-14 >/dev/null
if [ "${1:-}" = --ci ]; then
  mapfile -t files < <(git ls-files '*.cc' | grep -v '^third_party/\|^tests/\|^bench/')
elif [ $# -gt 0 ]; then
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

# A file whose key names a clean result is not checked again; a clean check records its key.
cache=${LINT_CACHE:-${HOME}/.cache/uclink/lint}
declare -A key_of
unchecked=("${files[@]}")
if [ "$cache" != off ] && mkdir -p "$cache"; then
  salt="$(clang-tidy-14 --version)$(cat .clang-tidy)${flags}"
  unchecked=()
  while read -r key file; do
    key_of[$file]=$key
    [ -e "$cache/$key" ] || unchecked+=("$file")
  done < <(LINT_KEY_SALT=$salt python3 tools/lint_keys.py "${files[@]}")
  echo "$(( ${#files[@]} - ${#unchecked[@]} )) of ${#files[@]} files clean in the cache ($cache)"
fi

jobs=${LINT_JOBS:-$(($(nproc) < 2 ? $(nproc) : 2))}
log_of() { echo "$out/$(echo "$1" | tr / _).log"; }
[ ${#unchecked[@]} -eq 0 ] || printf '%s\n' "${unchecked[@]}" | xargs -P "$jobs" -I{} sh -c \
  'clang-tidy-14 --quiet -p "$2" "$1" >"$2/$(echo "$1" | tr / _).log" 2>&1; echo $? >>"$2/$(echo "$1" | tr / _).log.rc"' \
  _ {} "$out"
failed=0
declare -A reported  # a header's finding, reported once however many sources include it
for file in "${unchecked[@]}"; do
  log=$(log_of "$file")
  if [ "$(cat "$log.rc")" = 0 ] && ! grep -q "warning:\|error:" "$log"; then
    [ -z "${key_of[$file]:-}" ] || touch "$cache/${key_of[$file]}"
    continue
  fi
  failed=$((failed + 1))
  grep -q "warning:\|error:" "$log" || { echo "$file: clang-tidy failed:"; cat "$log"; }
  while IFS= read -r line; do
    [ -n "${reported[$line]:-}" ] && continue
    reported[$line]=1
    echo "${line#"$root"/}"
  done < <(grep "warning:\|error:" "$log")
done
echo "$(( ${#files[@]} - failed )) passed, ${failed} failed"
[ "$failed" -eq 0 ]
