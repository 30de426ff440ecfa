#!/usr/bin/env bash
# Times our U-Net forward (or, with --train, one training step: bench/torch_train.py) against
# PyTorch 1.13 running tools/reference/unet_ref.py on the same
# machine, ALTERNATING the two for several rounds so that background load hits both alike, and
# prints the median of the per-round medians of each and the ratio ours/PyTorch (≤ 1 is the bar).
#
# PyTorch runs twice per round: with libgomp's default wait policy (threads spin at the end of
# every parallel region) and with OMP_WAIT_POLICY=PASSIVE. On a quiet machine the two are close;
# on a shared, oversubscribed one the spinning costs PyTorch up to ~10x. The ratio is taken
# against the FASTER of the two, so PyTorch is always given its best showing. The ratio of the
# fastest single forwards (mins) is printed too: on a loaded machine it is the steadier figure.
#
#   bench/compare-torch.sh [--preset small|large] [--size 128] [--batch 1] [--threads 2]
#                          [--iterations 5] [--warmup 3] [--rounds 3] [--train]
#
# Needs the .NET 10 SDK and Debian's python3-torch (/usr/bin/python3). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=small size=128 batch=1 threads=2 iterations=5 warmup=3 rounds=3 train=
while [ $# -gt 0 ]; do
  case "$1" in
    --train) train=1; shift; continue ;;
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

mode=forward torch_script=bench/torch_forward.py ours_mode=()
[ -n "$train" ] && mode="train step" torch_script=bench/torch_train.py ours_mode=(--train)
common=(--preset "$preset" --size "$size" --batch "$batch" --threads "$threads" --iterations "$iterations" --warmup "$warmup")

# Runs one benchmark command and prints "MEDIAN MIN": the number of its closing `median_ms=` line
# and the min from its "forward: median X ms, min Y ms" line (same wording on both sides).
times_of_run() {
  local out
  out=$("$@") || { echo "compare-torch.sh: '$*' failed" >&2; exit 1; }
  local last=${out##*$'\n'}
  [[ $last == median_ms=* ]] || { echo "compare-torch.sh: '$*' did not end with median_ms=: $last" >&2; exit 1; }
  local min
  min=$(grep -oE 'min [0-9.]+ ms' <<<"$out" | tail -1 | cut -d' ' -f2)
  [ -n "$min" ] || { echo "compare-torch.sh: '$*' printed no 'min X ms'" >&2; exit 1; }
  echo "${last#median_ms=} $min"
}

# Median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Per round and side: the run's median and min; summaries are medians over rounds.
om=() on=() sm=() sn=() pm=() pn=() paired=()
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  read -r a b < <(times_of_run dotnet "$dll" bench "${ours_mode[@]}" "${common[@]}"); om+=("$a") on+=("$b")
  read -r c d < <(times_of_run env -u OMP_WAIT_POLICY "$python" "$torch_script" "${common[@]}"); sm+=("$c") sn+=("$d")
  read -r e f < <(times_of_run env OMP_WAIT_POLICY=PASSIVE "$python" "$torch_script" "${common[@]}"); pm+=("$e") pn+=("$f")
  # Paired ratio: this round's runs were back to back, so slow drifts in load mostly cancel.
  q=$(awk -v o="$a" -v s="$c" -v p="$e" 'BEGIN {printf "%.3f", o / (s < p ? s : p)}'); paired+=("$q")
  echo "round $r (median/min ms): ours $a/$b, pytorch $c/$d (default OpenMP wait), $e/$f (OMP_WAIT_POLICY=PASSIVE); ratio $q"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

mo=$(median "${om[@]}") ms=$(median "${sm[@]}") mp=$(median "${pm[@]}")
best=$(printf '%s\n' "$ms" "$mp" | sort -g | head -1)
# Mins are the load-robust figure on a shared machine: the fastest forward each side managed.
no=$(printf '%s\n' "${on[@]}" | sort -g | head -1)
nt=$(printf '%s\n' "${sn[@]}" "${pn[@]}" | sort -g | head -1)
echo "mode=$mode preset=$preset size=$size batch=$batch threads=$threads rounds=$rounds iterations=$iterations warmup=$warmup"
echo "ours: median ${mo} ms, min ${no} ms"
echo "pytorch: median ${ms} ms (default wait), ${mp} ms (passive wait), min ${nt} ms"
awk -v o="$no" -v p="$nt" 'BEGIN {printf "ratio of mins ours/pytorch = %.3f\n", o / p}'
echo "median of per-round ratios ours/pytorch = $(median "${paired[@]}")"
echo "ours_median_ms=$mo"
echo "torch_median_ms=$best"
awk -v o="$mo" -v p="$best" 'BEGIN {printf "ratio_ours_over_torch=%.3f\n", o / p}'
