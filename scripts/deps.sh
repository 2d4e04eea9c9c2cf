#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the system packages Runlens needs to build, run and test, when they are missing.
# Debian/Ubuntu: apt-get as root, otherwise prints the exact command to run.
# Usage: scripts/deps.sh [run|test|fuzz]
set -euo pipefail

purpose=${1:-test}
packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev qt6-qpa-plugins qt6-image-formats-plugins
    libqt6svg6 libsqlite3-dev nlohmann-json3-dev libyaml-cpp-dev qtkeychain-qt6-dev
)
if [ "$purpose" = test ]; then
    # Headless display for the GUI smoke runs, and the tools the checks use.
    packages+=(xvfb xauth x11-utils clang-format desktop-file-utils appstream dpkg-dev file)
fi
if [ "$purpose" = fuzz ]; then
    # The fuzz preset builds with clang 14; libFuzzer and the sanitizer runtimes are in libclang-rt.
    packages+=(clang-14 libclang-rt-14-dev)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian/Ubuntu system; install Qt 6.4+ (Core, Widgets, Charts, Svg, Network, Concurrent, Test)," >&2
    echo "      SQLite 3, nlohmann/json, yaml-cpp, qtkeychain, CMake and Ninja yourself (see README.md)." >&2
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    "${cmd[@]}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "deps: installing ${missing[*]} with sudo"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
else
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run this as root, then try again:" >&2
    echo "  sudo apt-get update && sudo ${cmd[*]}" >&2
    exit 1
fi
