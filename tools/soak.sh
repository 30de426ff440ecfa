#!/usr/bin/env bash
# Soak (issue 14, item 3): 1,000 tiles back to back in one `stmkernel restore` process — SOAK_TILES scans of
# 32² (one tile each) with a 160 k-parameter model — sampling the process's VmRSS (/proc/PID/status) and its
# open descriptors (/proc/PID/fd) every SOAK_SAMPLE_S seconds.
#
#   tools/soak.sh [CLI_DIR]     (default: the Release build of src/StmKernel.Cli)
#   SOAK_TILES=1000 SOAK_SAMPLE_S=0.1 SOAK_RSS_MB=5
#
# One file per tile, so every tile also opens an input and writes two outputs: a handle or buffer kept per file
# shows as growth. Warm-up is the first 20 % of the tiles (JIT, thread pool, allocator and GC heap sizing); the
# baseline is the median RSS while tiles 20–30 % are restored, the end the median over the last 10 % (before the last output, after which the process tears down), so one GC
# cycle's sawtooth does not decide the verdict. Descriptors: the fewest open in each window (the count between
# files, not one caught while a file is open) must not grow. Prints the figures; exit 1 when a bound fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/src/StmKernel.Cli/bin/Release/net10.0}
tiles=${SOAK_TILES:-1000}
period=${SOAK_SAMPLE_S:-0.1}
bound_mb=${SOAK_RSS_MB:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=(dotnet "$bin/stmkernel.dll")

"${cli[@]}" convert-weights "$repo/tests/fixtures/unet/d-f16/model.safetensors" "$work/tiny.stmw" --sampler fm --task restore >/dev/null
"${cli[@]}" synth --count "$tiles" --size 32 --seed 9 -o "$work/scans" >/dev/null 2>&1
rm "$work/scans/manifest.json"

start=$(date +%s.%N)
"${cli[@]}" restore "$work/scans" -o "$work/out" --model "$work/tiny.stmw" --pixel-size 0.195nm --steps 1 --threads 1 >"$work/restore.log" 2>&1 &
pid=$!
# One line per sample: outputs written so far (= tiles done), VmRSS in kB, open descriptors. Builtins only, so
# sampling does not load the machine it measures.
while kill -0 "$pid" 2>/dev/null; do
  rss=
  { while read -r key value _; do if [ "$key" = VmRSS: ]; then rss=$value; fi; done <"/proc/$pid/status"; } 2>/dev/null || break
  fds=(/proc/"$pid"/fd/*)
  done_=(/dev/null "$work"/out/*.gwy)
  [ -n "$rss" ] && echo "$((${#done_[@]} - 1)) $rss ${#fds[@]}"
  sleep "$period"
done >"$work/samples"
wait "$pid" || { tail -5 "$work/restore.log"; echo "soak: FAIL: restore exited non-zero" >&2; exit 1; }
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
written=$(find "$work/out" -name '*.restored.gwy' | wc -l)
[ "$written" -eq "$tiles" ] || { echo "soak: FAIL: $written of $tiles outputs written" >&2; exit 1; }

awk -v n="$tiles" -v bound="$bound_mb" -v wall="$wall" '
  function median(a, k,   i, j, t) { for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  $1 >= 0.2 * n && $1 < 0.3 * n { b[++nb] = $2; if (!bf || $3 < bf) bf = $3 }
  $1 >= 0.9 * n && $1 < n { e[++ne] = $2; if (!ef || $3 < ef) ef = $3 }
  $1 >= 0.2 * n && $2 > peak { peak = $2 }
  END {
    if (nb < 3 || ne < 3) { printf "soak: FAIL: too few samples (%d in the baseline window, %d at the end): lower SOAK_SAMPLE_S\n", nb, ne; exit 1 }
    base = median(b, nb) / 1024; end = median(e, ne) / 1024; grow = end - base
    printf "soak: %d tiles in %s s; RSS after warm-up %.1f MB, at the end %.1f MB (growth %+.1f MB, bound %d MB), peak %.1f MB; open descriptors %d after warm-up, %d at the end\n", n, wall, base, end, grow, bound, peak / 1024, bf, ef
    bad = 0
    if (grow > bound) { print "soak: FAIL: RSS grew more than the bound"; bad = 1 }
    if (ef > bf) { print "soak: FAIL: open descriptors grew"; bad = 1 }
    exit bad
  }' "$work/samples"
