"""Times the PyTorch reference U-Net forward (float32, no grad) for comparison with `stmkernel bench`.

Prints one line per timed iteration and, last, `median_ms=<number>` (the same closing line as
`stmkernel bench`, so bench/compare-torch.sh can parse both). Needs Debian's python3-torch:
    /usr/bin/python3 bench/torch_forward.py --preset small --size 128 --batch 1 --threads 2 --iterations 10
"""

import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from unet_ref import UNet2DModel, UNetRefConfig, load_model  # noqa: E402

PRESETS = {
    "small": dict(block_out_channels=[32, 64, 128], layers_per_block=2, add_attention=False),
    "large": dict(block_out_channels=[64, 128, 256], layers_per_block=2, add_attention=True,
                  attention_head_dim=8),
}


def parse_and_set_up(p: argparse.ArgumentParser, size: int, batch: int) -> argparse.Namespace:
    """Adds the options both benchmarks share (defaults: `size`, `batch`), parses them, and pins
    torch to --threads intra-op threads, one inter-op thread and seed 0."""
    p.add_argument("--preset", choices=sorted(PRESETS), default="small")
    p.add_argument("--size", type=int, default=size, help="H = W of the input")
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    return a


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", help="folder with config.json + model.safetensors (else random weights)")
    a = parse_and_set_up(p, size=128, batch=1)
    if a.weights:
        model = load_model(a.weights)
    else:
        model = UNet2DModel(UNetRefConfig(in_channels=2, out_channels=1, **PRESETS[a.preset])).eval()
    cfg = model.cfg
    x = torch.randn(a.batch, cfg.in_channels, a.size, a.size)
    t = torch.full((a.batch,), 500.0)

    times = []
    with torch.no_grad():
        for i in range(a.warmup + a.iterations):
            start = time.perf_counter()
            model(x, t)
            ms = (time.perf_counter() - start) * 1e3
            if i >= a.warmup:
                times.append(ms)
                print(f"iteration {len(times)}: {ms:.2f} ms", flush=True)
    params = sum(q.numel() for q in model.parameters())
    median = statistics.median(times)
    print(f"torch {torch.__version__} params={params} input=[{a.batch}, {cfg.in_channels}, {a.size}, {a.size}] "
          f"threads={a.threads} OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    # Same wording as `stmkernel bench`, so compare-torch.sh reads both with one pattern.
    print(f"forward: median {median:.2f} ms, min {min(times):.2f} ms over {len(times)} iterations")
    print(f"median_ms={median:.3f}")


if __name__ == "__main__":
    main()
