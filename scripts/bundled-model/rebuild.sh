#!/usr/bin/env bash
# Rebuild the bundled compact model (models/compact) from the bundled dataset (data/compact) — issue #12. Every step
# resumes or is skipped when done (`train` from its last epoch, each split's evaluation, the emulator), so the same
# command continues after an interruption or a `--max-time` stop.
#
#   scripts/bundled-model/rebuild.sh                   # all steps, into out/compact-model
#   MAX_TIME=3000 scripts/bundled-model/rebuild.sh     # train for at most 50 more minutes, then stop on an epoch boundary
#
# Environment: SPINODOID (the program; default: a Release build of this clone), OUT (the new model's folder; default
# out/compact-model), EPOCHS (default 24: about 3.5 minutes each on a 2-core machine, 85 minutes in all, plus about
# 13 minutes for the input cache of 12,288 structures; run it alone — a CPU-bound job beside libtorch slows it
# several times over), MAX_TIME (seconds for this call's `train`, its input cache included; evaluation (about 10
# minutes) and the emulator (about 5 minutes) come after it).
# It writes nothing into models/: replacing the bundled model, and its card (models/compact/README.md), is a
# reviewed commit. The dataset itself is made with the commands in docs/datasets.md (about 7 h here, in shards).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ -z "${SPINODOID:-}" ]; then
  dotnet build -c Release -v q -nologo src/Spinodoid.Cli
  SPINODOID="dotnet $repo/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"
fi
out=$(realpath -m "${OUT:-$repo/out/compact-model}")
data=$repo/data/compact
epochs=${EPOCHS:-24}

# 1. Training (builds the 64³ input cache first).
mkdir -p "$out"
start=$(date +%s)
$SPINODOID train --data "$data" --network compact --epochs "$epochs" --seed 1 --out "$out" ${MAX_TIME:+--max-time "$MAX_TIME"}
echo "training call: $(( $(date +%s) - start )) s"
done_epochs=$(sed -n 's/.*"epochs_done":\([0-9]*\).*/\1/p' "$out/training.json")
if [ "$done_epochs" -lt "$epochs" ]; then
  echo "training at epoch $done_epochs of $epochs: run this script again to go on"
  exit 0
fi

# 2. The paper's Table 1 (MSE of the logits and MAPE per direction for each split) and Figure 5, with the
#    per-structure predictions (predictions-SPLIT.csv; BundledModelTests checks the test split's).
for split in train validation test; do
  [ -f "$out/evaluation-$split.json" ] || $SPINODOID evaluate --model "$out" --data "$data" --split "$split" --png "$out/figure5-$split.png"
done

# 3. The emulator of the new CNN (4,000 prior draws).
[ -f "$out/emulator.bin" ] || $SPINODOID emulator build --model "$out"
echo "new model in $out; next: compare with models/compact, then replace it and update its card"
