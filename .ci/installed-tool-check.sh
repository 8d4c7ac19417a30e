#!/usr/bin/env bash
# The installed command works anywhere (issue #17): publish as README.md says, then run the main jobs from an
# empty folder outside the clone, with the bundled model found beside the program.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$out" "$work"' EXIT
dotnet publish -c Release src/Spinodoid.Cli -o "$out/spinodoid" > "$out/publish.log" 2>&1 || { cat "$out/publish.log"; exit 1; }
cd "$work"
"$out/spinodoid/spinodoid" predict --theta 0.092,0.135,0.245,0.666 --seed 3
"$out/spinodoid/spinodoid" design --target 0.40,0.50,0.60 --population 32 --tolerance 10 --out eta
test -s eta/summary.json && test -s eta/report.html
# The fast path: the bundled emulator, no structures generated.
"$out/spinodoid/spinodoid" design --method emulator --target 0.40,0.50,0.60 --out eta-fast
test -s eta-fast/summary.json
# The report as a person sees it: headless Chromium, no console messages, the 3D view drawn (screenshot kept in out/).
bash "$repo/scripts/report-check/check-report.sh" eta/report.html "$repo/out/report-check/report.png"
echo "installed-tool check: predict and design ran from $work with the bundled model"
