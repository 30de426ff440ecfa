#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with afl++ and SharpFuzz 2.3.0 (docs/formats.md, "Fuzzing").
#
#   tools/fuzz.sh FORMAT MINUTES      FORMAT: sxm createc matrix matrix-param gwy npy tiff png safetensors stmw checkpoint
#
# Builds fuzz/StmKernel.Fuzz, instruments copies of StmKernel.Imaging/UNet/Train with sharpfuzz, seeds afl
# with tests/fuzz-corpus/FORMAT plus seeds cut from ../shared/data/real and our writers, runs afl-fuzz on one
# core for MINUTES, then prints executions, corpus size, edges, crashes and hangs from fuzzer_stats. The queue
# is minimised with afl-cmin and written back to tests/fuzz-corpus/FORMAT as q00… (files <= 64 KiB, at most 30,
# the smallest first); crashing and hanging inputs are copied there too as crash-DATE-N/hang-DATE-N, so the
# corpus regression test (FuzzCorpusTests) fails on them until the parser is fixed.
# Needs: afl++ (apt-get install -y afl++), the .NET SDK. Env: FUZZ_WORK (default fuzz/.work; afl-cmin refuses to run under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
formats="sxm createc matrix matrix-param gwy npy tiff png safetensors stmw checkpoint"
[ $# -eq 2 ] && [[ " $formats " == *" $1 "* ]] && [[ $2 =~ ^[0-9]+$ ]] || { echo "usage: $0 FORMAT MINUTES (FORMAT: $formats)" >&2; exit 2; }
format=$1 minutes=$2
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=${FUZZ_WORK:-$root/fuzz/.work}/$format
corpus=$root/tests/fuzz-corpus
tools=${FUZZ_WORK:-$root/fuzz/.work}/tools
rm -rf "$work" && mkdir -p "$work"/{bin,seeds,tmp}
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

# An incremental build into the project's own bin/, then instrumented copies: the build output stays clean.
dotnet build fuzz/StmKernel.Fuzz -c Release -nologo -v quiet >/dev/null
cp -r fuzz/StmKernel.Fuzz/bin/Release/net10.0/. "$work/bin/"
for dll in StmKernel.Imaging StmKernel.UNet StmKernel.Train; do "$tools/sharpfuzz" "$work/bin/$dll.dll" >/dev/null; done
# The instrumented copies only run under afl (their probes write to afl's shared memory); seeding and
# replaying use the clean build.
harness=("$(command -v dotnet)" "$work/bin/StmKernel.Fuzz.dll") # afl-cmin wants the binary's full path
plain=(dotnet "$root/fuzz/StmKernel.Fuzz/bin/Release/net10.0/StmKernel.Fuzz.dll")

# Seeds: the kept corpus (not its crash-*/hang-* files, which afl would refuse) and fresh cuts of the real files.
find "$corpus/$format" -maxdepth 1 -type f ! -name 'crash-*' ! -name 'hang-*' -exec cp {} "$work/seeds/" \; 2>/dev/null || true
real=$root/../shared/data/real
if [ -d "$real" ]; then "${plain[@]}" seeds "$format" "$real" "$root" "$work/seeds" >/dev/null
else echo "note: $real not found; seeding from tests/fuzz-corpus/$format only"; fi
[ -n "$(ls -A "$work/seeds")" ] || { echo "no seeds for $format" >&2; exit 1; }

# afl++ options: the dotnet binary carries no afl instrumentation of its own (SharpFuzz's is in the copies),
# no UI on a pipe, no CPU binding (other jobs share the machine). A 1 GiB GC heap limit turns a runaway
# allocation into an OutOfMemoryException, i.e. a crash; the harness itself flags > 2 s or > 48 x the input.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export DOTNET_GCHeapHardLimit=0x40000000 TMPDIR="$work/tmp"
nice -n 10 afl-fuzz -V $((minutes * 60)) -t 5000 -m none -i "$work/seeds" -o "$work/out" -- \
    "${harness[@]}" afl "$format" "$corpus" > "$work/afl.log" 2>&1 || { tail -30 "$work/afl.log"; exit 1; }

stats=$work/out/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
echo "$format: $(stat execs_done) execs in $(stat run_time) s, corpus $(stat corpus_count), edges $(stat edges_found) of $(stat total_edges) ($(stat bitmap_cvg)), crashes $(stat saved_crashes), hangs $(stat saved_hangs)"

# The kept corpus: afl-cmin's coverage-minimal subset of the queue, small files first.
nice -n 10 afl-cmin -t 5000 -m none -i "$work/out/default/queue" -o "$work/min" -- "${harness[@]}" afl "$format" "$corpus" > "$work/cmin.log" 2>&1 \
    || { echo "afl-cmin failed (see $work/cmin.log); keeping the whole queue"; cp -r "$work/out/default/queue" "$work/min"; }
# Only the q* files are replaced: crash-*/hang-* files from earlier runs are regression tests (rename them to say
# what they found once the parser is fixed).
mkdir -p "$corpus/$format" && find "$corpus/$format" -maxdepth 1 -type f -name 'q*' -delete
n=0
while read -r size file; do
    [ "$size" -le 65536 ] && [ $n -lt 30 ] || continue
    cp "$file" "$corpus/$format/$(printf 'q%02d' $n)" && n=$((n + 1))
done < <(find "$work/min" -maxdepth 1 -type f -printf '%s %p\n' | sort -n)
for kind in crash hang; do
    i=0
    for f in "$work/out/default/${kind}s"/id:* "$work/out/default/${kind}es"/id:*; do
        [ -e "$f" ] || continue
        cp "$f" "$corpus/$format/$kind-$(date +%Y%m%d)-$i" && i=$((i + 1))
        "${plain[@]}" replay "$format" "$corpus" "$f" | head -5 || true
    done
done
echo "$format: kept $n corpus files in tests/fuzz-corpus/$format"
