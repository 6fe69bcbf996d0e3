"""Training and evaluating SEDS and the CiCo baseline (SEDS Sec. 4.1, implementation details).

The paper: Adam with a cosine schedule after a warm-up, learning rate 1e-4 for the pose encoder
and CGAF and 1e-5 for the CLIP-initialised interaction transformers and text encoder, batch 128,
200 epochs, alpha 0.8, beta 0.4. Here the interaction transformers start from scratch, so they
take `lr` with every other new module; only the pre-trained text backbone (when fine-tuned)
takes `lr_text`. Every knob is a `SEDSTrainConfig` field, so a chapter can shorten training on a
CPU and say so. With a validation split, the epoch with the best validation geometric mean of
T2V R@1, R@5 and R@10 is kept.

Evaluation scores every text against every video with the fine-grained similarity of the
retrieval stream (the fused one for SEDS): T2V metrics from M_t2v, V2T metrics from M_v2t, each
the direction its InfoNCE term trained; rows are texts, as `slr_lib.metrics` expects.

Under `torchrun`, the processes share each batch and its negatives (`slr_lib.trainer.distributed`).
"""

from __future__ import annotations

import copy
import math
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import Tensor
from tqdm.auto import tqdm

from slr_lib import metrics
from slr_lib.contrastive import ALPHA, BETA, seds_loss
from slr_lib.data_loader.retrieval import batches
from slr_lib.data_loader.seds import SEDSBatch, SEDSSplit
from slr_lib.logging_setup import get_logger
from slr_lib.model.fine_grained import fine_grained_similarity
from slr_lib.model.seds import SEDS, SEDSOutput
from slr_lib.trainer import distributed, optimisers
from slr_lib.trainer.crossmodal import pick_device, seed_everything

log = get_logger(__name__)
SELECTION_METRIC = "geometric_mean_R1_R5_R10"


@dataclass(frozen=True)
class SEDSTrainConfig:
    """Optimisation settings; defaults are the paper's."""

    epochs: int = 200
    batch_size: int = 128
    lr: float = 1e-4
    lr_text: float = 1e-5
    warmup: float = 0.1  # share of all steps spent warming up linearly
    alpha: float = ALPHA
    beta: float = BETA
    seed: int = 0


@dataclass
class SEDSTrainResult:
    """The selected model, the per-epoch history and the selected epoch."""

    model: SEDS
    history: pd.DataFrame
    best_epoch: int


def make_optimiser(model: SEDS, config: SEDSTrainConfig) -> torch.optim.Adam:
    """Adam with `lr_text` for the text backbone's trainable weights and `lr` for the rest."""
    backbone = {id(p) for p in model.text.backbone.parameters()}
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in trainable if id(p) not in backbone], "lr": config.lr},
        {"params": [p for p in trainable if id(p) in backbone], "lr": config.lr_text},
    ]
    return optimisers.adam([g for g in groups if g["params"]])


