#!/usr/bin/env bash
# A spinodoid dataset on a Slurm cluster: one sbatch call makes every shard as an array task and then merges them.
#
#   dotnet publish -c Release src/Spinodoid.Cli -o $HOME/spinodoid        # once, on the login node
#   export SPINODOID=$HOME/spinodoid/spinodoid
#   sbatch --array=0-15 scripts/slurm/dataset-array.sh data/paper --profile paper --seed 1 --discretization subvoxel
#
# The first argument is the output root; the rest go to `spinodoid dataset generate` (profile, seed, count, size,
# discretization). Task K makes shard K of S into ROOT/part-K, with --workers from SLURM_CPUS_PER_TASK. S is the
# array's size on the first submission and is recorded in ROOT/shard-count. The array's lowest task also submits
# one merge job that runs when every task of this array has ended (--dependency=afterany) and, when every shard is
# complete, writes ROOT/merged (override with MERGED=DIR).
#
# Every shard resumes from its journal: a task that was pre-empted, requeued, timed out or cancelled continues
# with identical rows when submitted again, e.g. only shard 3: sbatch --array=3 scripts/slurm/dataset-array.sh
# data/paper --profile paper --seed 1 --discretization subvoxel (the same arguments; that array schedules its own
# merge, and finished shards return at once). The program is not built per task: SPINODOID (or `spinodoid` on
# PATH) is the binary published once.
#
#SBATCH --job-name=spinodoid-dataset
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=12:00:00
#SBATCH --output=spinodoid-dataset-%A_%a.out
#SBATCH --requeue
set -euo pipefail

root=${1:?usage: sbatch --array=0-(S-1) dataset-array.sh ROOT [dataset generate options]}
shift
: "${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=0-(S-1)}"
spinodoid=${SPINODOID:-$(command -v spinodoid || true)}
if [ -z "$spinodoid" ] || [ ! -x "$spinodoid" ]; then
  echo "error: no spinodoid binary: publish it once (dotnet publish -c Release src/Spinodoid.Cli -o \$HOME/spinodoid) and set SPINODOID=\$HOME/spinodoid/spinodoid" >&2
  exit 2
fi
mkdir -p "$root"

# The shard count of this dataset: recorded on the first submission, so that a resubmitted subset keeps it.
count_file="$root/shard-count"
if [ ! -f "$count_file" ]; then
  tmp="$count_file.$SLURM_JOB_ID"
  echo $(( SLURM_ARRAY_TASK_MAX + 1 )) > "$tmp"
  # Two first tasks may race here: the first rename wins (mv -n exits 1 on newer coreutils when it does not replace).
  mv -n "$tmp" "$count_file" 2>/dev/null || true
  rm -f "$tmp"
fi
shards=$(cat "$count_file")
shard=$SLURM_ARRAY_TASK_ID
if [ "$shard" -ge "$shards" ]; then
  echo "error: array task $shard is outside the dataset's $shards shards (recorded in $count_file)" >&2
  exit 2
fi

# One merge job per array submission (mkdir is atomic), scheduled by the array's lowest task. It runs when every task
# of this array has ended (afterany) and merges only if every shard is complete, so whichever submission completes
# the last shard also writes the merged table; otherwise it says which shards to submit again.
if [ "$SLURM_ARRAY_TASK_ID" = "${SLURM_ARRAY_TASK_MIN:-0}" ] && mkdir "$root/.merge-scheduled-$SLURM_ARRAY_JOB_ID" 2>/dev/null; then
  merged=${MERGED:-$root/merged}
  parts=()
  for k in $(seq 0 $(( shards - 1 ))); do parts+=("$root/part-$k"); done
  check="for p in $(printf '%q ' "${parts[@]}"); do if ! grep -qs '\"complete\": true' \"\$p/manifest.json\"; then echo \"not merged yet: \$p is not complete; submit its task again\"; exit 0; fi; done"
  command="$check; exec $(printf '%q ' "$spinodoid" dataset merge "${parts[@]}" --out "$merged")"
  sbatch --parsable --dependency="afterany:$SLURM_ARRAY_JOB_ID" --job-name=spinodoid-merge \
    --cpus-per-task=1 --mem=2G --time=01:00:00 --output="$root/merge-%j.out" --wrap="$command" \
    > "$root/.merge-scheduled-$SLURM_ARRAY_JOB_ID/job-id" ||
    echo "warning: the merge job could not be submitted; run the merge by hand when all tasks are done" >&2
fi

exec "$spinodoid" dataset generate "$@" --shard "$shard/$shards" --workers "${SLURM_CPUS_PER_TASK:-1}" --out "$root/part-$shard"
