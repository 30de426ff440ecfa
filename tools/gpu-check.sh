#!/usr/bin/env bash
# Every GPU check of the ILGPU backend (issue 17) in one run, for the few minutes a CUDA machine is lent:
#
#   tools/gpu-check.sh [DEVICE]        (default cuda; e.g. cuda:1, or ilgpu-cpu to rehearse it without a GPU)
#   GPU_CHECK_REPORT=FILE              where the report goes besides stdout (default gpu-check-report.md)
#
# 1. builds the CLI and the GPU tests (Release);
# 2. runs tests/StmKernel.Gpu.Tests on DEVICE (STMKERNEL_TEST_DEVICE): every op forward and backward against the
#    naive references, whole-model parity on every PyTorch fixture and the shipped Small model at batch 8 on
#    128², one training step's gradients against the CPU backend, PTX for sm_80/sm_90;
# 3. `stmkernel bench --device DEVICE`: Small and Large, batch 1 and 8, 128² (median of 20 after 3 warm-ups),
#    and a Small training step at batch 8 (bench --train);
# 4. a 512² restore (fm-small-restore) on DEVICE, timed, and the same on the CPU for comparison;
# 5. 50 training steps (Small, flow matching, batch 8, 128² crops) on DEVICE, timed.
# The report (markdown) goes to stdout and to GPU_CHECK_REPORT; the goals of the issue are printed beside the
# numbers. Exit 1 when a step fails (the report still lists what ran).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
device=${1:-cuda}
report=${GPU_CHECK_REPORT:-$repo/gpu-check-report.md}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
    echo "gpu-check: dotnet not found on PATH: install the .NET 10 SDK (https://dot.net) or put it on PATH" >&2
    exit 2
fi
if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    echo "gpu-check: no .NET 10 SDK (dotnet --list-sdks: $(dotnet --list-sdks 2>/dev/null | tr '\n' ' '))" >&2
    exit 2
fi

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=(dotnet "$repo/src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll")
threads=$(nproc)
failed=0
lines=()
note() { lines+=("$1"); echo "$1"; }
fail() { note "- FAILED: $1 (log: $2)"; failed=1; }

# Seconds of wall-clock of a command, its output in $work/LOG.
timed() {
    local log=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/$log" 2>&1
    local rc=$?
    end=$(date +%s.%N)
    elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    return $rc
}

note "# GPU check: $device ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
note ""
if command -v nvidia-smi >/dev/null 2>&1; then
    note "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
fi
note "host: $(nproc) cores, $(dotnet --version) SDK"
note ""

note "## Build"
if timed build.log dotnet build src/StmKernel.Cli -c Release -nologo && timed build-tests.log dotnet build tests/StmKernel.Gpu.Tests -c Release -nologo; then
    note "- CLI and tests/StmKernel.Gpu.Tests built"
else
    fail "build" "see the dotnet build output below"
    tail -30 "$work"/build*.log
    printf '%s\n' "${lines[@]}" >"$report"
    exit 1
fi

note ""
note "## Tests on $device"
if timed tests.log env STMKERNEL_TEST_DEVICE="$device" dotnet test tests/StmKernel.Gpu.Tests -c Release --no-build -nologo --logger "console;verbosity=normal"; then
    note "- $(grep -E 'Passed!|Failed!' "$work/tests.log" | tail -1 | sed 's/^ *//') (${elapsed} s)"
else
    fail "GPU tests: $(grep -E 'Passed!|Failed!' "$work/tests.log" | tail -1 | sed 's/^ *//')" "failures below"
    grep -E '^\s+Failed ' -A6 "$work/tests.log" | head -80
fi
# (Process substitution, not a pipe: note must run in this shell to add to the report.)
while read -r l; do note "  - $l"; done < <(grep -E 'on (cuda|ilgpu)[^ ]*: max\|ours' "$work/tests.log")
while read -r l; do note "  - training step: $l"; done < <(grep -E 'worst relative gradient difference' "$work/tests.log")

note ""
note "## Forward latency, 128² (median of 20 after 3 warm-ups; goals on an H200: Small batch 1 ≤ 1 ms, batch 8 ≤ 2 ms)"
note ""
note "| model | batch | median ms | min ms |"
note "|---|---|---|---|"
for preset in small large; do
    for batch in 1 8; do
        if timed "bench-$preset-$batch.log" "${cli[@]}" bench --preset "$preset" --batch "$batch" --size 128 --device "$device" --iterations 20 --warmup 3; then
            m=$(grep -oE 'forward: median [0-9.]+ ms, min [0-9.]+' "$work/bench-$preset-$batch.log" | awk '{print $3, $6}')
            note "| $preset | $batch | ${m% *} | ${m#* } |"
        else
            fail "bench --preset $preset --batch $batch" "$(tail -3 "$work/bench-$preset-$batch.log" | tr '\n' ' ')"
        fi
    done
done
note ""
note "## Training step, Small, batch 8, 128² (goal: ≥ 50× the 2-core CPU's, docs/performance.md)"
if timed bench-train.log "${cli[@]}" bench --preset small --batch 8 --size 128 --device "$device" --train --iterations 10 --warmup 2; then
    note "- $device: $(grep -oE 'train step: median [0-9.]+ ms, min [0-9.]+ ms' "$work/bench-train.log")"
else
    fail "bench --train" "$(tail -3 "$work/bench-train.log" | tr '\n' ' ')"
fi

note ""
note "## Restore of a 512² scan (fm-small-restore)"
"${cli[@]}" synth --count 1 --size 512 --seed 3 -o "$work/scan" >/dev/null 2>&1
for d in "$device" cpu; do
    if timed "restore-$d.log" "${cli[@]}" restore "$work/scan/surface_00000.npy" -o "$work/out-$d" --model fm-small-restore --pixel-size 0.195nm --threads "$threads" --device "$d" --force; then
        note "- $d: ${elapsed} s wall-clock (process start, kernel compilation and file I/O included)"
    else
        fail "restore --device $d" "$(tail -3 "$work/restore-$d.log" | tr '\n' ' ')"
    fi
done

note ""
note "## 50 training steps (Small, fm, batch 8, 128² crops, no validation or checkpoints)"
if timed train.log "${cli[@]}" train --task restore --method fm --preset small --steps 50 --batch 8 --crop 128 --threads "$threads" \
        --device "$device" --validate-every 0 --checkpoint-every 0 -o "$work/train.stmw"; then
    note "- $device: ${elapsed} s wall-clock for 50 steps (pair synthesis on $threads CPU threads included)"
    while read -r l; do note "  - $l"; done < <(grep -iE 'loss' "$work/train.log" | tail -2)
else
    fail "train" "$(tail -3 "$work/train.log" | tr '\n' ' ')"
fi

printf '%s\n' "${lines[@]}" >"$report"
echo
echo "report written to $report"
exit "$failed"
