#!/usr/bin/env bash
# Checks (default) or applies (--fix) clang-format over every C++ file git knows about.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h' | grep -v '^third_party/')
if [ "${1:-}" = "--fix" ]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
"$fmt" --dry-run --Werror "${files[@]}"
echo "tools/format.sh: ${#files[@]} files formatted correctly"
