#!/usr/bin/env bash
# Publishes the deployable NativeAOT folder for linux-x64 (README, docs/performance.md "NativeAOT"):
#   OUT/stmkernel             the x86-64-v2 build: runs on every x64 CPU with SSE4.2 (Vector128 kernels)
#   OUT/stmkernel-x86-64-v3   AVX2 + FMA build (Vector256 kernels)
#   OUT/stmkernel-x86-64-v4   AVX-512 build (Vector512 kernels)
#   OUT/weights/              the shipped models
# Run OUT/stmkernel: it execs the fastest sibling this CPU runs (BaselineDispatch), so copying the whole folder gives
# the CPU's speed, and stmkernel alone still works everywhere at the Vector128 speed. NativeAOT fixes the SIMD width
# at compile time, hence one build per width. ~3 min for the first build on 2 cores, ~1 min for each further one.
#
#   tools/publish-aot.sh OUT
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
out=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
[ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || { echo "$0: $out exists and is not empty" >&2; exit 2; }
publish() { dotnet publish "$repo/src/StmKernel.Cli" -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet "$@"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
publish -o "$tmp/v2"
# One after another: the builds share obj/, and ILC reruns for a changed IlcInstructionSet.
for level in 3 4; do publish -p:IlcInstructionSet=x86-64-v$level -o "$tmp/v$level"; done
mkdir -p "$out"
cp -r "$tmp/v2/weights" "$out/"
cp "$tmp/v2/stmkernel" "$out/stmkernel"
for level in 3 4; do cp "$tmp/v$level/stmkernel" "$out/stmkernel-x86-64-v$level"; done
ls -l "$out" | sed 1d
