#!/usr/bin/env bash
# The NativeAOT folder (tools/publish-aot.sh) against the JIT build on this CPU, issue 12's targets: the dispatched
# AOT binary ≥ 0.9× the JIT's speed, and the Vector128 path (the v2 build, STMKERNEL_DISPATCH=off; the JIT under
# DOTNET_EnableAVX2=0) within 3× of the AVX2 time. Interleaved rounds (A, B, C, D, A, B, ...), each `bench
# --iterations ITER` reporting its in-process median; the script prints every round and the medians of the
# per-round ratios. Nothing else should run meanwhile (docs/performance.md: this VM's speed swings ±40 %).
#
#   [ROUNDS=5] [ITER=10] [THREADS=1] [PRESET=small] bench/compare-aot.sh AOT_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 AOT_DIR (from tools/publish-aot.sh)" >&2; exit 2; }
aot=$1/stmkernel rounds=${ROUNDS:-5} iter=${ITER:-10} threads=${THREADS:-1} preset=${PRESET:-small}
repo=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$repo/src/StmKernel.Cli" -c Release -nologo -v quiet >/dev/null
jit=("dotnet" "$repo/src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll")
args=(bench --preset "$preset" --iterations "$iter" --threads "$threads")
ms() { "$@" "${args[@]}" | sed -n 's/^median_ms=//p'; }
declare -a a b c d
for r in $(seq 1 "$rounds"); do
  a[r]=$(ms "$aot")
  b[r]=$(ms "${jit[@]}")
  c[r]=$(STMKERNEL_DISPATCH=off ms "$aot")
  d[r]=$(DOTNET_EnableAVX2=0 ms "${jit[@]}")
  echo "round $r: aot ${a[r]} ms  jit ${b[r]} ms  aot-v2 ${c[r]} ms  jit-vector128 ${d[r]} ms"
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { for r in $(seq 1 "$rounds"); do eval "echo \"\${$1[r]} / \${$2[r]}\"" | bc -l; done | median; }
echo "build: $("$aot" "${args[@]}" | grep -o 'simd=[^ ]* [^ ]*  build=[^(]*')"
printf 'median per-round ratios: jit/aot (speed of the AOT binary relative to the JIT) %.3f; aot-v2/aot %.2f; jit-vector128/jit %.2f\n' \
  "$(ratio b a)" "$(ratio c a)" "$(ratio d b)"
