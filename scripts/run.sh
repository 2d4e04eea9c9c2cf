#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Runlens and starts it. Arguments are passed to the app (a store path or URI).
# With none, it opens ./mlflow.db or ./mlruns when present, else the bundled demo store.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh" run
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" --target runlens runlens-cli
exec "$root/build/app/runlens" "$@"
