#!/usr/bin/env bash
# The paper's case study (issue #12): design η₁ = (0.40, 0.50, 0.60) and η₂ = (0.25, 0.375, 0.50) from a fresh
# folder with the defaults, validating and refining with the sub-voxel solver on 20 structures at N = 192, then the
# design θ checked on 20 fresh structures at the model's N = 128 and on 10 at N = 192. Each step's wall time is
# printed; the README's case-study table is made from its output.
#
#   scripts/case-study/run.sh [FOLDER]        # default: a new temporary folder
#
# Environment: SPINODOID (the program; default: a Release build of this clone), DESIGN_ARGS (extra design options,
# e.g. "--start emulator"), TARGETS (space-separated targets; default η₁ and η₂).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${SPINODOID:-}" ]; then
  dotnet build -c Release -v q -nologo "$repo/src/Spinodoid.Cli"
  SPINODOID="dotnet $repo/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"
fi
folder=${1:-$(mktemp -d /tmp/spinodoid-case-study.XXXXXX)}
mkdir -p "$folder"
cd "$folder"
echo "case study in $folder"
for target in ${TARGETS:-0.40,0.50,0.60 0.25,0.375,0.50}; do
  name=eta-$target
  start=$(date +%s)
  # shellcheck disable=SC2086
  $SPINODOID design --target "$target" --validate 20 --validate-size 192 --out "$name" ${DESIGN_ARGS:-}
  echo "design $target: $(( $(date +%s) - start )) s (ABC + validation + refinement)"
  theta=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print((j.get("refinement") or {}).get("design_theta") or j["posterior_mean_theta"])' "$name/summary.json")
  [ -n "$theta" ] || { echo "no design θ in $name/summary.json" >&2; exit 1; }
  for n in 128 192; do
    count=$([ "$n" = 128 ] && echo 20 || echo 10)
    start=$(date +%s)
    $SPINODOID validate --theta "$theta" --size "$n" --count "$count" --no-cnn --target "$target" --out "$name/check-$n"
    echo "check of $target at N = $n: $(( $(date +%s) - start )) s"
  done
done
