#!/usr/bin/env bash
# Renders a design report.html in headless Chromium (Debian's package) and checks it as a person would see it:
# no console messages (errors, failed scripts), the 3D view drew its triangles and painted a real part of its
# canvas, and a full-page screenshot is kept.
#   usage: scripts/report-check/check-report.sh REPORT.html SCREENSHOT.png
# Installs chromium with apt-get when it is missing and this runs as root; otherwise skips with a message (exit 0).
set -euo pipefail
report=$(realpath "$1")
shot=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "report check: installing chromium (Debian package)"
    (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
     { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; }) || true
    browser=$(command -v chromium || true)
  fi
  if [ -z "$browser" ]; then
    echo "report check: SKIPPED (no chromium, and it cannot be installed here: not root or no apt-get)"
    exit 0
  fi
fi
# A file URL: the characters a path may hold that a URL gives a meaning to, escaped.
url="file://$(printf '%s' "$report" | sed 's/%/%25/g; s/#/%23/g; s/?/%3F/g; s/ /%20/g')"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Software WebGL (SwiftShader): the check needs no GPU. Virtual time lets the page finish its scripts first.
flags=(--headless --no-sandbox --disable-gpu-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader
       --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 --virtual-time-budget=30000 --hide-scrollbars)
timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" > "$tmp/dom.html" 2> "$tmp/log.txt" || { cat "$tmp/log.txt" >&2; echo "report check: chromium failed" >&2; exit 1; }
# Console output of the page, less the driver's performance notes about reading pixels back.
grep ':CONSOLE' "$tmp/log.txt" | grep -v 'GPU stall due to ReadPixels' > "$tmp/console.txt" || true
if [ -s "$tmp/console.txt" ]; then
  echo "report check: FAILED, the page wrote to the console:" >&2
  cat "$tmp/console.txt" >&2
  exit 1
fi
canvas=$(grep -o '<canvas id="structure-view"[^>]*>' "$tmp/dom.html" || true)
rendered=$(sed -n 's/.*data-rendered="\([0-9]*\)".*/\1/p' <<< "$canvas")
painted=$(sed -n 's/.*data-painted="\([0-9.]*\)".*/\1/p' <<< "$canvas")
if [ -z "$rendered" ] || [ -z "$painted" ]; then
  echo "report check: FAILED, the 3D view did not draw (canvas: ${canvas:-none})" >&2
  exit 1
fi
# The structure fills a good part of the view: at least 5 % of the canvas must be painted, not background.
if ! awk -v p="$painted" 'BEGIN { exit !(p >= 0.05) }'; then
  echo "report check: FAILED, the 3D view painted only $painted of its canvas" >&2
  exit 1
fi
timeout 120 "$browser" "${flags[@]}" --window-size=1400,4200 --screenshot="$tmp/shot.png" "$url" 2>> "$tmp/log.txt" >/dev/null
mkdir -p "$(dirname "$shot")"
cp "$tmp/shot.png" "$shot"
echo "report check: passed ($rendered triangles drawn, $painted of the canvas painted, no console messages); screenshot $shot"
