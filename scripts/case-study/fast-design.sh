#!/usr/bin/env bash
# Fast design (issue #13): `design --method emulator --validate 20` — the emulator's posterior, then validation and
# refinement with the sub-voxel solver on 20 structures at the model's N — for η₁, η₂ and the targets given, each
# timed from the command's start to its end (the goal: within 1 % per direction in under 60 s on 2 cores).
#
#   scripts/case-study/fast-design.sh [FOLDER] [TARGET ...]     # default targets: η₁ and η₂
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${SPINODOID:-}" ]; then
  dotnet build -c Release -v q -nologo "$repo/src/Spinodoid.Cli"
  SPINODOID="dotnet $repo/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"
fi
folder=${1:-$(mktemp -d /tmp/spinodoid-fast-design.XXXXXX)}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(0.40,0.50,0.60 0.25,0.375,0.50)
mkdir -p "$folder"
cd "$folder"
echo "fast design in $folder"
for target in "${targets[@]}"; do
  start=$EPOCHREALTIME
  $SPINODOID design --method emulator --target "$target" --validate 20 --out "emulator-$target" || echo "exit $? for $target"
  python3 - "$target" "emulator-$target/summary.json" "$start" "$EPOCHREALTIME" <<'PY'
import json, sys
target, path = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[4]) - float(sys.argv[3])
j = json.load(open(path))
r = j.get("refinement") or {}
errors = r.get("design_solver_relative_error") or (j.get("validation") or {}).get("solver_relative_error")
rounds = len(r.get("rounds", [])) or 1
print(f"RESULT {target}: {seconds:.1f} s wall, {rounds} validation round(s), design θ {r.get('design_theta') or j.get('posterior_mean_theta')}, "
      f"solver error {', '.join('free' if e is None else f'{100 * e:+.2f} %' for e in errors) if errors else 'n/a'}")
PY
done
