"""What int8 convolutions would cost a restore in quality (issue 13, item 2): fake quantisation of the FM restore model.

An AVX-VNNI convolution (vpdpbusd) multiplies unsigned 8-bit activations by signed 8-bit weights into int32 sums. This
script simulates exactly that arithmetic in float32 on the PyTorch reference U-Net (tools/reference/unet_ref.py, loaded
strictly from the same .stmw the C# engine loads) and measures what it does to the restore's PSNR/SSIM on test sets
written by `stmkernel degrade` (clean.npy / degraded.npy in [-1, 1], as `stmkernel eval` scores them):

- weights: symmetric int8 per output channel (scale = max|w| / 127), the most accurate static choice;
- activations: asymmetric uint8 per tensor, scale and zero point from each call's own min/max (dynamic), the best
  case for quantised activations (a fixed, calibrated scale can only do worse); zero stays exact, so padding is too;
- sums in int32 and bias, norms, attention and SiLU in float32, as a VNNI kernel's epilogue would keep them.

Variants: `fp32` (the reference), `int8-wide` (only the convolutions with >= 64 input channels, the layers the issue
names), `int8-all` (every convolution). Each is sampled exactly as `stmkernel eval` samples the model's default: flow
matching from seeded Gaussian noise, RK2, STEPS steps, the output clipped to [-1, 1]; every variant uses the same noise.
PSNR and SSIM use data range 2, as the eval does; SSIM is scikit-image's (Gaussian window, sigma 1.5), which is the
definition our Ssim follows. The bar: a restore's PSNR moves by <= 0.1 dB.

    /usr/bin/python3 bench/int8_fake_quant.py --weights weights/fm-small-restore.stmw --set DIR/all --set DIR/clean
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from stmw_io import read_stmw  # noqa: E402
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402


def quantise_activation(x: torch.Tensor) -> torch.Tensor:
    """uint8 with a zero point, per tensor, from this call's own range (0 must lie in it: padding is 0)."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero = round(-lo / scale)
    return (torch.clamp(torch.round(x / scale) + zero, 0, 255) - zero) * scale


def quantise_weight(w: torch.Tensor) -> torch.Tensor:
    """Symmetric int8 per output channel."""
    scale = w.abs().amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-12) / 127
    return torch.clamp(torch.round(w / scale), -127, 127) * scale


class FakeQuantConv(nn.Module):
    """A Conv2d whose input and weights pass through the int8 grids above; the bias stays float32."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        self.conv = conv
        self.weight = quantise_weight(conv.weight.detach())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.conv
        return F.conv2d(quantise_activation(x), self.weight, c.bias, c.stride, c.padding, c.dilation, c.groups)


def quantised(model: nn.Module, min_in_channels: int) -> int:
    """Replaces every Conv2d with >= min_in_channels inputs in place; returns how many."""
    count = 0
    for name, child in list(model.named_children()):
        if isinstance(child, nn.Conv2d) and child.in_channels >= min_in_channels:
            setattr(model, name, FakeQuantConv(child))
            count += 1
        else:
            count += quantised(child, min_in_channels)
    return count


def restore(model: nn.Module, degraded: torch.Tensor, noise: torch.Tensor, steps: int, time_scale: float) -> torch.Tensor:
    """Flow matching from noise (t = 0) to the image (t = 1), RK2, the condition as the second input channel."""
    x, dt = noise.clone(), 1.0 / steps

    def velocity(z: torch.Tensor, t: float) -> torch.Tensor:
        ts = torch.full((z.shape[0],), t * time_scale)
        return model(torch.cat([z, degraded], dim=1), ts)

    for k in range(steps):
        t = k / steps
        mid = x + dt / 2 * velocity(x, t)
        x = x + dt * velocity(mid, t + dt / 2)
    return x.clamp(-1, 1)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(4 / mse)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", required=True)
    p.add_argument("--set", action="append", required=True, help="folder with clean.npy and degraded.npy")
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from skimage.metrics import structural_similarity

    tensors, meta = read_stmw(a.weights)
    sampler = meta["sampler"]
    if sampler["kind"] != "fm" or meta["task"] != "restore":
        sys.exit(f"{a.weights}: expected a flow-matching restore model, got {sampler['kind']} {meta['task']}")
    cfg = UNetRefConfig.from_dict(meta["architecture"])

    variants = {}
    for name, min_in in (("fp32", None), ("int8-wide", 64), ("int8-all", 1)):
        model = UNet2DModel(cfg)
        model.load_state_dict(tensors, strict=True)
        model.eval()
        n = 0 if min_in is None else quantised(model, min_in)
        variants[name] = model
        print(f"{name}: {n} convolutions quantised")

    print("| set | variant | PSNR dB | SSIM | ΔPSNR vs fp32 | ΔSSIM |")
    print("|---|---|---|---|---|---|")
    for folder in a.set:
        clean = np.load(os.path.join(folder, "clean.npy"))
        degraded = torch.from_numpy(np.load(os.path.join(folder, "degraded.npy")))
        noise = torch.randn(degraded.shape, generator=torch.Generator().manual_seed(a.seed))
        scores = {}
        for name, model in variants.items():
            with torch.no_grad():
                out = restore(model, degraded, noise, a.steps, float(sampler["time_scale"])).numpy()
            ps = [psnr(clean[i, 0], out[i, 0]) for i in range(len(out))]
            ss = [structural_similarity(clean[i, 0], out[i, 0], data_range=2, gaussian_weights=True, sigma=1.5,
                                        use_sample_covariance=False) for i in range(len(out))]
            scores[name] = (float(np.mean(ps)), float(np.mean(ss)))
            d = (scores[name][0] - scores["fp32"][0], scores[name][1] - scores["fp32"][1])
            label = "/".join(os.path.normpath(folder).split(os.sep)[-2:])
            print(f"| {label} | {name} | {scores[name][0]:.2f} | {scores[name][1]:.4f} "
                  f"| {d[0]:+.2f} | {d[1]:+.4f} |", flush=True)


if __name__ == "__main__":
    main()
