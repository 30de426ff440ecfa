"""Writes the golden U-Net parity fixtures under tests/fixtures/unet/<case>/.

Each case folder holds model.safetensors + config.json (random weights, fixed seed), x.npy
(float32 [2, in, H, W]), t.npy (float32 [2], a different timestep per sample) and y.npy
(float32 [2, out, H, W]). y is computed in float64 from exactly the weights stored in the file
(F16/BF16 cases use the rounded weights), then cast to float32, so it is a clean oracle for an
engine that upcasts weights to float32. Case a-f32 also holds intermediates (trace.*.npy).

Usage (Debian's torch 1.13): /usr/bin/python3 tools/reference/gen_unet_fixtures.py [OUT_DIR]
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402

SEED = 20261121
# Model configs, reduced so that all fixtures together stay a few MB.
TWO_LEVEL = dict(block_out_channels=[16, 32], norm_num_groups=8, layers_per_block=1,
                 add_attention=False)
THREE_LEVEL = dict(block_out_channels=[32, 32, 64], norm_num_groups=32, layers_per_block=2,
                   add_attention=False)
ATTENTION = dict(block_out_channels=[32, 64], norm_num_groups=8, layers_per_block=2,
                 add_attention=True, attention_head_dim=8)

# name -> (config, weights seed key, storage dtype, (H, W), timesteps, description)
CASES = {
    "a-f32": (TWO_LEVEL, "two", "F32", (32, 48), [999.0, 37.5],
              "2 levels, 1 layer, 8 groups, no attention; F32; intermediates in trace.*.npy"),
    "b-3level-f16": (THREE_LEVEL, "three", "F16", (32, 32), [0.0, 500.0],
                     "3 levels, 2 layers, 32 groups (1 channel per group at 32 ch), no attention"),
    "c-attention-f16": (ATTENTION, "attn", "F16", (40, 24), [1.0, 731.25],
                        "2 levels, 2 layers, 8 groups, mid attention head dim 8 (8 heads)"),
    "d-f16": (TWO_LEVEL, "two", "F16", (32, 48), [999.0, 37.5], "a-f32's weights stored as F16"),
    "e-bf16": (TWO_LEVEL, "two", "BF16", (32, 48), [999.0, 37.5], "a-f32's weights stored as BF16"),
}
# Intermediates of a-f32 worth dumping (the up blocks are left out to keep the files small).
TRACE_KEYS = ["time_proj", "time_embedding", "conv_in", "down_blocks.0", "down_blocks.1",
              "mid_block"]


def random_model(cfg: UNetRefConfig, seed: int) -> UNet2DModel:
    """PyTorch default init, plus GroupNorm affine parameters pushed away from 1/0 (so a missing
    or misplaced affine is caught) and sharper attention logits (so a wrong head split is)."""
    torch.manual_seed(seed)
    model = UNet2DModel(cfg).double()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
        for a in model.mid_block.attentions:
            a.to_q.weight.mul_(2.5)
            a.to_k.weight.mul_(2.5)
    return model.eval()


def save_npy(path: str, a: np.ndarray) -> None:
    tmp = path + ".tmp.npy"
    np.save(tmp, np.ascontiguousarray(a, dtype="<f4"))
    os.replace(tmp, path)


def write_case(root: str, name: str, models: dict) -> dict:
    cfg_dict, weights_key, dtype, (h, w), ts, desc = CASES[name]
    cfg = UNetRefConfig(**cfg_dict, sample_size=h)
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)

    if weights_key not in models:
        models[weights_key] = random_model(cfg, SEED + len(models))
    src = models[weights_key]
    write_safetensors(os.path.join(folder, "model.safetensors"), src.state_dict(), dtype,
                      {"format": "pt", "generator": "tools/reference/gen_unet_fixtures.py"})
    tmp = os.path.join(folder, "config.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(cfg.to_dict(), f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(folder, "config.json"))

    # The oracle runs on the weights read back from the file: exactly what an engine sees.
    model = UNet2DModel(UNetRefConfig.load(os.path.join(folder, "config.json")))
    model.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")), strict=True)
    model = model.double().eval()

    # Inputs depend on the weights key only, so cases sharing weights share inputs too.
    gen = torch.Generator().manual_seed(SEED + 1000 + sum(map(ord, weights_key)))
    x = torch.randn(2, cfg.in_channels, h, w, generator=gen, dtype=torch.float32)
    t = torch.tensor(ts, dtype=torch.float32)
    trace = {}
    with torch.no_grad():
        y = model(x.double(), t.double(), trace)
    save_npy(os.path.join(folder, "x.npy"), x.numpy())
    save_npy(os.path.join(folder, "t.npy"), t.numpy())
    save_npy(os.path.join(folder, "y.npy"), y.numpy())
    if name == "a-f32":
        for k in TRACE_KEYS:
            save_npy(os.path.join(folder, f"trace.{k}.npy"), trace[k].numpy())

    return {"case": name, "dtype": dtype, "x": list(x.shape), "t": ts, "y": list(y.shape),
            "params": sum(p.numel() for p in model.parameters()),
            "max_abs_y": float(y.abs().max()), "description": desc,
            "float32_rel_err": float32_error(model, x, t, y)}


def float32_error(model: UNet2DModel, x, t, y) -> float:
    """max|y32 - y64| / max|y64| of the same model run in float32: the floor a float32 engine
    can expect, to compare with the parity tolerance 1e-4."""
    m32 = UNet2DModel(model.cfg)
    m32.load_state_dict({k: v.float() for k, v in model.state_dict().items()})
    with torch.no_grad():
        y32 = m32.eval()(x, t).double()
    return float((y32 - y).abs().max() / y.abs().max())


def write_readme(root: str, rows: list) -> None:
    lines = ["# U-Net parity fixtures", "",
             "Generated by `tools/reference/gen_unet_fixtures.py` (see tools/reference/README.md);",
             "do not edit by hand. Per case: `model.safetensors`, `config.json`, `x.npy` (float32",
             "[2, in, H, W]), `t.npy` (float32 [2], one timestep per sample), `y.npy` (float32",
             "[2, out, H, W], computed in float64 from the stored weights). `float32 err` is",
             "max|y(float32 torch) - y| / max|y|.", "",
             "| case | weights | params | x | t | max abs y | float32 err | what |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['dtype']} | {r['params']:,} | {r['x']} | {r['t']} | "
                     f"{r['max_abs_y']:.3f} | {r['float32_rel_err']:.1e} | {r['description']} |")
    lines += ["", "a-f32 intermediates (float32, batch 2): " +
              ", ".join(f"`trace.{k}.npy`" for k in TRACE_KEYS) + ".",
              "`time_proj` is the sinusoidal embedding [2, c0] (cos half first), `time_embedding` the",
              "output of linear_2 (before the SiLU the resnets apply), `down_blocks.i` a block's output",
              "(after its downsampler, if any), `mid_block` the mid block's output.", ""]
    with open(os.path.join(root, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests",
                                                              "fixtures", "unet")
    torch.set_num_threads(1)
    models, rows = {}, []
    for name in CASES:
        rows.append(write_case(root, name, models))
        print(json.dumps(rows[-1]))
    write_readme(root, rows)


if __name__ == "__main__":
    main()
