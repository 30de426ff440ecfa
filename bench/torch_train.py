"""Times one PyTorch training step of the reference U-Net, for comparison with `stmkernel bench --train`.

The step is the one StmKernel's trainer takes (src/StmKernel.Train/Trainer.cs with the
flow-matching objective): t ~ U[0, 1) per sample, x_t = t*x0 + (1-t)*eps, forward on [x_t, cond]
at timestep 1000*t, MSE against the velocity x0 - eps, backward, global-norm clipping at 1,
AdamW (weight decay 0.01) and an EMA update of every parameter (decay 0.999). The batch is fixed
random data, as on our side: pair synthesis is not part of the comparison.

Prints one line per timed iteration and, last, `median_ms=<number>` (the closing line of
`stmkernel bench`, so bench/compare-torch.sh --train parses both). Needs Debian's python3-torch:
    /usr/bin/python3 bench/torch_train.py --preset small --size 64 --batch 8 --threads 2 --iterations 10
"""

import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from torch_forward import PRESETS, parse_and_set_up  # same folder: presets and options shared by both benchmarks

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from unet_ref import UNet2DModel, UNetRefConfig  # noqa: E402


def main() -> None:
    a = parse_and_set_up(argparse.ArgumentParser(description=__doc__.splitlines()[0]), size=64, batch=8)
    model = UNet2DModel(UNetRefConfig(in_channels=2, out_channels=1, **PRESETS[a.preset])).train()
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    ema = [q.detach().clone() for q in params]
    clean = torch.rand(a.batch, 1, a.size, a.size) * 2 - 1
    cond = torch.rand(a.batch, 1, a.size, a.size) * 2 - 1

    def step() -> None:
        t = torch.rand(a.batch)
        noise = torch.randn_like(clean)
        tb = t.view(-1, 1, 1, 1)
        xt = tb * clean + (1 - tb) * noise
        v = model(torch.cat([xt, cond], dim=1), 1000 * t)
        loss = F.mse_loss(v, clean - noise)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, 0.999)
            torch._foreach_add_(ema, params, alpha=0.001)

    times = []
    for i in range(a.warmup + a.iterations):
        start = time.perf_counter()
        step()
        ms = (time.perf_counter() - start) * 1e3
        if i >= a.warmup:
            times.append(ms)
            print(f"iteration {len(times)}: {ms:.2f} ms", flush=True)
    median = statistics.median(times)
    print(f"torch {torch.__version__} params={sum(q.numel() for q in params)} batch=[{a.batch}, 2, {a.size}, {a.size}] "
          f"threads={a.threads} OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    # Same wording as `stmkernel bench --train`.
    print(f"train step: median {median:.2f} ms, min {min(times):.2f} ms over {len(times)} iterations "
          f"({a.batch / (median / 1e3):.2f} samples/s at the median)")
    print(f"median_ms={median:.3f}")


if __name__ == "__main__":
    main()
