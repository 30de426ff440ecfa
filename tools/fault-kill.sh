#!/usr/bin/env bash
# kill -9 of `watch`, `restore` and `train` at seeded random points, then a restart (issue 14, item 3).
#
#   tools/fault-kill.sh [CLI_DIR]     (default: the Release build of src/StmKernel.Cli)
#   FAULT_ROUNDS=5 FAULT_SEED=1       rounds per command; the seed picks the kill delays
#
# A SIGKILL cannot be caught, so this checks the on-disk protocol rather than a handler: every output is written
# to a temporary sibling and renamed into place, and watch records a scan only after its outputs are there.
# After each kill, every file under a final output name must be byte-identical to an uninterrupted reference run
# (a partial or torn file would differ); the restart must then finish the job: restore --force reproduces the
# reference, watch restores exactly the scans its state did not yet hold (each recorded once), and train resumes
# from the checkpoint the kill left (when it had written one: the kill may land before the first). Temporary
# siblings a kill leaves (NAME.tmp-PID-XXXXXXXX) are counted; they never carry a final name, and the restart must
# remove them (they are aged past SafeWrite.StaleAfter first, as a restart minutes later would find them).
# Exit 1 on the first violation, naming the file and what was wrong.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/src/StmKernel.Cli/bin/Release/net10.0}
rounds=${FAULT_ROUNDS:-5}
RANDOM=${FAULT_SEED:-1} # bash's generator: the same seed gives the same kill delays
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=(dotnet "$bin/stmkernel.dll")
fail() { echo "fault-kill: FAIL: $*" >&2; exit 1; }
# A delay in [lo, hi) seconds, in milliseconds' steps, from the seeded generator.
delay() { awk -v lo="$1" -v hi="$2" -v r=$RANDOM 'BEGIN { printf "%.3f", lo + (hi - lo) * r / 32768 }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# Starts "$@" in the background with output to $work/last.log, kills it with SIGKILL after $1 seconds.
kill_after() {
  local wait=$1; shift
  "$@" >"$work/last.log" 2>&1 &
  local pid=$!
  sleep "$wait"
  kill -9 "$pid" 2>/dev/null || true # it may have finished already: then the round checks a complete run
  wait "$pid" 2>/dev/null || true
}
temps=0
# Every file in $1 (recursively) with a final name must equal its twin in the reference folder $2.
check_visible() {
  local out=$1 ref=$2 f rel
  [ -d "$out" ] || return 0
  while IFS= read -r -d '' f; do
    rel=${f#"$out"/}
    case "$rel" in
      *.tmp-*) temps=$((temps + 1)); continue ;;
      watch-state.jsonl | watch.log | failed.txt) continue ;;
    esac
    [ -f "$ref/$rel" ] || fail "$f: unexpected file after the kill"
    cmp -s "$f" "$ref/$rel" || fail "$f: differs from the uninterrupted run's output: a partial or corrupt file is visible"
  done < <(find "$out" -type f -print0)
}
# Temporary siblings the kill left in $1, dated back past SafeWrite.StaleAfter (2 min): their writer is dead.
age_temps() { find "$1" -name '*.tmp-*' -exec touch -d '-5 minutes' {} + 2>/dev/null || true; }
# The restart must have removed every temporary sibling in $1.
check_no_temps() {
  local left
  left=$(find "$1" -name '*.tmp-*' | head -3)
  [ -z "$left" ] || fail "temporary file(s) left by the kill survived the restart: $left"
}
# Every final output of the reference folder $2 must be in $1, byte for byte.
check_complete() {
  local out=$1 ref=$2 f rel
  while IFS= read -r -d '' f; do
    rel=${f#"$ref"/}
    case "$rel" in watch-state.jsonl | watch.log | failed.txt) continue ;; esac
    cmp -s "$f" "$out/$rel" || fail "$out/$rel: missing or different after the restart"
  done < <(find "$ref" -type f -print0)
}

"${cli[@]}" convert-weights "$repo/tests/fixtures/unet/d-f16/model.safetensors" "$work/tiny.stmw" --sampler fm --task restore >/dev/null
"${cli[@]}" synth --count 8 --size 96 --seed 5 -o "$work/scans" >/dev/null 2>&1
rm "$work/scans/manifest.json"
opts=(--model "$work/tiny.stmw" --pixel-size 0.195nm --steps 1 --threads 1)

# Uninterrupted references; their durations scale the kill delays so kills land all through a run.
t=$(now); "${cli[@]}" restore "$work/scans" -o "$work/ref-restore" "${opts[@]}" >/dev/null 2>&1; t_restore=$(elapsed "$t")
"${cli[@]}" info "$work/ref-restore/surface_00000.restored.gwy" >/dev/null || fail "the reference output does not parse"
# The .gwy records its source path, so every watch round watches a fresh copy under one path.
cp -r "$work/scans" "$work/watch-in"
t=$(now); "${cli[@]}" watch "$work/watch-in" -o "$work/ref-watch" "${opts[@]}" --settle 0.2 --rescan 0.5 --once >/dev/null 2>&1; t_watch=$(elapsed "$t")
echo "fault-kill: references: restore ${t_restore} s, watch ${t_watch} s for 8 scans of 96²; ${rounds} round(s) per command"

