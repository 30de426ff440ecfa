#!/usr/bin/env bash
# Times our U-Net forward against PyTorch 1.13 running tools/reference/unet_ref.py on the same
# machine, ALTERNATING the two for several rounds so that background load hits both alike, and
# prints the median of the per-round medians of each and the ratio ours/PyTorch (≤ 1 is the bar).
#
# PyTorch runs twice per round: with libgomp's default wait policy (threads spin at the end of
# every parallel region) and with OMP_WAIT_POLICY=PASSIVE. On a quiet machine the two are close;
# on a shared, oversubscribed one the spinning costs PyTorch up to ~10x. The ratio is taken
# against the FASTER of the two, so PyTorch is always given its best showing.
#
#   bench/compare-torch.sh [--preset small|large] [--size 128] [--batch 1] [--threads 2]
#                          [--iterations 5] [--warmup 3] [--rounds 3]
#
# Needs the .NET 10 SDK and Debian's python3-torch (/usr/bin/python3). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=small size=128 batch=1 threads=2 iterations=5 warmup=3 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset=$2 ;;
    --size) size=$2 ;;
    --batch) batch=$2 ;;
    --threads) threads=$2 ;;
    --iterations) iterations=$2 ;;
    --warmup) warmup=$2 ;;
    --rounds) rounds=$2 ;;
    *) echo "compare-torch.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift 2
done

python=/usr/bin/python3
dll=src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll
"$python" -c 'import torch' 2>/dev/null || { echo "compare-torch.sh: $python cannot import torch (apt-get install python3-torch)" >&2; exit 1; }

echo "building the CLI (Release) ..."
dotnet build src/StmKernel.Cli -c Release -nologo -v quiet >/dev/null

common=(--preset "$preset" --size "$size" --batch "$batch" --threads "$threads" --iterations "$iterations" --warmup "$warmup")

# Runs one benchmark command and prints the number from its closing `median_ms=` line.
median_of_run() {
  local out
  out=$("$@") || { echo "compare-torch.sh: '$*' failed" >&2; exit 1; }
  local last=${out##*$'\n'}
  [[ $last == median_ms=* ]] || { echo "compare-torch.sh: '$*' did not end with median_ms=: $last" >&2; exit 1; }
  echo "${last#median_ms=}"
}

# Median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ours=() spin=() passive=()
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  o=$(median_of_run dotnet "$dll" bench "${common[@]}")
  s=$(median_of_run env -u OMP_WAIT_POLICY "$python" bench/torch_forward.py "${common[@]}")
  p=$(median_of_run env OMP_WAIT_POLICY=PASSIVE "$python" bench/torch_forward.py "${common[@]}")
  ours+=("$o") spin+=("$s") passive+=("$p")
  echo "round $r: ours ${o} ms, pytorch ${s} ms (default OpenMP wait), ${p} ms (OMP_WAIT_POLICY=PASSIVE)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

mo=$(median "${ours[@]}") ms=$(median "${spin[@]}") mp=$(median "${passive[@]}")
best=$(printf '%s\n' "$ms" "$mp" | sort -g | head -1)
echo "preset=$preset size=$size batch=$batch threads=$threads rounds=$rounds iterations=$iterations warmup=$warmup"
echo "ours_median_ms=$mo"
echo "torch_default_median_ms=$ms"
echo "torch_passive_median_ms=$mp"
echo "torch_median_ms=$best"
awk -v o="$mo" -v p="$best" 'BEGIN {printf "ratio_ours_over_torch=%.3f\n", o / p}'
