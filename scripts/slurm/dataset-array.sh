#!/usr/bin/env bash
# Generate a spinodoid dataset on a Slurm cluster as an array job: each array task makes one shard.
#
#   sbatch --array=0-15 scripts/slurm/dataset-array.sh paper 1 data/paper
#   # when all tasks have finished (or chain it: sbatch --dependency=afterok:<jobid> …):
#   spinodoid dataset merge data/paper/part-* --out data/paper/merged
#
# Arguments: [profile=paper] [seed=1] [output root=data/<profile>]. The number of shards is the size of the
# array (--array=0-15 → 16 shards); keep it the same when resubmitting. Every shard is resumable: a task
# that was pre-empted, timed out or killed continues where it stopped when the same array is submitted again
# (finished shards return at once). Set SPINODOID to the published binary if it is not on PATH, e.g.
#   dotnet publish -c Release src/Spinodoid.Cli -o $HOME/spinodoid && export SPINODOID=$HOME/spinodoid/spinodoid
#
#SBATCH --job-name=spinodoid-dataset
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=12:00:00
#SBATCH --output=spinodoid-dataset-%A_%a.out
set -euo pipefail

profile=${1:-paper}
seed=${2:-1}
root=${3:-data/$profile}
: "${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=0-(N-1)}"
shards=${SLURM_ARRAY_TASK_COUNT:-$(( ${SLURM_ARRAY_TASK_MAX:?} - ${SLURM_ARRAY_TASK_MIN:-0} + 1 ))}
shard=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0} ))
spinodoid=${SPINODOID:-spinodoid}

mkdir -p "$root"
exec "$spinodoid" dataset generate --profile "$profile" --seed "$seed" \
  --shard "$shard/$shards" --out "$root/part-$shard"