for ((r = 1; r <= rounds; r++)); do
  out="$work/restore-$r"
  d=$(delay 0.3 "$t_restore")
  kill_after "$d" "${cli[@]}" restore "$work/scans" -o "$out" "${opts[@]}"
  check_visible "$out" "$work/ref-restore"
  age_temps "$out"
  seen=$(find "$out" -name '*.restored.gwy' 2>/dev/null | wc -l)
  "${cli[@]}" restore "$work/scans" -o "$out" "${opts[@]}" --force >"$work/last.log" 2>&1 || { cat "$work/last.log"; fail "restore restart exited non-zero"; }
  check_complete "$out" "$work/ref-restore"
  check_no_temps "$out"
  echo "restore round $r: killed after $d s with $seen of 8 outputs complete; restart reproduced all 8"
done

for ((r = 1; r <= rounds; r++)); do
  in="$work/watch-in" out="$work/watch-$r"
  rm -rf "$in"; cp -r "$work/scans" "$in"
  d=$(delay 0.3 "$t_watch")
  kill_after "$d" "${cli[@]}" watch "$in" -o "$out" "${opts[@]}" --settle 0.2 --rescan 0.5
  check_visible "$out" "$work/ref-watch"
  age_temps "$out"
  state="$out/watch-state.jsonl"
  # Newline-terminated lines only: a line torn by the kill is cut off on the next open, and its scan restored again.
  recorded=$( [ -f "$state" ] && tr -cd '\n' <"$state" | wc -c || echo 0)
  log_before=$( [ -f "$out/watch.log" ] && stat -c %s "$out/watch.log" || echo 0)
  "${cli[@]}" watch "$in" -o "$out" "${opts[@]}" --settle 0.2 --rescan 0.5 --once >"$work/last.log" 2>&1 || { cat "$work/last.log"; fail "watch restart exited non-zero"; }
  check_complete "$out" "$work/ref-watch"
  check_no_temps "$out"
  dupes=$(grep -o '"path":"[^"]*"' "$state" | sort | uniq -d)
  [ -z "$dupes" ] || fail "$state: scans recorded more than once: $dupes"
  [ "$(grep -c '"status":"done"' "$state")" -eq 8 ] || fail "$state: expected 8 scans done, got: $(cat "$state")"
  again=$(tail -c +$((log_before + 1)) "$out/watch.log" | grep -c ' restored ' || true)
  [ "$again" -eq $((8 - recorded)) ] || fail "$out/watch.log: the restart restored $again scan(s), but $((8 - recorded)) were not yet recorded"
  echo "watch round $r: killed after $d s with $recorded of 8 recorded; restart restored the other $again, each once"
done

train=(--task restore --method fm --preset small --crop 16 --batch 1 --threads 1 --validate-every 0 --f32 --seed 2)
resumed=0
for ((r = 1; r <= rounds; r++)); do
  dir="$work/train-$r"; mkdir "$dir"
  # A checkpoint every step (56 MB for the small preset), so kills often land inside a checkpoint write.
  d=$(delay 1.5 6)
  kill_after "$d" "${cli[@]}" train "${train[@]}" --steps 1000 --checkpoint-every 1 -o "$dir/run.stmw"
  for f in "$dir"/*; do
    case "$f" in *.tmp-*) temps=$((temps + 1)) ;; "$dir/run.stmckpt") ;; *) fail "$f: unexpected file after killing train" ;; esac
  done
  age_temps "$dir"
  if [ ! -f "$dir/run.stmckpt" ]; then
    echo "train round $r: killed after $d s, before the first checkpoint"
    continue
  fi
  # The checkpoint the kill left must load (export reads all of it) and training must go on from its step.
  "${cli[@]}" train "${train[@]}" --steps 1000 --resume "$dir/run.stmckpt" --export -o "$dir/export.stmw" >"$work/last.log" 2>&1 ||
    { cat "$work/last.log"; fail "$dir/run.stmckpt: the checkpoint left by the kill does not load"; }
  step=$(sed -nE 's/^step ([0-9]+)\/.*/\1/p' "$work/last.log")
  [ -n "$step" ] || fail "export printed no step: $(cat "$work/last.log")"
  "${cli[@]}" train "${train[@]}" --steps $((step + 2)) --checkpoint-every 0 --resume "$dir/run.stmckpt" -o "$dir/resumed.stmw" >"$work/last.log" 2>&1 ||
    { cat "$work/last.log"; fail "train --resume $dir/run.stmckpt exited non-zero"; }
  grep -q "^step $((step + 2))/$((step + 2)): wrote" "$work/last.log" || fail "the resumed run did not reach step $((step + 2)): $(tail -1 "$work/last.log")"
  check_no_temps "$dir"
  resumed=$((resumed + 1))
  echo "train round $r: killed after $d s at checkpoint step $step; it loads and training went on to step $((step + 2))"
done
[ "$resumed" -gt 0 ] || fail "no train round left a checkpoint to resume: raise the delays"

echo "fault-kill: ok: $rounds round(s) each of restore, watch and train; $temps temporary sibling(s) left by kills, none under a final name, all removed by the restarts"
