#!/usr/bin/env bash
# Realism of the procedural Si(001):H surfaces against the real train scans (docs/synthesis.md,
# "Realism against real scans"): prints the before/now table and writes docs/synthesis-realism.svg.
# Usage: [PER_IMAGE=4] tools/compare-realism.sh [DATA_DIR] [extra `stmkernel realism` options, e.g. --threads 2]
# Four surfaces per scan: with two, the spectrum distance moves by ~0.05 from seed to seed.
# Only the train split is compared: the test split must never tune the generator.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data/real-si001}"
shift || true
cd "$root"
dotnet build src/StmKernel.Cli -c Release -v quiet -nologo > /dev/null
dotnet src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll realism --data "$data" --splits data/real-si001/splits.csv \
    --split train --per-image "${PER_IMAGE:-4}" --seed 0 --svg docs/synthesis-realism.svg "$@"
