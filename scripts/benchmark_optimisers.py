"""Benchmark the trainers' optimisers: one update step, PyTorch's default per-tensor loop against
the vectorised implementations of `slr_lib.trainer.optimisers`, on the CM model's weights.

Usage: .venv/bin/python scripts/benchmark_optimisers.py [--steps 30] [--threads 1]

Every weight gets a fixed random gradient; each optimiser takes `--steps` steps after three
warm-up steps, and the script prints the mean milliseconds a step and the speed-up.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch

from slr_lib.model.crossmodal import CrossModalModel
from slr_lib.trainer import optimisers

WARM_UP = 3
KINDS: dict[str, tuple[Callable, Callable, dict]] = {
    "RAdam (CM model)": (torch.optim.RAdam, optimisers.radam, {"lr": 1e-3, "weight_decay": 1e-5}),
    "Adam (SEDS, translator, pose encoder)": (torch.optim.Adam, optimisers.adam, {"lr": 1e-3}),
    "SGD (sign recognisers)": (
        torch.optim.SGD, optimisers.sgd, {"lr": 1e-3, "momentum": 0.9, "weight_decay": 1e-4}
    ),
}  # fmt: skip


def step_ms(make: Callable, steps: int) -> float:
    """Mean milliseconds of one `step` of the optimiser `make` builds over the CM model."""
    torch.manual_seed(0)
    model = CrossModalModel(256, 512, pooling="avg", clusters=20, out_dim=512)
    for weight in model.parameters():
        weight.grad = torch.randn_like(weight) * 1e-3
    optimiser = make(model.parameters())
    for _ in range(WARM_UP):
        optimiser.step()
    start = time.perf_counter()
    for _ in range(steps):
        optimiser.step()
    return (time.perf_counter() - start) / steps * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    weights = sum(p.numel() for p in CrossModalModel(256, 512, clusters=20).parameters())
    print(f"{weights:,} weights, {args.threads} thread(s), mean of {args.steps} steps")
    print(f"{'optimiser':40s} {'default ms':>10s} {'ours ms':>8s} {'speed-up':>8s}")
    for name, (default, ours, settings) in KINDS.items():
        slow = step_ms(lambda p, d=default, s=settings: d(p, foreach=False, **s), args.steps)
        fast = step_ms(lambda p, o=ours, s=settings: o(p, **s), args.steps)
        print(f"{name:40s} {slow:10.1f} {fast:8.1f} {slow / fast:7.1f}x")


if __name__ == "__main__":
    main()
