#!/usr/bin/python3
"""Generates the SSIM/PSNR fixtures of tests/StmKernel.Imaging.Tests/Metrics/Fixtures/.

Oracle: Debian's python3-skimage (0.19.3 when generated): structural_similarity with
gaussian_weights=True, sigma=1.5, use_sample_covariance=False (Wang et al. 2004) and
peak_signal_noise_ratio. Images are stored as float32 and promoted to float64 before the
oracle runs, so the C# side sees exactly the same values. Run once; CI never runs Python:
    /usr/bin/python3 tools/reference/ssim_fixtures.py
"""
import json
import os

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "StmKernel.Imaging.Tests", "Metrics", "Fixtures")


def case(rng, name, h, w, kind):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    if kind == "noise":
        a = rng.uniform(0, 1, (h, w))
        b = np.clip(a + rng.normal(0, 0.1, (h, w)), 0, 1)
        data_range = 1.0
    elif kind == "rows":
        # Stripes like dimer rows in [-1, 1]; the test image is shifted, dimmed and noisy.
        a = np.cos(2 * np.pi * x / 3.9) * 0.8 + 0.1 * np.sin(y / 7)
        b = 0.7 * np.cos(2 * np.pi * (x - 0.6) / 3.9) + rng.normal(0, 0.15, (h, w))
        a, b = np.clip(a, -1, 1), np.clip(b, -1, 1)
        data_range = 2.0
    elif kind == "offset":
        # A contrast-scaled, offset copy with a bright spot: luminance and contrast terms matter.
        a = rng.normal(100, 20, (h, w))
        b = 0.5 * a + 30
        b[h // 3 : h // 3 + 4, w // 2 : w // 2 + 5] += 80
        data_range = 255.0
    else:
        raise ValueError(kind)
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ssim = structural_similarity(a64, b64, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=data_range)
    psnr = peak_signal_noise_ratio(a64, b64, data_range=data_range)
    np.save(os.path.join(OUT, f"{name}_a.npy"), a)
    np.save(os.path.join(OUT, f"{name}_b.npy"), b)
    return {"name": name, "data_range": data_range, "ssim": float(ssim), "psnr": float(psnr)}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20251121)
    cases = [
        case(rng, "noise_37x53", 37, 53, "noise"),
        case(rng, "rows_64x48", 64, 48, "rows"),
        case(rng, "offset_11x11", 11, 11, "offset"),
        case(rng, "offset_29x16", 29, 16, "offset"),
    ]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"oracle": "skimage 0.19.3 structural_similarity / peak_signal_noise_ratio", "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
