#!/usr/bin/env bash
# Times our U-Net forward against ONNX Runtime 1.31.1 (the standing peer, issue 13) on three cases, Small 128²
# batch 1, Small 128² batch 8 and Large 128² batch 1, and prints ratio_ours_over_ort per case (issue 13's target:
# ≤ 0.5). Small is the shipped weights/fm-small-restore.stmw; Large is the seeded random weights (seed 0) that
# `stmkernel bench --preset large` times, written once to out/ort/large-seed0.stmw so both sides load one file.
# The ONNX files are exported by bench/export_onnx.py (torch.onnx.export of tools/reference/unet_ref.py) when
# missing. bench/StmKernel.OrtPeer checks ORT's output against ours (relative max error ≤ 1e-4, else it fails) and
# then alternates the two in rounds; both sides use THREADS threads (ORT: intra-op THREADS, inter-op 1, sequential,
# all graph optimisations).
#
#   [PAUSE_TRAINING=1] [PROFILE=1] [RESTORE=1] [THREADS=2] [ROUNDS=7] [PER_ROUND=3] bench/compare-ort.sh
#
# PROFILE=1 also runs `stmkernel bench --profile --peak` on Small batch 8 in the same quiet window (per-layer ms,
# GFLOP/s and the FMA peak of these threads), saved to out/ort/profile-small-b8.txt.
#
# RESTORE=1 then restores the 512² Createc scan (../shared/data/real/pf_createc_terrace.dat) with `restore --timings`,
# RESTORE_ROUNDS (default 3) times each with the default model and with --fast, alternated, and prints each wall
# time over what ONNX Runtime would need for the paper's method: 100 forwards at its batch-8 time per tile (issue 13,
# item 4: ratio ≤ 0.25), with ORT's median from the small-b8 case of this same run.
#
# PAUSE_TRAINING=1 stops (SIGSTOP) every `stmkernel.dll train` process for the timings only and resumes it
# (SIGCONT) afterwards, on error and on Ctrl-C too. Needs the .NET 10 SDK and Debian's python3-torch. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

threads=${THREADS:-2} rounds=${ROUNDS:-7} per_round=${PER_ROUND:-3}
python=/usr/bin/python3
peer=bench/StmKernel.OrtPeer/bin/Release/net10.0/StmKernel.OrtPeer.dll
dir=out/ort
echo "start $(date -u +%FT%TZ); uptime:$(uptime)"

"$python" -c 'import torch' 2>/dev/null || { echo "compare-ort.sh: $python cannot import torch (apt-get install python3-torch)" >&2; exit 1; }
echo "building bench/StmKernel.OrtPeer (Release) ..."
dotnet build bench/StmKernel.OrtPeer -c Release -nologo -v quiet >/dev/null
cli=src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll
[ "${PROFILE:-0}" = 1 ] || [ "${RESTORE:-0}" = 1 ] && { echo "building the CLI (Release) ..."; dotnet build src/StmKernel.Cli -c Release -nologo -v quiet >/dev/null; }

mkdir -p "$dir"
[ -f "$dir/large-seed0.stmw" ] || dotnet "$peer" write-weights --preset large --seed 0 -o "$dir/large-seed0.stmw"
# name weights batch
cases=("small-b1 weights/fm-small-restore.stmw 1" "small-b8 weights/fm-small-restore.stmw 8" "large-b1 $dir/large-seed0.stmw 1")
for c in "${cases[@]}"; do
  read -r name weights batch <<<"$c"
  # Re-export when the weights are newer than the file, so a retrained Small is never compared to a stale graph.
  if [ ! -f "$dir/$name.onnx" ] || [ "$weights" -nt "$dir/$name.onnx" ]; then
    "$python" -W ignore bench/export_onnx.py --weights "$weights" --batch "$batch" --size 128 -o "$dir/$name.onnx"
  fi
done

resume() { pkill -CONT -f 'stmkernel.dll train' || true; echo "training jobs resumed"; }
if [ "${PAUSE_TRAINING:-0}" = 1 ]; then
  # Installed before the STOP, so no path out of this script leaves the jobs stopped.
  trap resume EXIT
  trap 'exit 130' INT TERM
  pkill -STOP -f 'stmkernel.dll train' && echo "training jobs paused" || echo "no training job to pause"
fi
echo "timings start; uptime:$(uptime)"

summary=()
for c in "${cases[@]}"; do
  read -r name weights batch <<<"$c"
  out=$(dotnet "$peer" compare --weights "$weights" --onnx "$dir/$name.onnx" --batch "$batch" --size 128 \
        --threads "$threads" --rounds "$rounds" --per-round "$per_round" --label "$name") \
    || { echo "$out"; echo "compare-ort.sh: $name failed" >&2; exit 1; }
  echo "$out"
  summary+=("$name $(grep -oE 'ratio_ours_over_ort=[0-9.]+' <<<"$out")")
  [ "$name" = small-b8 ] && ort_b8=$(sed -nE 's/^ort: median ([0-9.]+) ms.*/\1/p' <<<"$out")
done

if [ "${RESTORE:-0}" = 1 ]; then
  scan=../shared/data/real/pf_createc_terrace.dat
  ort_restore=$(awk -v b="$ort_b8" 'BEGIN { printf "%.3f", 100 * b / 8 / 1000 }')
  echo "ORT for the paper's method: 100 forwards x ${ort_b8} ms / 8 tiles = ${ort_restore} s"
  for round in $(seq "${RESTORE_ROUNDS:-3}"); do
    for mode in default fast; do
      extra=(); [ "$mode" = fast ] && extra=(--fast)
      start=$(date +%s.%N)
      timings=$(dotnet "$cli" restore "$scan" -o "$dir/restore-$mode.gwy" --force --any-surface --threads "$threads" \
                --timings "${extra[@]}" 2>&1 | grep -E '^ *timings|forwards') || true
      wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
      echo "restore round $round $mode: wall ${wall} s, ratio_restore_over_ort=$(awk -v w="$wall" -v o="$ort_restore" 'BEGIN { printf "%.3f", w / o }')"
      echo "  $timings"
    done
  done
fi

if [ "${PROFILE:-0}" = 1 ]; then
  dotnet "$cli" bench --weights weights/fm-small-restore.stmw --batch 8 --size 128 --threads "$threads" \
    --iterations 10 --warmup 3 --profile --peak | tee "$dir/profile-small-b8.txt"
fi

# Load while still paused (the 1-minute average lags: it still carries part of the jobs' load from before).
echo "timings end $(date -u +%FT%TZ); uptime:$(uptime)"
if [ "${PAUSE_TRAINING:-0}" = 1 ]; then resume; trap - EXIT; fi
printf '%s\n' "${summary[@]}"
