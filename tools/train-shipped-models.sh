#!/usr/bin/env bash
# Starts or continues the training runs of the four shipped models (docs/models.md), one
# `stmkernel train` process each (THREADS threads), in the background, for at most HOURS hours.
#
#   [CROP=128] [THREADS=1] [STEPS=30000] [LR=2e-4] [WARMUP=500] [CLEAN_P=0.1] [START_NOISE=0.1] [SEED=31] [INIT=MODEL]
#     tools/train-shipped-models.sh RUNDIR HOURS [MODEL ...]
#
# CROP is the training crop of the new segment (default 128, the paper's and the test sets'). The shipped
# runs' first segments used 64² crops (4× cheaper per step); a model trained only on 64² crops
# mis-scales 128² images (each image is min/max-normalised over its own crop), so later segments train
# at 128². A checkpoint's data stream is the step number, so a segment may change the crop.
# THREADS is each run's thread count: one per run when several share the cores, all cores for one run.
# STEPS is the learning-rate schedule's length (warm-up WARMUP, then cosine to 0 at STEPS); the session-1-3
# runs used 30,000 and the session-4/5 fine-tunes a short schedule at a lower rate (docs/models.md).
# CLEAN_P is the share of undegraded pairs. START_NOISE is fm-bridge's σ (x0 = degraded + σ·noise).
# INIT names the shipped weights a first segment starts from (default: the table below, else the model itself).
#
# Each model trains in segments RUNDIR/MODEL/NN.stmw (+ NN.stmckpt, NN.log). A segment resumes from
# the newest checkpoint of that folder (same schedule: --steps is fixed per model below); the first
# segment starts from the shipped weights/MODEL.stmw when there is one (--init: fresh optimizer and
# warm-up), else from random weights. The CLI is built once and copied to RUNDIR/bin so that a
# rebuild of the working tree never touches a running job.
#
# When the runs have stopped: copy RUNDIR/MODEL/NN.stmw (EMA weights, fp16) to weights/MODEL.stmw
# and re-run the evaluation of docs/models.md.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 RUNDIR HOURS [MODEL ...]" >&2; exit 2; }
rundir=$1 hours=$2 crop=${CROP:-128} threads=${THREADS:-1}; shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)

# name: task, method, seed, validation sampler steps (the shipped runs' values; every run uses batch 8
# and a 30,000-step schedule). DDIM validates at 5 steps: at 2 its trailing-spaced sampler is far from its best.
# ddim-v-small-restore: v-prediction with zero terminal SNR (docs/sampling.md), the fix for DDIM's
# ill-conditioned first step; its first segment starts from the FM restore weights (same architecture).
declare -A args=(
  [fm-small-restore]="--task restore --method fm --seed 1 --val-steps 2"
  [fm-small-sr2]="--task sr2 --method fm --seed 2 --val-steps 2"
  [ddim-small-restore]="--task restore --method ddim --seed 3 --val-steps 5"
  [fm-small-sr4]="--task sr4 --method fm --seed 4 --val-steps 2"
  [ddim-v-small-restore]="--task restore --method ddim-v --seed 5 --val-steps 5"
  [ae-small-restore]="--task restore --method ae --seed 21 --val-steps 1"
  [fm-distill-small-restore]="--task restore --method fm-distill --teacher $repo/weights/fm-small-restore.stmw --seed 61 --val-steps 1"
  [fm-bridge-small-restore]="--task restore --method fm-bridge --start-noise ${START_NOISE:-0.1} --seed ${SEED:-31} --val-steps 2"
  [fm-bridge-small-sr4]="--task sr4 --method fm-bridge --start-noise ${START_NOISE:-0.1} --seed ${SEED:-71} --val-steps 2"
)
# fm-bridge-small-restore: flow matching from the degraded scan (+ 0.1 noise) to the clean one (docs/sampling.md);
# its first segment starts from the FM restore weights. fm-bridge-small-sr4: the same bridge from the line-repeated
# scan (session 7: line repetition alone beat the SR models' PSNR); its first segment starts from FM SR x4.
# fm-distill-small-restore: a one-step student of the shipped FM restore model (docs/models.md), starting from it.
declare -A init=([ddim-v-small-restore]=fm-small-restore [fm-bridge-small-restore]=fm-small-restore [fm-distill-small-restore]=fm-small-restore [fm-bridge-small-sr4]=fm-small-sr4)
# Data since session 4 (docs/models.md, "Real scans"): the realistic procedural source mixed half and half
# with the train split of the real Si(001):H scans, pixel sizes 0.025-0.4 nm, line-flattened crops.
# DATA=paper gives the paper's stream (procedural at 0.195 nm, no flattening).
if [ "${DATA:-real}" = real ]; then
  data=(--pristine "$repo/../shared/data/real-si001" --splits "$repo/data/real-si001/splits.csv" --mix 0.5
        --pixel-nm 0.025:0.4 --line-flatten --surface realistic)
else
  data=()
fi
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(fm-small-restore fm-small-sr2 ddim-small-restore fm-small-sr4)

mkdir -p "$rundir"
dotnet build "$repo/src/StmKernel.Cli" -c Release -nologo -v quiet >/dev/null
rm -rf "$rundir/bin" && cp -r "$repo/src/StmKernel.Cli/bin/Release/net10.0" "$rundir/bin"

for m in "${models[@]}"; do
  [ -n "${args[$m]:-}" ] || { echo "$0: unknown model '$m' (known: ${!args[*]})" >&2; exit 2; }
  dir="$rundir/$m"; mkdir -p "$dir"
  last=$(ls "$dir"/[0-9][0-9].stmckpt 2>/dev/null | sort | tail -1 || true)
  if [ -n "$last" ]; then
    n=$(basename "$last" .stmckpt); from=(--resume "$last")
  else
    n=00; from=()
    src=${INIT:-${init[$m]:-$m}}
    [ -f "$repo/weights/$src.stmw" ] && from=(--init "$repo/weights/$src.stmw")
  fi
  next=$(printf '%02d' $((10#$n + 1)))
  echo "$m: segment $next ($crop² crops) from ${from[*]:-random weights}"
  # shellcheck disable=SC2086 # the argument strings above are word lists on purpose
  setsid nice -n 5 dotnet "$rundir/bin/stmkernel.dll" train ${args[$m]} --preset small --crop "$crop" --batch 8 \
    --threads "$threads" --steps "${STEPS:-30000}" --lr "${LR:-2e-4}" --warmup "${WARMUP:-500}" --hours "$hours" \
    --clean-p "${CLEAN_P:-0.1}" --validate-every 250 \
    --checkpoint-every 250 "${data[@]}" "${from[@]}" -o "$dir/$next.stmw" >"$dir/$next.log" 2>&1 < /dev/null &
done
echo "running in the background; follow with: tail -c 300 $rundir/*/*.log"
