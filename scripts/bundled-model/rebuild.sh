#!/usr/bin/env bash
# Rebuild the bundled compact model (models/compact) from the bundled dataset (data/compact) — issue #12. Every step
# resumes or is skipped when done (`train` from its last epoch, each split's evaluation, the emulator), so the same
# command continues after an interruption or a `--max-time` stop.
#
#   scripts/bundled-model/rebuild.sh                   # all steps, into out/compact-model
#   MAX_TIME=3000 scripts/bundled-model/rebuild.sh     # train for at most 50 more minutes, then stop on an epoch boundary
#
# Environment: SPINODOID (the program; default: a Release build of this clone), OUT (the new model's folder; default
# out/compact-model; the run from random weights goes to OUT-initial), EPOCHS (default 11: 3.5–6 minutes each on a
# 2-core machine, plus 8–13 minutes for the input cache of 12,288 structures; run it alone — a CPU-bound job beside
# libtorch slows it several times over), FINETUNE_EPOCHS (default 3) and FINETUNE_LR (default 1e-4): a second run
# from the first one's best weights (`train --init`), cosine-decayed from FINETUNE_LR; MAX_TIME (seconds for each
# `train` call of this script, its input cache included; the correction, the evaluation and the emulator come after
# it: a few minutes each, because the coarse-grid η they need are the dataset's, kept in data/compact/coarse-64.csv;
# where that table lacks structures they are solved and added, 0.2–0.4 s each on 2 cores).
# It writes nothing into models/: replacing the bundled model, and its card (models/compact/README.md), is a
# reviewed commit. The dataset itself is made with the commands in docs/datasets.md (about 7 h here, in shards).
# Measured 2026-12-07 with these defaults, alone on a 2-core machine, in one sitting: input cache 454 s, 11 epochs
# 3,746 s, 3 fine-tuning epochs 1,022 s, correction 108 s: 1 h 29 min to a model (the bundled one);
# evaluation of the three splits and the emulator another 12 minutes (most of it the test split's coarse solves, since
# kept in the dataset's table). The earlier recipe, 24 + 6 epochs, reached the same corrected test MAPE in 2.8 h.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ -z "${SPINODOID:-}" ]; then
  dotnet build -c Release -v q -nologo src/Spinodoid.Cli
  SPINODOID="dotnet $repo/src/Spinodoid.Cli/bin/Release/net10.0/spinodoid.dll"
fi
out=$(realpath -m "${OUT:-$repo/out/compact-model}")
data=$repo/data/compact
epochs=${EPOCHS:-11}

finetune_epochs=${FINETUNE_EPOCHS:-3}
finetune_lr=${FINETUNE_LR:-1e-4}

# Runs one `train` call into $1 (resumable) and stops the script, to be run again, while that run is unfinished.
train_stage() {
  local folder=$1 want=$2; shift 2
  mkdir -p "$folder"
  local start; start=$(date +%s)
  $SPINODOID train --data "$data" --network compact --epochs "$want" --out "$folder" "$@" ${MAX_TIME:+--max-time "$MAX_TIME"}
  echo "training call into $folder: $(( $(date +%s) - start )) s"
  local done_epochs; done_epochs=$(sed -n 's/.*"epochs_done":\([0-9]*\).*/\1/p' "$folder/training.json")
  if [ "$done_epochs" -lt "$want" ]; then
    echo "training in $folder at epoch $done_epochs of $want: run this script again to go on"
    exit 0
  fi
}

# 1. Training from random weights (builds the 64³ input cache first), then fine-tuning from its best weights at a
#    tenth of the rate: the first run ends underfitted (train loss = validation loss), and the second one lowers both.
train_stage "$out-initial" "$epochs" --seed 1
train_stage "$out" "$finetune_epochs" --seed 2 --init "$out-initial" --lr "$finetune_lr"

# 2. The coarse-grid correction (correction.json): the network's prediction and the η of its own 64³ input solved on
#    64³ and 32³ grids, combined by a degree-4 polynomial (70 weights) fitted on the 8,192 training structures and scored on
#    the 2,048 validation structures (the network's predictions, about 2 minutes; the coarse η come from the dataset's
#    table; resumable: the per-structure values are kept in correction-SPLIT-DIGEST.csv).
$SPINODOID correct --model "$out" --data "$data"

# 3. The paper's Table 1 (MSE of the logits and MAPE per direction for each split) and Figure 5, with the
#    per-structure predictions (predictions-SPLIT.csv; BundledModelTests checks the test split's).
for split in train validation test; do
  [ -f "$out/evaluation-$split.json" ] || $SPINODOID evaluate --model "$out" --data "$data" --split "$split" --png "$out/figure5-$split.png"
done

# 4. The emulator: η̄(θ) and the seed scatter of the dataset's solver labels (train + validation; test held out), four
#    networks averaged, about half a minute.
[ -f "$out/emulator.bin" ] || $SPINODOID emulator build --model "$out" --data "$data"
echo "new model in $out; next: compare with models/compact, then replace it and update its card"
