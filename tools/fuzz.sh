#!/usr/bin/env bash
# Builds every fuzz target with clang-14 + libFuzzer and runs each for SECONDS (default 20),
# starting from its seed corpus (kept in the repository). New inputs go to a scratch directory so
# the checked-in corpus only changes when a developer copies interesting inputs in by hand.
# With --merge, inputs that add coverage are merged (libFuzzer -merge=1, minimising) into the
# checked-in corpus afterwards: that is how the long campaigns' findings are kept in the repo.
#   tools/fuzz.sh [--merge] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
merge=0
if [ "${1:-}" = "--merge" ]; then merge=1; shift; fi
seconds=${1:-20}
# A separate output base keeps the clang toolchain from displacing the g++ one in the main cache.
bazel_fuzz=(bazel --output_base="$HOME/.cache/uclink/fuzz-output-base")
# No convenience symlinks: they would point the main build's //... into this output base.
fuzz_flags=(--symlink_prefix=/)
mapfile -t targets < <("${bazel_fuzz[@]}" query 'attr(tags, "\bfuzz\b", tests(//tests/...))' 2>/dev/null)
if [ ${#targets[@]} -eq 0 ]; then echo "tools/fuzz.sh: no fuzz targets" >&2; exit 1; fi
# ld.gold warns once per ASan symbol it cannot export; the warning is harmless.
set +e
"${bazel_fuzz[@]}" build "${fuzz_flags[@]}" --config=fuzz "${targets[@]}" 2>&1 |
  grep -v "Cannot export local symbol"
build_status=${PIPESTATUS[0]}
set -e
[ "$build_status" -eq 0 ] || { echo "tools/fuzz.sh: fuzz build failed" >&2; exit 1; }
bin=$("${bazel_fuzz[@]}" info --config=fuzz bazel-bin)
passed=0
failed=0
for t in "${targets[@]}"; do
  pkg=${t#//}; pkg=${pkg%%:*}; name=${t##*:}
  # The corpus directory is the target's one argument (see tools/fuzz.bzl).
  corpus=$("${bazel_fuzz[@]}" query --output=build "$t" 2>/dev/null | grep -o 'args = \["[^"]*"' | cut -d'"' -f2)
  scratch=$(mktemp -d)
  echo "== $t for ${seconds}s"
  if "$bin/$pkg/$name" -max_total_time="$seconds" -print_final_stats=1 "$scratch" "$corpus" \
      >"$scratch.log" 2>&1; then
    passed=$((passed + 1))
    tail -n 5 "$scratch.log"
    if [ "$merge" -eq 1 ]; then
      before=$(ls "$corpus" | wc -l)
      "$bin/$pkg/$name" -merge=1 "$corpus" "$scratch" >/dev/null 2>&1
      echo "merged into $corpus: $before -> $(ls "$corpus" | wc -l) inputs"
    fi
    rm -rf "$scratch"
  else
    failed=$((failed + 1))
    tail -n 60 "$scratch.log"
    echo "fuzz: $t found a failing input; it was kept in $scratch (crash-* files in the cwd)" >&2
  fi
  rm -f "$scratch.log"
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
