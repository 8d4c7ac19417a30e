#!/usr/bin/env bash
# Rebuild the bundled compact model from the sub-voxel dataset shards (issue #12). Every step resumes or is skipped
# when done (merge, `train` from its last epoch, each split's evaluation, the emulator), so the same command
# continues after an interruption or a `--max-time` stop.
#
#   scripts/bundled-model/rebuild.sh                   # all steps
#   MAX_TIME=3000 scripts/bundled-model/rebuild.sh     # train for at most 50 more minutes, then stop on an epoch boundary
#
# Environment: SPINODOID (the program; default: a Release build of this clone), OUT (the new model's folder; default
# out/compact-subvoxel-model), EPOCHS (default 24: about 3.5 minutes each here, 85 minutes in all, plus 3 minutes
# for the input cache; run it alone — a CPU-bound job beside libtorch slows it several times over), MAX_TIME (seconds for this call's `train`, its input
# cache included; evaluation (minutes) and the emulator (about 5 minutes) come after it).
# It writes nothing into models/ or data/compact: replacing the bundled model and dataset, and its card, are a
# reviewed commit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ -z "${SPINODOID:-}" ]; then
  dotnet build -c Release -v q -nologo src/Spinodoid.Cli
  SPINODOID="dotnet $repo/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"
fi
out=$(realpath -m "${OUT:-$repo/out/compact-subvoxel-model}")
data=$repo/data/compact-subvoxel
epochs=${EPOCHS:-24}

# 1. The four shards into one table (equal to an unsharded run's).
if [ ! -f "$data/manifest.json" ] || [ ! -f "$data/dataset.csv" ]; then
  rm -rf "$data"   # an interrupted merge: start it again
  for k in 0 1 2 3; do
    grep -q '"complete": true' "data/compact-subvoxel-parts/part-$k/manifest.json" \
      || { echo "shard $k is not complete: finish it first (data/compact-subvoxel-parts/README.md)" >&2; exit 1; }
  done
  $SPINODOID dataset merge data/compact-subvoxel-parts/part-0 data/compact-subvoxel-parts/part-1 \
    data/compact-subvoxel-parts/part-2 data/compact-subvoxel-parts/part-3 --out "$data"
fi

# 2. Training (builds the 64³ input cache first: about 13 minutes for 12,288 structures).
mkdir -p "$out"
start=$(date +%s)
$SPINODOID train --data "$data" --network compact --epochs "$epochs" --seed 1 --out "$out" ${MAX_TIME:+--max-time "$MAX_TIME"}
echo "training call: $(( $(date +%s) - start )) s"
done_epochs=$(sed -n 's/.*"epochs_done":\([0-9]*\).*/\1/p' "$out/training.json")
if [ "$done_epochs" -lt "$epochs" ]; then
  echo "training at epoch $done_epochs of $epochs: run this script again to go on"
  exit 0
fi

# 3. The paper's Table 1 (MSE of the logits and MAPE per direction for each split) and Figure 5 (test split).
for split in train validation test; do
  [ -f "$out/evaluation-$split.json" ] || $SPINODOID evaluate --model "$out" --data "$data" --split "$split" --png "$out/figure5-$split.png"
done

# 4. The emulator of the new CNN (4,000 prior draws).
[ -f "$out/emulator.bin" ] || $SPINODOID emulator build --model "$out"
echo "new model in $out; next: compare with models/compact, then replace it and data/compact, update the model card"
