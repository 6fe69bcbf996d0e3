"""The optimisers the trainers build: PyTorch's vectorised implementations of each update rule.

On the CPU, PyTorch's default implementation of an optimiser visits the weight tensors one at a
time, several small kernels per tensor. The fused implementations (Adam, SGD) do the whole
update in one kernel per tensor group, and the `foreach` one (RAdam, which has no fused version)
in a few kernels over every tensor at once: the same update rule, the sums in another order, so
the weights agree with the default's to float tolerance, not bit for bit. On the CM model's
3.4 M weights, one thread, RAdam's step takes about a third of the time and Adam's a seventh
(`scripts/benchmark_optimisers.py`); the optimiser step was nearly half of a CM training step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

Params = Iterable[torch.Tensor] | Iterable[dict[str, Any]]


def adam(params: Params, **settings: Any) -> torch.optim.Adam:
    """Adam (fused)."""
    return torch.optim.Adam(params, fused=True, **settings)


def radam(params: Params, **settings: Any) -> torch.optim.RAdam:
    """RAdam (`foreach`: PyTorch has no fused RAdam)."""
    return torch.optim.RAdam(params, foreach=True, **settings)


def sgd(params: Params, **settings: Any) -> torch.optim.SGD:
    """SGD (fused)."""
    return torch.optim.SGD(params, fused=True, **settings)
