#!/usr/bin/env bash
# Peak resident memory of `stmkernel restore` (issue 16's targets: ≤ 120 MB at batch 1 on a 256² scan,
# ≤ 250 MB at batch 8 on 512²), measured with /usr/bin/time -v on procedural scans (`synth --seed 3`).
#
#   tools/measure-restore-rss.sh [CLI_DIR]     (default: the Release build of src/StmKernel.Cli)
#
# Prints one line per case: batch, scan size, backend (default, or --low-memory), peak RSS in MB, wall time. One
# thread, so the numbers do not depend on the machine's core count (each worker thread adds its stack and scratch).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/src/StmKernel.Cli/bin/Release/net10.0}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=(dotnet "$bin/stmkernel.dll")
for size in 256 512; do "${cli[@]}" synth --count 1 --size $size --seed 3 -o "$work/s$size" >/dev/null 2>&1; done
for c in "1 256" "8 512" "1 256 --low-memory" "8 512 --low-memory"; do
  set -- $c
  rm -rf "$work/out$1"
  /usr/bin/time -v "${cli[@]}" restore "$work/s$2/surface_00000.npy" -o "$work/out$1" --model "$repo/weights/fm-small-restore.stmw" \
    --batch "$1" --threads 1 --pixel-size 0.195nm ${3:-} >/dev/null 2>"$work/time$1"
  rss=$(awk -F: '/Maximum resident/ {print $2}' "$work/time$1")
  wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' "$work/time$1")
  printf 'batch %s, %s² scan, %s: peak RSS %.1f MB, wall %s\n' "$1" "$2" "${3:-default}" "$(echo "$rss / 1024" | bc -l)" "$wall"
done
