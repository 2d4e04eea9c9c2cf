#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the benchmarks (Release), generates the benchmark stores once, and runs bench_open_store on
# each of them. It prints figures only; nothing here asserts on time.
#
# Environment: RUNLENS_BENCH_BUILD (build folder, default build-bench), RUNLENS_BENCH_DATA (where the
# stores go, default /tmp/runlens-bench), RUNLENS_BENCH_REPEAT (timed passes, default 7),
# RUNLENS_BENCH_LARGE=0 to skip the 20,000-run store (about 1.2 GB, 500,000 files),
# RUNLENS_BENCH_JOBS (ninja -j, default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RUNLENS_BENCH_BUILD:-$root/build-bench}
data=${RUNLENS_BENCH_DATA:-/tmp/runlens-bench}
repeat=${RUNLENS_BENCH_REPEAT:-7}
large=${RUNLENS_BENCH_LARGE:-1}
jobs=${RUNLENS_BENCH_JOBS:-2}

"$root/scripts/deps.sh" run
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUNLENS_BUILD_GUI=OFF >/dev/null
ninja -C "$build" -j"$jobs" generate_store bench_open_store runlens-cli
generate="$build/bench/generate_store"
bench="$build/bench/bench_open_store"
cli="$build/cli/runlens-cli"

# generate <name> <path> <mode> [options]: writes a store once. A ".complete" marker tells a finished
# store from one an interrupted run left behind, which is removed and written again.
generate() {
    local name=$1 path=$2 mode=$3
    shift 3
    if [ -e "$data/$name.complete" ]; then
        return
    fi
    rm -rf "${data:?}/$name"
    echo "== generating $name"
    "$generate" "$mode" "$path" "$@"
    touch "$data/$name.complete"
}

mkdir -p "$data"
generate mlruns-2000 "$data/mlruns-2000" mlruns --runs 2000
generate sqlite-2000 "$data/sqlite-2000/mlflow.db" sqlite --runs 2000
stores=("$data/mlruns-2000" "$data/sqlite-2000/mlflow.db")
if [ "$large" != 0 ]; then
    generate mlruns-20000 "$data/mlruns-20000" mlruns --runs 20000
    stores+=("$data/mlruns-20000")
fi

for store in "${stores[@]}"; do
    echo
    echo "== bench_open_store $store --repeat $repeat --cli $cli"
    "$bench" "$store" --repeat "$repeat" --cli "$cli"
done
