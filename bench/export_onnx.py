"""Exports our U-Net from a .stmw weight file to ONNX with torch.onnx.export, for bench/StmKernel.OrtPeer.

The network is the PyTorch reference (tools/reference/unet_ref.py) loaded strictly from the same .stmw file the C#
side loads (stmw_io; float16 values upcast to float32 exactly as our loader does), so ONNX Runtime runs the very
model we time. Inputs: x float32 [B, in, S, S] and t float32 [B] (raw timestep values, as NetworkModel.Forward
takes them); output y float32 [B, out, S, S]. The shape is fixed per file: ORT then plans and folds for exactly the
benchmarked shape, its best showing.

Needs Debian's python3-torch 1.13 (no `onnx` module):
    /usr/bin/python3 bench/export_onnx.py --weights weights/fm-small-restore.stmw --batch 8 --size 128 -o out/ort/small-b8.onnx
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from stmw_io import read_stmw  # noqa: E402
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402

# torch 1.13 exports up to opset 17; GroupNorm becomes InstanceNormalization + reshapes + affine there, which ORT
# runs with its own kernels (GroupNormalization only exists from opset 18).
OPSET = 17


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", required=True, help=".stmw file (the C# side loads the same one)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--size", type=int, default=128, help="H = W of the input")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()

    tensors, meta = read_stmw(a.weights)
    cfg = UNetRefConfig.from_dict(meta["architecture"])
    model = UNet2DModel(cfg)
    model.load_state_dict(tensors, strict=True)
    model.eval()

    x = torch.randn(a.batch, cfg.in_channels, a.size, a.size)
    t = torch.full((a.batch,), 500.0)
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    tmp = a.output + ".tmp"  # a killed export never leaves a truncated file under the final name
    with torch.no_grad():
        torch.onnx.export(model, (x, t), tmp, input_names=["x", "t"], output_names=["y"], opset_version=OPSET,
                          do_constant_folding=True)
    os.replace(tmp, a.output)
    print(f"wrote {a.output}: torch {torch.__version__}, opset {OPSET}, x [{a.batch}, {cfg.in_channels}, {a.size}, "
          f"{a.size}], t [{a.batch}], blocks {cfg.block_out_channels}, attention {cfg.add_attention}")


if __name__ == "__main__":
    main()