def cosine_warmup(
    optimiser: torch.optim.Optimizer, total_steps: int, warmup: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over a `warmup` share of `total_steps`, then cosine decay towards 0."""
    warm = max(1, round(warmup * total_steps))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        progress = (step - warm) / max(1, total_steps - warm)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimiser, factor)


class _Scaled(torch.nn.Module):
    """The model's outputs and its logit scale in one forward pass, so that DDP sees every
    parameter the loss uses inside the forward."""

    def __init__(self, model: SEDS) -> None:
        super().__init__()
        self.model = model

    def forward(self, **inputs) -> tuple[SEDSOutput, Tensor]:
        return self.model(**inputs), self.model.logit_scale()


def batch_loss(
    model: SEDS | torch.nn.Module,
    batch: SEDSBatch,
    config: SEDSTrainConfig,
    world: distributed.World = distributed.ALONE,
) -> dict[str, Tensor]:
    """The joint loss and its terms on one batch of `model` (a SEDS model, or one wrapped by
    `train_seds`); under torchrun, this process's rows of the batch, the loss the whole batch's."""
    scaled = model if isinstance(distributed.unwrap(model), _Scaled) else _Scaled(model)
    out, scale = scaled(**batch.model_inputs())
    out = _gathered(out, world)
    return seds_loss(
        out.streams, out.clip_mask, out.words, out.word_mask, scale,
        config.alpha, config.beta, distributed.unwrap(scaled).model.config.weight_temperature,
    )  # fmt: skip


def _gathered(out: SEDSOutput, world: distributed.World) -> SEDSOutput:
    """Every process's rows of the model's outputs, in rank order (`out` in a world of one)."""
    if not world.distributed:
        return out
    gather = distributed.gather_padded
    streams = {name: gather(clips, world) for name, clips in out.streams.items()}
    return SEDSOutput(streams, gather(out.clip_mask, world), gather(out.words, world),
                      gather(out.word_mask, world))  # fmt: skip


def train_step(
    model: SEDS | torch.nn.Module,
    batch: SEDSBatch,
    optimiser: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    config: SEDSTrainConfig,
    world: distributed.World = distributed.ALONE,
) -> dict[str, float]:
    """One optimisation step; the loss terms as floats."""
    model.train()
    terms = batch_loss(model, batch, config, world)
    optimiser.zero_grad()
    terms["total"].backward()
    optimiser.step()
    scheduler.step()
    return {name: float(value.detach()) for name, value in terms.items()}


def _epoch_batches(n: int, size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Shuffled batches of at least two pairs (a contrastive batch needs negatives)."""
    return [index for index in batches(n, size, rng) if len(index) >= 2]


def train_seds(
    model: SEDS,
    train: SEDSSplit,
    config: SEDSTrainConfig,
    val: SEDSSplit | None = None,
    device: str | None = None,
    checkpoint: Path | None = None,
) -> SEDSTrainResult:
    """Train `model` on `train`; with `val`, keep the epoch that is best on it.

    Under `torchrun` (a process group joined with `distributed.init_from_env`), each process
    encodes its shard of every batch and the loss sees the whole batch; only the first process
    writes the checkpoint and logs.
    """
    if len(train) < 2:
        raise ValueError("training needs at least two pairs")
    world = distributed.current_world()
    seed_everything(config.seed)
    target = pick_device(device)
    model.to(target)
    trained = distributed.wrap(_Scaled(model), world, target, find_unused_parameters=True)
    optimiser = make_optimiser(model, config)
    rng = np.random.default_rng(config.seed)
    steps = config.epochs * len(_epoch_batches(len(train), config.batch_size, None))
    scheduler = cosine_warmup(optimiser, steps, config.warmup)
    rows, best, best_epoch, best_state = [], -1.0, config.epochs, None
    bar = tqdm(range(1, config.epochs + 1), desc=f"SEDS training ({model.retrieval_stream})",
               disable=not world.leader)  # fmt: skip
    for epoch in bar:
        terms = [
            train_step(
                trained,
                train.batch(world.shard(index)).to(target),
                optimiser,
                scheduler,
                config,
                world,
            )  # fmt: skip
            for index in _epoch_batches(len(train), config.batch_size, rng)
            if len(index) >= world.size
        ]
        row = {"epoch": epoch, **pd.DataFrame(terms).mean().add_prefix("loss_").to_dict()}
        bar.set_postfix(loss=f"{row['loss_total']:.3f}")
        if val is not None:
            row.update(
                {f"val_{k}": v for k, v in evaluate(model, val, device=device)["t2v"].items()}
            )
            if row[f"val_{SELECTION_METRIC}"] > best:
                best, best_epoch = row[f"val_{SELECTION_METRIC}"], epoch
                best_state = copy.deepcopy(model.state_dict())
        rows.append(row)
    if best_state is not None:
        model.load_state_dict(best_state)
    if checkpoint is not None and world.leader:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {"state": model.state_dict(), "config": asdict(config),
             "model_config": asdict(model.config), "epoch": best_epoch},
            checkpoint,
        )  # fmt: skip
    if world.leader:
        log.info("SEDS (%s): kept epoch %d", model.retrieval_stream, best_epoch)
    return SEDSTrainResult(model, pd.DataFrame(rows), best_epoch)


def _cat_padded(tensors: list[Tensor]) -> Tensor:
    """Concatenate (B_i, T_i, ...) tensors along the batch, zero-padding T to the longest."""
    length = max(t.shape[1] for t in tensors)
    padded = [
        torch.cat([t, t.new_zeros((t.shape[0], length - t.shape[1], *t.shape[2:]))], dim=1)
        for t in tensors
    ]
    return torch.cat(padded)


