"""Writes the parity fixture at the shipped configuration: tests/fixtures/unet/small-shipped/{x,t,y}.npy.

The model is weights/fm-small-restore.stmw itself (Small preset, [32, 64, 128], read with stmw_io, F16 values
upcast), so the fixture needs no weight file of its own; x is [8, 2, 128, 128] (batch 8 at the shipped tile size),
t a different timestep per sample, and y the PyTorch reference forward (unet_ref) in float64, cast to float32.

Usage (Debian's torch 1.13): /usr/bin/python3 tools/reference/gen_shipped_fixture.py [REPO_ROOT]
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stmw_io import read_stmw  # noqa: E402
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402

SEED = 20261202


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tensors, meta = read_stmw(os.path.join(root, "weights", "fm-small-restore.stmw"))
    cfg = UNetRefConfig.from_dict(meta["architecture"])
    model = UNet2DModel(cfg)
    model.load_state_dict(tensors, strict=True)
    model = model.double().eval()
    gen = torch.Generator().manual_seed(SEED)
    x = torch.randn(8, cfg.in_channels, 128, 128, generator=gen, dtype=torch.float32)
    t = torch.tensor([0.0, 125.0, 250.0, 375.0, 500.0, 625.0, 750.0, 999.0], dtype=torch.float32)
    with torch.no_grad():
        y = model(x.double(), t.double())
    out = os.path.join(root, "tests", "fixtures", "unet", "small-shipped")
    os.makedirs(out, exist_ok=True)
    for name, a in (("x", x), ("t", t), ("y", y)):
        tmp = os.path.join(out, name + ".tmp.npy")
        np.save(tmp, np.ascontiguousarray(a.numpy(), dtype="<f4"))
        os.replace(tmp, os.path.join(out, name + ".npy"))
    print(f"wrote {out}: y range [{float(y.min()):.4f}, {float(y.max()):.4f}]")


if __name__ == "__main__":
    main()
