"""Writes the whole-model gradient fixtures under tests/fixtures/grad/.

One random model (config [16, 32], 1 layer per block, 8 groups, mid attention, head dim 8) is
stored once as F16 (model.safetensors + config.json); case `attention` uses all of it, case
`plain` the same weights without the mid attention (add_attention = false). Per case:
config.json (the case's architecture), x.npy [2, 2, 16, 24], t.npy [2], r.npy [2, 1, 16, 24] (float32) and grads.safetensors (F32):
d L / d p for every parameter p with L = sum(y * r), so dL/dy = r. Computed in float64 from the
F16-rounded weights exactly as stored, so the engine sees the same model.

Usage (Debian's torch 1.13): /usr/bin/python3 tools/reference/gen_grad_fixtures.py [OUT_DIR]
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402

SEED = 20261122
CONFIG = dict(block_out_channels=[16, 32], norm_num_groups=8, layers_per_block=1, attention_head_dim=8)
SIZE = (16, 24)
TIMESTEPS = [999.0, 37.5]
CASES = {"attention": True, "plain": False}


def save_npy(path: str, a: np.ndarray) -> None:
    tmp = path + ".tmp.npy"
    np.save(tmp, np.ascontiguousarray(a, dtype="<f4"))
    os.replace(tmp, path)


def write_json(path: str, d: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(d, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests", "fixtures", "grad")
    os.makedirs(root, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    full = UNetRefConfig(**CONFIG, add_attention=True, sample_size=SIZE[0])
    model = UNet2DModel(full)
    with torch.no_grad():
        # GroupNorm affines away from 1/0 so a dropped affine gradient is caught; sharper attention.
        for m in model.modules():
            if isinstance(m, torch.nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
        for a in model.mid_block.attentions:
            a.to_q.weight.mul_(2.5)
            a.to_k.weight.mul_(2.5)
    write_safetensors(os.path.join(root, "model.safetensors"), model.state_dict(), "F16",
                      {"format": "pt", "generator": "tools/reference/gen_grad_fixtures.py"})
    write_json(os.path.join(root, "config.json"), full.to_dict())
    stored = read_safetensors(os.path.join(root, "model.safetensors"))

    gen = torch.Generator().manual_seed(SEED + 1)
    x = torch.randn(2, full.in_channels, *SIZE, generator=gen)
    r = torch.randn(2, full.out_channels, *SIZE, generator=gen)
    t = torch.tensor(TIMESTEPS)
    for name, attention in CASES.items():
        cfg = UNetRefConfig(**CONFIG, add_attention=attention, sample_size=SIZE[0])
        net = UNet2DModel(cfg)
        keep = {k: v for k, v in stored.items() if attention or ".attentions." not in k}
        net.load_state_dict(keep, strict=True)
        net = net.double()
        y = net(x.double(), t.double())
        loss = (y * r.double()).sum()
        loss.backward()
        grads = {k: p.grad.detach().clone() for k, p in net.named_parameters()}
        folder = os.path.join(root, name)
        os.makedirs(folder, exist_ok=True)
        write_json(os.path.join(folder, "config.json"), cfg.to_dict())
        write_safetensors(os.path.join(folder, "grads.safetensors"), grads, "F32",
                          {"loss": repr(float(loss)), "generator": "tools/reference/gen_grad_fixtures.py"})
        save_npy(os.path.join(folder, "x.npy"), x.numpy())
        save_npy(os.path.join(folder, "t.npy"), t.numpy())
        save_npy(os.path.join(folder, "r.npy"), r.numpy())
        print(json.dumps({"case": name, "params": sum(p.numel() for p in net.parameters()), "loss": float(loss),
                          "max_abs_grad": max(float(g.abs().max()) for g in grads.values())}))


if __name__ == "__main__":
    main()
