#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds everything and runs every test: the full build (headless, offscreen Qt), then core and CLI
# again under AddressSanitizer + UndefinedBehaviorSanitizer, each fuzz target for a minute and its
# corpus and regressions replayed, then the packages (built, installed and started) and the
# formatting gate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh test
export QT_QPA_PLATFORM=offscreen

echo "== build and test (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
ctest --test-dir build --no-tests=error --output-on-failure

echo "== core and cli under ASan+UBSan (build-asan/)"
cmake --preset dev-asan >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --no-tests=error --output-on-failure

echo "== fuzz targets, a minute each, then their corpora and regressions replayed (build-fuzz/)"
scripts/fuzz.sh 60
ctest --test-dir build-fuzz -L fuzz --no-tests=error --output-on-failure

echo "== packages: build, install, start"
scripts/package-check.sh build

echo "== formatting"
scripts/check-format.sh
