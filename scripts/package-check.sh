#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the .deb and .tar.gz from an existing build folder, installs the .deb on this machine,
# and checks the installed programs: runlens-cli answers, and runlens opens its window on the
# bundled demo store under a virtual display. Needs root (it installs a package).
# Usage: scripts/package-check.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd) # absolute: cpack runs from inside it
out=$build/packages
rm -rf "$out" && mkdir -p "$out"

echo "== packages"
(cd "$build" && cpack -G "DEB;TGZ" -B "$out" >/dev/null)
deb=$(ls "$out"/*.deb)
tgz=$(ls "$out"/*.tar.gz)
echo "built $(basename "$deb") and $(basename "$tgz")"
dpkg-deb --info "$deb" | sed -n 's/^ Depends:/depends:/p'
tar -tzf "$tgz" | grep -q 'bin/runlens-cli$'

echo "== validators"
desktop-file-validate "$root/packaging/linux/org.runlens.Runlens.desktop"
appstreamcli validate --no-net "$root/packaging/linux/org.runlens.Runlens.metainfo.xml" >/dev/null

if [ "$(id -u)" -ne 0 ]; then
    echo "package-check: not root, so the .deb is not installed; run as root for the install check" >&2
    exit 0
fi
echo "== install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq runlens >/dev/null 2>&1 || true' EXIT
/usr/bin/runlens-cli --version
/usr/bin/runlens --version
test -f /usr/share/applications/org.runlens.Runlens.desktop
test -f /usr/share/metainfo/org.runlens.Runlens.metainfo.xml
test -f /usr/share/icons/hicolor/scalable/apps/org.runlens.Runlens.svg
/usr/bin/runlens-cli runs --store /usr/share/runlens/demo/mlruns --format ids | head -3

echo "== window on the demo store"
work=$(mktemp -d)
# The app's own window title names the store; xwininfo lists the windows of the virtual display.
cat > "$work/check.sh" <<'INNER'
set -u
cd "$1"
env -u QT_QPA_PLATFORM /usr/bin/runlens > runlens.log 2>&1 &
pid=$!
for _ in $(seq 1 150); do
    if xwininfo -root -tree 2>/dev/null | grep -q 'Runlens'; then
        xwininfo -root -tree | grep 'Runlens' | head -2
        kill "$pid"
        exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "runlens exited early:"; cat runlens.log; exit 1
    fi
    sleep 0.2
done
echo "no Runlens window after 30 s"; cat runlens.log; kill "$pid"; exit 1
INNER
xvfb-run -a -s "-screen 0 1600x1000x24" bash "$work/check.sh" "$work"
rm -rf "$work"
echo "package-check: ok"
