#!/usr/bin/env bash
# Before/after figures of real degraded Si(001):H scans (docs/models.md, "Real degraded scans"): restores
# six frames of ../shared/data/real-si001/degraded/ (tip changes, a double tip, streaks, a blunt tip; none
# is ever trained on) with --check and copies each NAME.check.png (input | restored | invented map) to
# docs/figures/real-degraded/. The frames carry no physical size; their sessions' good-tip frames show rows
# 31 px apart (0.025 nm/px, data/real-si001/splits.csv), so that is the pixel size given.
#
#   [MODEL=fm-small-restore] tools/figure-real-degraded.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
model=${MODEL:-fm-small-restore}
frames=(Nov04-092311_STM-STM_Spectroscopy--23_28 Sep24-070332_STM-STM_Spectroscopy--11_33 Oct29-085408_STM-STM_Spectroscopy--21_13
        Sep22-093111_STM-STM_Spectroscopy--16_21 Nov02-082018_STM-STM_Spectroscopy--10_2 Sep24-070332_STM-STM_Spectroscopy--10_48)
dotnet build "$repo/src/StmKernel.Cli" -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
inputs=(); for f in "${frames[@]}"; do inputs+=("$repo/../shared/data/real-si001/degraded/default_2015$f.npy"); done
dotnet "$repo/src/StmKernel.Cli/bin/Release/net10.0/stmkernel.dll" restore "${inputs[@]}" -o "$work" --model "$model" \
  --pixel-size 0.025nm --check --seed 0 --threads "${THREADS:-2}" | grep -E "invented map|lattice"
mkdir -p "$repo/docs/figures/real-degraded"
for f in "${frames[@]}"; do cp "$work/default_2015$f.restored.check.png" "$repo/docs/figures/real-degraded/${f#*--}.png"; done
echo "wrote $repo/docs/figures/real-degraded/*.png"
