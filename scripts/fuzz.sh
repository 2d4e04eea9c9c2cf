#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the fuzz targets (preset fuzz: clang 14, libFuzzer, ASan + UBSan) and fuzzes each one for
# the given time, one after the other, from a copy of its seed corpus (the checked-in corpus never
# grows). Prints execs and duration per target; exits non-zero when any target crashed, leaving the
# crashing inputs in build-fuzz/fuzz-work/<target>/crash-* (timeout-*, oom-*) and naming them.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(fuzz_runsearch fuzz_loggedmodelsearch fuzz_yamlmeta fuzz_runfiles fuzz_restjson fuzz_sqliteschema)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

scripts/deps.sh fuzz
cmake --preset fuzz >/dev/null
cmake --build build-fuzz --target "${targets[@]}"

work=build-fuzz/fuzz-work
failed=()
for target in "${targets[@]}"; do
    dir=$work/$target
    rm -rf "$dir"
    mkdir -p "$dir/corpus"
    cp tests/fuzz/corpus/"$target"/* "$dir/corpus/"
    [ -d tests/fuzz/regressions/"$target" ] && cp tests/fuzz/regressions/"$target"/* "$dir/corpus/" 2>/dev/null || true
    args=(-max_total_time="$seconds" -max_len=8192 -timeout=25 -rss_limit_mb=3072 -print_final_stats=1
          -artifact_prefix="$dir/" "$dir/corpus")
    [ -f tests/fuzz/dict/"$target".dict ] && args+=(-dict=tests/fuzz/dict/"$target".dict)
    echo "fuzz: $target for ${seconds}s"
    start=$(date +%s)
    status=0
    build-fuzz/tests/fuzz/"$target" "${args[@]}" >"$dir/log.txt" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.txt" | tail -1)
    corpus=$(ls "$dir/corpus" | wc -l)
    echo "fuzz: $target: ${execs:-?} execs in ${elapsed}s, corpus $corpus inputs, exit $status"
    if [ "$status" -ne 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$dir/log.txt" | head -5 >&2 || true
        for artifact in "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir"/leak-*; do
            [ -e "$artifact" ] && echo "fuzz: $target: reproducer $artifact (log $dir/log.txt)" >&2
        done
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}; replay one with build-fuzz/tests/fuzz/<target> <reproducer>" >&2
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a crash"
