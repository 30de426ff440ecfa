#!/usr/bin/env bash
# Rebuilds the model card's evaluation (docs/models.md, docs/eval/): fixed test sets of 24 pairs each
# (test split, `stmkernel degrade --seed 7`) and `stmkernel eval --steps 2,5,10` of the shipped models.
# restore, sr2, sr4: procedural surfaces at the paper's 0.195 nm/px; real: crops of the real Si(001):H
# scans of the test split of data/real-si001/splits.csv (../shared/data/real-si001, sessions no model
# trains on) at their own pixel sizes, clean and with the paper's degradations.
#
#   [CROP=128] [MODELS=a.stmw,b.stmw] [STEPS=2,5,10] [SPLIT=test] tools/eval-shipped-models.sh OUTDIR [restore|sr2|sr4|real ...]
#
# OUTDIR/sets/TASK/MODE holds the sets (kept: a second call reuses them), OUTDIR/TASK/ the report
# (eval.md, psnr.svg, ssim.svg). CROP sets the test images' size (the card's tables use 128, the paper's).
# SPLIT=validation builds the sets from the validation split instead: where runs are compared and chosen,
# so that the test split only ever reports.
# Restoration runs both restore models; SR ×k runs fm-small-srk. On 2 cores restoration takes ≈ 10 min.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [restore|sr2|sr4 ...]" >&2; exit 2; }
out=$1 crop=${CROP:-128}; shift
repo=$(cd "$(dirname "$0")/.." && pwd)
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(restore sr2 sr4)

declare -A modes=(
  [restore]="all multitip misalign tipchange blunt lines clean"
  [sr2]="sr2 sr2-all"
  [sr4]="sr4 sr4-all"
  [real]="clean all multitip tipchange lines"
)
declare -A models=(
  [restore]="$repo/weights/fm-small-restore.stmw,$repo/weights/fm-bridge-small-restore.stmw,$repo/weights/ddim-small-restore.stmw"
  [sr2]="$repo/weights/fm-small-sr2.stmw"
  [sr4]="$repo/weights/fm-small-sr4.stmw"
  [real]="$repo/weights/fm-small-restore.stmw,$repo/weights/fm-bridge-small-restore.stmw,$repo/weights/ddim-small-restore.stmw"
)
real=(--pristine "$repo/../shared/data/real-si001" --splits "$repo/data/real-si001/splits.csv")

dotnet build "$repo/src/StmKernel.Cli" -c Release -nologo -v quiet >/dev/null
stmkernel() { dotnet "$repo/src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll" "$@"; }

for task in "${tasks[@]}"; do
  [ -n "${modes[$task]:-}" ] || { echo "$0: unknown task '$task' (restore, sr2, sr4)" >&2; exit 2; }
  # Procedural sets use the baseline generator: the tables before session 4 were made with it, so they reproduce.
  from=(--surface baseline); [ "$task" = real ] && from=("${real[@]}")
  for mode in ${modes[$task]}; do
    set_dir="$out/sets/$task/$mode"
    [ -f "$set_dir/manifest.json" ] || stmkernel degrade --mode "$mode" --count 24 --seed 7 --crop "$crop" --split "${SPLIT:-test}" "${from[@]}" -o "$set_dir" >/dev/null
  done
  stmkernel eval --test-set "$out/sets/$task" --models "${MODELS:-${models[$task]}}" --steps "${STEPS:-2,5,10}" -o "$out/$task" --force
done
