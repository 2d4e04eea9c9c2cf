#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a fuzz target once on every file of the given folders (missing folders are skipped), without
# fuzzing: the replay ctest of the seed corpus and of the crashes found before.
# Usage: replay.sh TARGET_BINARY DIR...
set -euo pipefail
binary=$1
shift
files=()
for dir in "$@"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' file; do files+=("$file"); done < <(find "$dir" -type f ! -name '.*' -print0 | sort -z)
done
if [ ${#files[@]} -eq 0 ]; then
    echo "replay: no inputs in $*" >&2
    exit 1
fi
echo "replay: ${#files[@]} inputs through $(basename "$binary")"
# libFuzzer runs each file given on the command line once; batches keep the command line short.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! printf '%s\0' "${files[@]}" | xargs -0 -n 500 "$binary" -rss_limit_mb=4096 >/dev/null 2>"$log"; then
    cat "$log" >&2
    exit 1
fi
