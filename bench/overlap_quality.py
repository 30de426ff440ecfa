"""Tile overlap, quality against forwards (issue 13, item 3): `stmkernel restore --overlap O` on large test images.

The tiled restorer spreads n = ceil((L - O) / (T - O)) tiles of T = 128 evenly over an axis of L pixels, so --overlap
is a minimum: on 512 px, O = 0 gives 4 tiles per axis (hard seams), 1-32 give 5 (32 px blended), 33-48 give 6 (~51 px),
49-64 give 7 (~64 px). Each O here restores every image of a `stmkernel degrade` set (clean.npy / degraded.npy, in
[-1, 1]) through the CLI exactly as a user would (line-flatten conditioning, pixel size from the set's splits file),
and scores the output against clean.npy (data range 2, as `stmkernel eval`; SSIM is scikit-image's Gaussian one).
The forward count comes from the CLI's --timings line.

    /usr/bin/python3 bench/overlap_quality.py --set DIR --splits CSV --model M [--model M2] [--overlap 0,32,48,64]
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from skimage.metrics import structural_similarity

CLI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "StmKernel.Cli", "bin", "Release", "net10.0",
                   "stmkernel.dll")


def pixel_sizes(splits: str) -> dict:
    with open(splits) as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {os.path.basename(r["file"]): float(r["nm_per_px"]) for r in rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", required=True)
    p.add_argument("--splits", required=True, help="file,split,nm_per_px of the set's source files")
    p.add_argument("--model", action="append", required=True)
    p.add_argument("--overlap", default="0,32,48,64")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()

    clean = np.load(os.path.join(a.set, "clean.npy"))
    degraded = np.load(os.path.join(a.set, "degraded.npy"))
    manifest = json.load(open(os.path.join(a.set, "manifest.json")))
    nm = pixel_sizes(a.splits)
    print("| model | overlap | tiles per 512² | forwards per image | PSNR dB | SSIM |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for i, sample in enumerate(manifest["samples"]):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, degraded[i, 0])
            inputs.append((path, nm[sample["source"]]))
        for model in a.model:
            for overlap in (int(o) for o in a.overlap.split(",")):
                psnrs, ssims, forwards = [], [], []
                for i, (path, px) in enumerate(inputs):
                    out = os.path.join(tmp, f"out{i}.npy")
                    run = subprocess.run(["dotnet", CLI, "restore", path, "-o", out, "--model", model, "--overlap", str(overlap),
                                          "--pixel-size", f"{px}nm", "--threads", str(a.threads), "--timings", "--force"],
                                         capture_output=True, text=True)
                    if run.returncode != 0:
                        sys.exit(f"restore of image {i} failed ({run.returncode}): {run.stderr.strip()}")
                    m = re.search(r"\((\d+) forwards", run.stdout + run.stderr)
                    forwards.append(int(m.group(1)) if m else -1)
                    restored = np.load(out).astype(np.float64)
                    psnrs.append(10 * np.log10(4 / np.mean((restored - clean[i, 0]) ** 2)))
                    ssims.append(structural_similarity(clean[i, 0].astype(np.float64), restored, data_range=2,
                                                       gaussian_weights=True, sigma=1.5, use_sample_covariance=False))
                tiles = int(np.ceil((512 - overlap) / (128 - overlap))) ** 2 if overlap < 128 else -1
                print(f"| {os.path.basename(model)} | {overlap} | {tiles} | {int(np.median(forwards))} | {np.mean(psnrs):.2f} "
                      f"| {np.mean(ssims):.4f} |", flush=True)


if __name__ == "__main__":
    main()
