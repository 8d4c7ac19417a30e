#!/usr/bin/env bash
# Validation at scale on a Slurm cluster: each array task checks a few structures of one θ with the solver, and a
# merge job (scheduled by the array itself, --dependency=afterany; it merges once every part is there) writes the
# usual validation.csv/.json/.png.
#
#   export SPINODOID=$HOME/spinodoid/spinodoid                  # published once: dotnet publish -c Release src/Spinodoid.Cli -o $HOME/spinodoid
#   # the paper's upscaling of the η₁ design: 10 structures at N = 576 (192 × 3), one per task
#   sbatch --array=0-9 --mem=120G scripts/slurm/validate-array.sh runs/eta1-576 --theta 0.07246,0.106684,0.189774,0.672009 --size 192 --factor 3 --no-cnn
#
# The first argument is the output root; the rest go to `spinodoid validate` (without --seed, --count, --out).
# Task K checks seeds SEED + K·PER_TASK … + PER_TASK − 1 (SEED default 1, PER_TASK default 1) into ROOT/part-K, so the
# merged result is exactly that of one `validate --count (tasks × PER_TASK) --seed SEED` run. The merge writes
# ROOT/validation.* (add TARGET=η_x,η_y,η_z to report the error against a target). A failed or cancelled task
# is simply submitted again (sbatch --array=K … with the same arguments); its array schedules its own merge.
#
#SBATCH --job-name=spinodoid-validate
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=12:00:00
#SBATCH --output=spinodoid-validate-%A_%a.out
#SBATCH --requeue
set -euo pipefail

root=${1:?usage: sbatch --array=0-(T-1) validate-array.sh ROOT --theta … [validate options]}
shift
: "${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=0-(T-1)}"
spinodoid=${SPINODOID:-$(command -v spinodoid || true)}
if [ -z "$spinodoid" ] || [ ! -x "$spinodoid" ]; then
  echo "error: no spinodoid binary: publish it once (dotnet publish -c Release src/Spinodoid.Cli -o \$HOME/spinodoid) and set SPINODOID=\$HOME/spinodoid/spinodoid" >&2
  exit 2
fi
seed=${SEED:-1}
per_task=${PER_TASK:-1}
mkdir -p "$root"

# The task count: recorded on the first submission, so that a resubmitted task merges all of them.
count_file="$root/task-count"
if [ ! -f "$count_file" ]; then
  tmp="$count_file.$SLURM_JOB_ID"
  echo $(( SLURM_ARRAY_TASK_MAX + 1 )) > "$tmp"
  mv -n "$tmp" "$count_file" 2>/dev/null || true
  rm -f "$tmp"
fi
tasks=$(cat "$count_file")
if [ "$SLURM_ARRAY_TASK_ID" -ge "$tasks" ]; then
  echo "error: array task $SLURM_ARRAY_TASK_ID is outside the validation's $tasks tasks (recorded in $count_file)" >&2
  exit 2
fi

# One merge job per array submission, after every task of it has ended; it merges only when every part is there.
if [ "$SLURM_ARRAY_TASK_ID" = "${SLURM_ARRAY_TASK_MIN:-0}" ] && mkdir "$root/.merge-scheduled-$SLURM_ARRAY_JOB_ID" 2>/dev/null; then
  parts=()
  for k in $(seq 0 $(( tasks - 1 ))); do parts+=("$root/part-$k"); done
  target=()
  [ -n "${TARGET:-}" ] && target=(--target "$TARGET")
  check="for p in $(printf '%q ' "${parts[@]}"); do if [ ! -s \"\$p.csv\" ] || [ ! -s \"\$p.json\" ]; then echo \"not merged yet: \$p is missing; submit its task again\"; exit 0; fi; done"
  command="$check; exec $(printf '%q ' "$spinodoid" merge-validation "${parts[@]}" "${target[@]}" --out "$root/validation")"
  sbatch --parsable --dependency="afterany:$SLURM_ARRAY_JOB_ID" --job-name=spinodoid-validate-merge \
    --cpus-per-task=1 --mem=2G --time=00:30:00 --output="$root/merge-%j.out" --wrap="$command" \
    > "$root/.merge-scheduled-$SLURM_ARRAY_JOB_ID/job-id" ||
    echo "warning: the merge job could not be submitted; run the merge by hand when all tasks are done" >&2
fi

first=$(( seed + SLURM_ARRAY_TASK_ID * per_task ))
exec "$spinodoid" validate "$@" --seed "$first" --count "$per_task" --out "$root/part-$SLURM_ARRAY_TASK_ID"
