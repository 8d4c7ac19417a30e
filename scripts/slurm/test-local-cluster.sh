#!/usr/bin/env bash
# The Slurm array job against a real, running Slurm: a one-node cluster on this machine.
#
# As root on Debian: installs slurm-wlm and munge (Debian packages) when missing, starts munged, slurmctld and slurmd
# for localhost with their state in a temporary folder, and checks that
#   1. `sbatch --array=0-3 dataset-array.sh` (4 shards and the merge job it schedules) gives a merged table equal,
#      row for row, to an unsharded run of the same command;
#   2. a task cancelled with scancel while it runs, and submitted again, finishes its shard with the identical rows;
#   3. validate-array.sh (4 tasks) and its merge job give the validation one `validate` run over the same seeds gives.
# Then stops every daemon it started (by PID) and removes its state. Skips (exit 0, with a message) where the
# machine is not root or the packages cannot be installed. About 2–3 minutes on 2 cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
limit=${SLURM_TEST_TIMEOUT:-300}
skip() { echo "local-cluster test: SKIPPED ($1)"; exit 0; }
fail() { echo "local-cluster test: FAILED: $1" >&2; for f in "$state"/*.log "$state"/jobs/*; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

[ "$(id -u)" = 0 ] || skip "not root: Slurm's daemons need it"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || skip "no apt-get to install slurm-wlm and munge"
  echo "local-cluster test: installing slurm-wlm and munge (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null 2>&1; } ||
    skip "slurm-wlm and munge cannot be installed here"
fi

state=$(mktemp -d /tmp/spinodoid-slurm.XXXXXX)
chmod 700 "$state"
pids=()
cleanup() {
  # Jobs first (a failed check can leave some running), then the daemons.
  if [ ${#pids[@]} -gt 2 ]; then
    squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
    for _ in $(seq 30); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$state"
}
trap cleanup EXIT
mkdir -p "$state/ctld" "$state/slurmd" "$state/jobs" "$state/work"
host=$(hostname -s)
cpus=$(nproc)
# What the node offers (a little under its memory, so slurmd never finds less than declared).
memory=$(( $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) * 9 / 10 ))

# munge: our own key and socket, in the foreground so its PID is ours.
dd if=/dev/urandom of="$state/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$state/munge.key"
munged --foreground --force --key-file="$state/munge.key" --socket="$state/munge.socket" \
  --pid-file="$state/munged.pid" --log-file="$state/munged.log" --seed-file="$state/munge.seed" > "$state/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$state/munge.socket" ] && break; sleep 0.1; done
[ -S "$state/munge.socket" ] || fail "munged did not start"

export SLURM_CONF="$state/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=spinodoid-test
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -f "$SLURM_CONF" > "$state/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" > "$state/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break; sleep 0.2; done
sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' || fail "the node did not come up ($(sinfo -h -o %t 2>&1 || true))"
echo "local-cluster test: slurmctld, slurmd and munged running ($(sinfo -h -o '%P %D %c %t'))"

# The program is published once; every task runs that binary.
# A space in the binary's path and in an output root: the merge job's command line must quote them.
dotnet publish -c Release "$repo/src/Spinodoid.Cli" -o "$state/bin dir" > "$state/publish.log" 2>&1 || fail "dotnet publish failed"
export SPINODOID="$state/bin dir/spinodoid"
cd "$state/work"
sbatch_test() { sbatch --parsable --cpus-per-task=1 --mem=400M --time=10 --output="$state/jobs/%x-%A_%a.out" "$@"; }
wait_for_queue() {  # until no job of ours is pending or running
  local deadline=$(( SECONDS + limit ))
  while [ -n "$(squeue -h -o %i 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "jobs still queued after ${limit} s: $(squeue -h 2>&1)"
    sleep 1
  done
}
# Tables compared on every column but the wall time of each solve.
labels() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "solve_seconds") skip = i } { line = ""; for (i = 1; i <= NF; i++) if (i != skip) line = line $i ","; print line }' "$1"; }

# 1. Four shards and the merge job, against an unsharded run of the same command.
args=(--count 16 --size 16 --seed 5)
"$SPINODOID" dataset generate "${args[@]}" --out whole > "$state/whole.log" 2>&1 || fail "the unsharded run failed"
array=$(sbatch_test --array=0-3 "$repo/scripts/slurm/dataset-array.sh" "sharded data" "${args[@]}") || fail "sbatch refused the array job"
wait_for_queue
[ -f "sharded data/merged/dataset.csv" ] || fail "the merge job wrote no 'sharded data/merged/dataset.csv'"
cmp -s <(labels whole/dataset.csv) <(labels "sharded data/merged/dataset.csv") || fail "the merged table differs from the unsharded one"
echo "local-cluster test: array job $array (4 shards) + its merge job == the unsharded run ($(( $(wc -l < whole/dataset.csv) - 1 )) rows)"

# 2. A running task cancelled and submitted again finishes its shard with the rows an uninterrupted run makes.
args=(--count 32 --size 48 --seed 6)
"$SPINODOID" dataset generate "${args[@]}" --shard 1/4 --out shard1 > "$state/shard1.log" 2>&1 || fail "the reference shard failed"
array=$(sbatch_test --array=0-3 "$repo/scripts/slurm/dataset-array.sh" killed "${args[@]}") || fail "sbatch refused the array job"
deadline=$(( SECONDS + limit ))
until [ -s killed/part-1/rows.journal ]; do
  [ $SECONDS -lt $deadline ] || fail "shard 1 wrote no row within ${limit} s"
  grep -qs '"complete": true' killed/part-1/manifest.json && fail "shard 1 finished before it could be cancelled; use a larger --size"
  sleep 0.2
done
scancel "${array}_1"
wait_for_queue
grep -qs '"complete": true' killed/part-1/manifest.json && fail "shard 1 completed although it was cancelled"
done_rows=$(wc -l < killed/part-1/rows.journal)
[ -f killed/merged/dataset.csv ] && fail "the merge ran although a task was cancelled"
grep -qs "not merged yet: killed/part-1 is not complete" killed/merge-*.out || fail "the first array's merge job did not say which shard to submit again"
again=$(sbatch_test --array=1 "$repo/scripts/slurm/dataset-array.sh" killed "${args[@]}") || fail "sbatch refused the resubmission"
wait_for_queue
grep -qs '"complete": true' killed/part-1/manifest.json || fail "the resubmitted shard 1 did not complete"
cmp -s <(labels shard1/dataset.csv) <(labels killed/part-1/dataset.csv) || fail "the resumed shard's rows differ from an uninterrupted run's"
[ -f killed/merged/dataset.csv ] || fail "the resubmission's merge job wrote no killed/merged/dataset.csv"
echo "local-cluster test: task ${array}_1 cancelled after $done_rows journal line(s), resubmitted as $again: identical rows; merged"

# 3. Validation as an array: 4 tasks of one structure each and their merge == one validate run over the 4 seeds.
theta=0.1,0.15,0.2,0.6
"$SPINODOID" validate --theta $theta --size 24 --no-cnn --seed 3 --count 4 --out single > "$state/single.log" 2>&1 || fail "the single validate run failed"
array=$(SEED=3 sbatch_test --array=0-3 "$repo/scripts/slurm/validate-array.sh" v --theta $theta --size 24 --no-cnn) || fail "sbatch refused the validation array"
wait_for_queue
[ -f v/validation.csv ] || fail "the validation merge job wrote no v/validation.csv"
cmp -s single.csv v/validation.csv || fail "the merged validation differs from a single run's"
echo "local-cluster test: validation array $array (4 tasks) + merge == one validate run over seeds 3–6"
echo "local-cluster test: passed"
