#!/usr/bin/env bash
# A full disk under restore and watch (issue 14, item 3): a clear error naming the output, no partial or temporary
# file, the input and an earlier output untouched (docs/robustness.md).
#
#   tools/full-disk.sh [CLI_DIR]     (default: the Release build of src/StmKernel.Cli)
#
# Two real write(2) failures, not simulated ones:
#   ENOSPC  a 64 KiB tmpfs as the output folder (needs root and a mount-capable container; skipped otherwise),
#   EROFS   then the same tmpfs remounted read-only (restore only)
#   EFBIG   `ulimit -f 64` with SIGXFSZ ignored: any write past 64 KiB fails, the same path through SafeWrite,
#           and it needs no privilege, so this part always runs
# A restored 128² scan (.gwy with restored and uncertainty channels) is ~270 KB, so every write hits the limit.
# ~20 s on 2 loaded cores. Exit 1 on the first violation, naming the file and what was wrong.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/src/StmKernel.Cli/bin/Release/net10.0}
work=$(mktemp -d)
mnt=$work/full
cleanup() { mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"; rm -rf "$work"; }
trap cleanup EXIT
cli=(dotnet "$bin/stmkernel.dll")
fail() { echo "full-disk: FAIL: $*" >&2; exit 1; }

"${cli[@]}" convert-weights "$repo/tests/fixtures/unet/d-f16/model.safetensors" "$work/tiny.stmw" --sampler fm --task restore >/dev/null
"${cli[@]}" synth --count 1 --size 128 --seed 4 -o "$work/in" >/dev/null 2>&1
rm "$work/in/manifest.json"
scan=$work/in/surface_00000.npy
opts=(--model "$work/tiny.stmw" --pixel-size 0.195nm --steps 1 --threads 1)
input_sum=$(sha256sum "$scan" | cut -d' ' -f1)

# Runs restore into $1 (an earlier output of the same name is there) under the limits the caller set, then checks
# the outcome: exit 1, an error naming the output with $2 (the errno text), only the earlier output in the folder,
# byte-identical, and the input untouched.
check_restore() {
  local out=$1 reason=$2 code=0
  local output=$out/surface_00000.restored.gwy
  [ -e "$output" ] || printf 'an earlier output' >"$output" # the read-only case writes it before the remount
  "${cli[@]}" restore "$scan" -o "$out" "${opts[@]}" --force >"$work/log" 2>&1 || code=$?
  [ "$code" -eq 1 ] || fail "restore into a full $out exited $code, expected 1: $(cat "$work/log")"
  grep -q "cannot write $output: .*$reason" "$work/log" || fail "restore's error does not name $output and '$reason': $(cat "$work/log")"
  [ "$(ls -A "$out")" = "surface_00000.restored.gwy" ] || fail "$out holds more than the earlier output: $(ls -A "$out")"
  [ "$(cat "$output")" = "an earlier output" ] || fail "$output: the earlier output was changed"
  [ "$(sha256sum "$scan" | cut -d' ' -f1)" = "$input_sum" ] || fail "$scan: the input was changed"
  echo "full-disk: restore ($3): exit 1, '$(grep -o "cannot write .*" "$work/log" | head -1)'; no partial or temporary file; input and earlier output untouched"
}

# Watch into a full folder: it stops with the error, does not list the scan as failed, and writes nothing partial.
check_watch() {
  local out=$1 reason=$2 code=0
  "${cli[@]}" watch "$work/in" -o "$out" "${opts[@]}" --settle 0.2 --rescan 0.5 --once >"$work/log" 2>&1 || code=$?
  [ "$code" -ne 0 ] || fail "watch into a full $out exited 0: $(cat "$work/log")"
  grep -q "$reason" "$work/log" || fail "watch's error does not say '$reason': $(cat "$work/log")"
  ! find "$out" -name '*.gwy' -o -name '*.png' -o -name '*.tmp-*' | grep -q . || fail "watch left output files in $out: $(find "$out" -type f)"
  ! grep -qs surface_00000 "$out/failed.txt" || fail "$out/failed.txt lists the scan, which was not its fault"
  [ "$(sha256sum "$scan" | cut -d' ' -f1)" = "$input_sum" ] || fail "$scan: the input was changed"
  echo "full-disk: watch ($3): stopped with '$reason'; no output, the scan not listed as failed; input untouched"
}

mkdir "$mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  check_restore "$mnt" "No space left on device" "ENOSPC, 64 KiB tmpfs"
  rm -f "$mnt"/*
  check_watch "$mnt" "No space left on device" "ENOSPC, 64 KiB tmpfs"
  rm -rf "${mnt:?}"/*
  printf 'an earlier output' >"$mnt/surface_00000.restored.gwy"
  mount -o remount,ro "$mnt"
  check_restore "$mnt" "Read-only file system" "EROFS, read-only tmpfs"
  umount "$mnt"
else
  echo "full-disk: ENOSPC and EROFS parts skipped: mounting a tmpfs needs root in a container that allows mount"
fi

# The file-size limit applies to every file the process writes; the inputs are read only. 64 blocks of 1 KiB.
# W^X off: the runtime's double-mapped code heap lives in a memory file that the limit would stop it creating.
mkdir -p "$work/efbig-restore" "$work/efbig-watch"
export DOTNET_EnableWriteXorExecute=0
(ulimit -f 64; trap '' XFSZ; check_restore "$work/efbig-restore" "larger than the file system" "EFBIG, ulimit -f 64")
(ulimit -f 64; trap '' XFSZ; check_watch "$work/efbig-watch" "larger than the file system" "EFBIG, ulimit -f 64")
echo "full-disk: ok"
