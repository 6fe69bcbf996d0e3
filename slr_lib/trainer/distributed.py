"""Training beyond one process: PyTorch DDP for the CM and SEDS trainers, launched by `torchrun`.

    torchrun --standalone --nproc-per-node 2 -m slr_lib.trainer.ddp_cm --out model.pt

Under `torchrun` each process calls `init_from_env()`, which joins the process group (gloo on
the CPU, NCCL on GPUs); `train_crossmodal` and `train_seds` then see the group through
`current_world()` and, without any other change to the caller:

* draw the same shuffled global batch in every process (same seed) and embed only their
  shard of it, contiguous rows, `World.shard`;
* gather every process's embeddings into the whole batch with `gather_rows`, whose backward
  sends each process the gradient of its own rows, so the max-margin ranking loss (CM) and
  the InfoNCE terms (SEDS) see every pair of the global batch as a negative, exactly as one
  process training on that batch does;
* average gradients with `DistributedDataParallel`, which keeps the parameters equal;
* normalise BatchNorm layers (the CM model's NetVLAD assignment and context gating) with the
  statistics of the global batch: `nn.SyncBatchNorm` on GPUs, and on the CPU, where PyTorch's
  `SyncBatchNorm` refuses to run (it accepts CUDA, HPU, XPU and PrivateUse1 tensors only, as in
  the installed 2.13), `AllReduceBatchNorm1d`, which sums the batch moments over processes with
  a differentiable all-reduce. The SEDS models have LayerNorm only.

So N processes with a global batch of B train the model that one process would with batch B,
up to the order of floating-point sums (`tests/trainer/test_distributed.py` checks a few steps
of both trainers against one process). Without a process group, `current_world()` is a world of
one and the trainers run exactly as before: no gathering, no wrapping.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn


@dataclass(frozen=True)
class World:
    """This process's rank among `size` training processes."""

    rank: int = 0
    size: int = 1

    @property
    def distributed(self) -> bool:
        return self.size > 1

    @property
    def leader(self) -> bool:
        """The process that logs and writes files."""
        return self.rank == 0

    def shard(self, index: np.ndarray) -> np.ndarray:
        """This process's contiguous share of a global batch (sizes differ by at most one)."""
        return np.array_split(np.asarray(index), self.size)[self.rank]


ALONE = World()  # a world of one: no process group


def current_world() -> World:
    """The process group this process belongs to, or a world of one."""
    if dist.is_available() and dist.is_initialized():
        return World(dist.get_rank(), dist.get_world_size())
    return ALONE


def init_from_env() -> World:
    """Join the process group `torchrun` describes (RANK, WORLD_SIZE, MASTER_ADDR, ...): NCCL
    when this process has a GPU, gloo otherwise. A plain `python` run is a world of one."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return ALONE
    if not dist.is_initialized():
        cuda = torch.cuda.is_available()
        if cuda:
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl" if cuda else "gloo")
    return current_world()


def device_ids(device: torch.device) -> list[int] | None:
    """What DistributedDataParallel wants to know of this process's device."""
    return [device.index if device.index is not None else torch.cuda.current_device()] if (
        device.type == "cuda"
    ) else None  # fmt: skip


class _GatherRows(torch.autograd.Function):
    """All processes' (B_i, ...) tensors stacked in rank order; backward: the summed gradient
    of this process's rows (every process computes the loss of the whole batch)."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        world = current_world()
        sizes = torch.tensor([x.shape[0]], device=x.device)
        all_sizes = [torch.zeros_like(sizes) for _ in range(world.size)]
        dist.all_gather(all_sizes, sizes)
        counts = [int(s) for s in all_sizes]
        padded = x.new_zeros((max(counts), *x.shape[1:]))
        padded[: x.shape[0]] = x
        parts = [torch.empty_like(padded) for _ in range(world.size)]
        dist.all_gather(parts, padded.contiguous())
        ctx.counts, ctx.rank = counts, world.rank
        return torch.cat([part[:n] for part, n in zip(parts, counts, strict=True)])

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        grad = grad.contiguous().clone()
        dist.all_reduce(grad)
        start = sum(ctx.counts[: ctx.rank])
        return grad[start : start + ctx.counts[ctx.rank]]


def gather_rows(x: Tensor, world: World) -> Tensor:
    """The global batch's rows of `x` (identity in a world of one); gradients flow back."""
    return _GatherRows.apply(x) if world.distributed else x


def gather_padded(x: Tensor, world: World) -> Tensor:
    """`gather_rows` of (B_i, T_i, ...) tensors, first zero-padded to the longest T_i (masks
    included, False where padded)."""
    if not world.distributed:
        return x
    length = torch.tensor([x.shape[1]], device=x.device)
    dist.all_reduce(length, op=dist.ReduceOp.MAX)
    extra = int(length) - x.shape[1]
    if extra:
        x = torch.cat([x, x.new_zeros((x.shape[0], extra, *x.shape[2:]))], dim=1)
    if x.dtype == torch.bool:
        return gather_rows(x.to(torch.uint8), world).bool()
    return gather_rows(x, world)


def _all_reduce_sum(x: Tensor) -> Tensor:
    """The sum of `x` over processes; its backward is the sum of the gradients."""
    import torch.distributed.nn.functional as distributed_nn

    return distributed_nn.all_reduce(x)


class AllReduceBatchNorm1d(nn.BatchNorm1d):
    """BatchNorm1d with the statistics of the global batch, for the CPU (gloo).

    In training with a process group, the mean and the biased variance come from the per-feature
    sums of x and x^2 and the row count, summed over processes with a differentiable all-reduce;
    the running statistics are updated as BatchNorm1d updates them (unbiased variance). Otherwise
    it is BatchNorm1d. Inputs are (N, C), as the CM model's layers give it.
    """

    def forward(self, x: Tensor) -> Tensor:
        if not (self.training and dist.is_available() and dist.is_initialized()):
            return super().forward(x)
        if x.ndim != 2:
            raise ValueError(f"AllReduceBatchNorm1d takes (N, C) inputs, got {tuple(x.shape)}")
        moments = torch.cat([x.sum(0), (x * x).sum(0), x.new_tensor([x.shape[0]])])
        total = _all_reduce_sum(moments)
        count = total[-1]
        mean = total[: x.shape[1]] / count
        var = total[x.shape[1] : -1] / count - mean * mean
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked += 1
                unbiased = var * count / (count - 1).clamp(min=1)
                self.running_mean.lerp_(mean.detach(), self.momentum)
                self.running_var.lerp_(unbiased.detach(), self.momentum)
        out = (x - mean) / torch.sqrt(var + self.eps)
        return out * self.weight + self.bias if self.affine else out


def sync_batchnorm(module: nn.Module, device: torch.device) -> nn.Module:
    """`module` with every BatchNorm1d computing global-batch statistics (module docstring)."""
    if device.type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(module)
    for layer in module.modules():
        if type(layer) is nn.BatchNorm1d:
            layer.__class__ = AllReduceBatchNorm1d  # same parameters, buffers and state dict
    return module


def wrap(module: nn.Module, world: World, device: torch.device, **ddp: object) -> nn.Module:
    """`module` under DistributedDataParallel with synchronised BatchNorm, in a world of many;
    `module` itself in a world of one."""
    if not world.distributed:
        return module
    synced = sync_batchnorm(module, device)
    return nn.parallel.DistributedDataParallel(synced, device_ids=device_ids(device), **ddp)


def unwrap(module: nn.Module) -> nn.Module:
    """The model inside a DistributedDataParallel wrapper (or the module itself)."""
    return module.module if isinstance(module, nn.parallel.DistributedDataParallel) else module