@torch.no_grad()
def encode_split(
    model: SEDS,
    split: SEDSSplit,
    stream: str | None = None,
    device: str | None = None,
    batch_size: int = 64,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Clip features and mask of one stream (the retrieval stream by default), words and mask."""
    model.eval()
    target = pick_device(device)
    name = stream or model.retrieval_stream
    parts: list[list[Tensor]] = [[], [], [], []]
    for index in batches(len(split), batch_size):
        batch = split.batch(index).to(target)
        clips = model.encode_video(batch.clip_mask, batch.rgb, batch.frames, batch.windows)
        words, word_mask = model.encode_text(batch.texts)
        for part, value in zip(
            parts, (clips[name], batch.clip_mask, words, word_mask), strict=True
        ):
            part.append(value)
    clips, clip_mask, words, word_mask = (_cat_padded(part) for part in parts)
    return clips, clip_mask, words, word_mask


@torch.no_grad()
def similarities(
    model: SEDS,
    split: SEDSSplit,
    stream: str | None = None,
    device: str | None = None,
    block: int = 128,
) -> dict[str, np.ndarray]:
    """The (texts x videos) M_t2v and M_v2t of a split ("t2v", "v2t"); pair i is text i, video i."""
    clips, clip_mask, words, word_mask = encode_split(model, split, stream, device)
    n = len(split)
    out = {"t2v": np.empty((n, n), np.float32), "v2t": np.empty((n, n), np.float32)}
    for t in range(0, n, block):
        for v in range(0, n, block):
            t2v, v2t = fine_grained_similarity(
                words[t : t + block], word_mask[t : t + block],
                clips[v : v + block], clip_mask[v : v + block], model.config.weight_temperature,
            )  # fmt: skip
            out["t2v"][t : t + block, v : v + block] = t2v.cpu().numpy()
            out["v2t"][t : t + block, v : v + block] = v2t.cpu().numpy()
    return out


def evaluate(
    model: SEDS, split: SEDSSplit, stream: str | None = None, device: str | None = None
) -> dict[str, dict[str, float]]:
    """T2V and V2T metrics of a split for one stream (the retrieval stream by default)."""
    sims = similarities(model, split, stream, device)
    return {"t2v": metrics.t2v_metrics(sims["t2v"]), "v2t": metrics.v2t_metrics(sims["v2t"])}


def _reset_peak_rss() -> bool:
    """Reset the process's resident-set high-water mark (Linux); False where impossible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _rss_mb(field: str) -> float | None:
    """A memory field of /proc/self/status ("VmHWM" peak, "VmRSS" current) in MiB, if any."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return None


def _peak_rss_mb() -> float:
    """The process's peak resident set size in MiB (VmHWM, else ru_maxrss)."""
    peak = _rss_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_throughput(
    model: SEDS,
    split: SEDSSplit,
    config: SEDSTrainConfig,
    steps: int = 5,
    device: str | None = None,
) -> dict[str, float | int | str | bool | None]:
    """Training pairs per second and peak memory over `steps` steps of a copy of `model`.

    Batches of `config.batch_size` pairs (at most the split) are drawn at random; the timed
    steps include building the batches and follow one untimed warm-up step; the CPU seconds
    per step are this process's (all its threads). Peak memory is the
    process's resident set (host) over the timed steps when the kernel lets the mark be reset
    (`rss_reset`; otherwise the peak since the process started), beside the resident set at
    their start (`rss_before_mb`: libraries, data, the model and its copy), and the CUDA
    allocator's peak on a GPU.
    """
    seed_everything(config.seed)
    target = pick_device(device)
    trial = copy.deepcopy(model).to(target)
    optimiser = make_optimiser(trial, config)
    scheduler = cosine_warmup(optimiser, steps + 1, 0.0)
    rng = np.random.default_rng(config.seed)
    size = min(config.batch_size, len(split))

    def step() -> None:
        batch = split.batch(rng.choice(len(split), size=size, replace=False)).to(target)
        train_step(trial, batch, optimiser, scheduler, config)

    step()
    cuda = target.type == "cuda"
    if cuda:
        torch.cuda.synchronize(target)
        torch.cuda.reset_peak_memory_stats(target)
    rss_reset = _reset_peak_rss()
    rss_before = _rss_mb("VmRSS")
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    if cuda:
        torch.cuda.synchronize(target)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "device": str(target),
        "threads": torch.get_num_threads(),
        "batch_size": size,
        "steps": steps,
        "seconds": elapsed,
        "pairs_per_s": steps * size / elapsed,
        "cpu_s_per_step": cpu / steps,  # this process's CPU time: steadier than wall time
        "rss_before_mb": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_reset": rss_reset,
        "peak_cuda_mb": torch.cuda.max_memory_allocated(target) / 2**20 if cuda else None,
    }
