"""Training and evaluating the cross-modal (CM) embedding (SPOT-ALIGN supplement, Sec. B.4).

RAdam, learning rate 1e-3, weight decay 1e-5, batch 128, up to 40 epochs, max-margin ranking
loss with margin 0.2 summed over the batch and divided by B (Eq. 1); the epoch with the best
validation geometric mean of T2V R@1, R@5 and R@10 is kept. Every knob is a `TrainConfig` field,
so a chapter can shorten training on a CPU and say so. Under `torchrun`, the processes share each
batch and its negatives (`slr_lib.trainer.distributed`).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from slr_lib import metrics
from slr_lib.data_loader.retrieval import RetrievalSplit, batches
from slr_lib.logging_setup import get_logger
from slr_lib.losses import max_margin_ranking_loss
from slr_lib.model.crossmodal import CrossModalModel, similarity
from slr_lib.model.padding import pad_sequences
from slr_lib.pipeline.timing import timed
from slr_lib.trainer import distributed, optimisers

log = get_logger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Model and optimisation settings; defaults are the paper's."""

    pooling: str = "avg"
    clusters: int = 20
    out_dim: int = 512
    margin: float = 0.2
    loss_normalisation: str = "batch"  # Eq. 1's 1/B; "pairs": the Collaborative Experts code's
    lr: float = 1e-3
    weight_decay: float = 1e-5
    batch_size: int = 128
    epochs: int = 40
    seed: int = 0


class _Embeddings(torch.nn.Module):
    """The text and video embeddings of a batch in one forward pass, for DDP to see."""

    def __init__(self, model: CrossModalModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, words, word_mask, clips, clip_mask) -> tuple[torch.Tensor, torch.Tensor]:
        return self.model.encode_text(words, word_mask), self.model.encode_video(clips, clip_mask)


@dataclass
class TrainResult:
    """The selected model, the per-epoch history and the selected epoch."""

    model: CrossModalModel
    history: pd.DataFrame
    best_epoch: int


def pick_device(device: str | None = None) -> torch.device:
    """The requested device, else CUDA when present, else the CPU."""
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed: int) -> None:
    """Seed Python and PyTorch (CPU and CUDA); NumPy randomness uses explicit generators."""
    random.seed(seed)
    torch.manual_seed(seed)


@timed("CM model")
def train_crossmodal(
    train: RetrievalSplit,
    val: RetrievalSplit,
    config: TrainConfig,
    checkpoint: Path | None = None,
    device: str | None = None,
) -> TrainResult:
    """Train on `train`, select the epoch on `val`, optionally save the selected weights.

    Under `torchrun` (a process group joined with `distributed.init_from_env`), each process
    embeds its shard of every batch and the loss sees the whole batch; only the first process
    writes the checkpoint and logs.
    """
    if len(train) < 2 or len(val) < 2:
        raise ValueError("training and validation need at least two pairs each")
    world = distributed.current_world()
    seed_everything(config.seed)
    target = pick_device(device)
    model = CrossModalModel(
        train.word_dim, train.feature_dim, pooling=config.pooling,
        clusters=config.clusters, out_dim=config.out_dim,
    ).to(target)  # fmt: skip
    embed = distributed.wrap(_Embeddings(model), world, target)
    optimiser = optimisers.radam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    rng = np.random.default_rng(config.seed)
    rows, best, best_state = [], -1.0, None
    epochs = tqdm(range(1, config.epochs + 1), desc=f"CM training (seed {config.seed})",
                  disable=not world.leader)  # fmt: skip
    for epoch in epochs:
        losses = [
            _step(embed, optimiser, train, world.shard(index), config, target, world)
            for index in batches(len(train), config.batch_size, rng)
            if len(index) >= max(2, world.size)
        ]
        val_t2v = evaluate(model, val, device=str(target))["t2v"]
        rows.append(
            {
                "epoch": epoch,
                "loss": float(np.mean(losses)),
                **{f"val_{k}": v for k, v in val_t2v.items()},
            }
        )
        if val_t2v["geometric_mean_R1_R5_R10"] > best:
            best, best_state = (
                val_t2v["geometric_mean_R1_R5_R10"],
                copy.deepcopy(model.state_dict()),
            )
            best_epoch = epoch
    model.load_state_dict(best_state)
    if checkpoint is not None and world.leader:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"state": best_state, "config": asdict(config), "epoch": best_epoch}, checkpoint)
    if world.leader:
        log.info("seed %d: best epoch %d, val geometric mean %.2f", config.seed, best_epoch, best)
    return TrainResult(model, pd.DataFrame(rows), best_epoch)


def _step(
    embed: torch.nn.Module,
    optimiser: torch.optim.Optimizer,
    split: RetrievalSplit,
    index: np.ndarray,
    config: TrainConfig,
    device: torch.device,
    world: distributed.World,
) -> float:
    """One step on this process's rows `index` of a batch; the loss of the whole batch."""
    embed.train()
    words, word_mask = (t.to(device) for t in pad_sequences([split.words[i] for i in index]))
    clips, clip_mask = (t.to(device) for t in pad_sequences([split.clips[i] for i in index]))
    text, video = embed(words, word_mask, clips, clip_mask)
    sims = similarity(distributed.gather_rows(text, world), distributed.gather_rows(video, world))
    loss = max_margin_ranking_loss(sims, config.margin, config.loss_normalisation)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss.detach())


@torch.no_grad()
def similarities(
    model: CrossModalModel, split: RetrievalSplit, device: str | None = None, batch_size: int = 512
) -> np.ndarray:
    """The (texts x videos) cosine similarity matrix of a split; pair i is text i, video i."""
    model.eval()
    target = pick_device(device)
    texts, videos = [], []
    for index in batches(len(split), batch_size):
        words, word_mask = (t.to(target) for t in pad_sequences([split.words[i] for i in index]))
        clips, clip_mask = (t.to(target) for t in pad_sequences([split.clips[i] for i in index]))
        texts.append(model.encode_text(words, word_mask))
        videos.append(model.encode_video(clips, clip_mask))
    return (torch.cat(texts) @ torch.cat(videos).T).cpu().numpy()


@torch.no_grad()
def encode_videos(
    model: CrossModalModel, split: RetrievalSplit, batch_size: int = 512
) -> np.ndarray:
    """The joint-space embeddings (N, C) of a split's videos, on the CPU."""
    model.eval().cpu()
    parts = [
        model.encode_video(*pad_sequences([split.clips[i] for i in index]))
        for index in batches(len(split), batch_size)
    ]
    return torch.cat(parts).numpy()


@torch.no_grad()
def query_similarities(
    model: CrossModalModel, word_vectors: np.ndarray, videos: np.ndarray
) -> np.ndarray:
    """Cosine similarities of one query (its word vectors (n, d)) to encoded videos (N, C)."""
    model.eval().cpu()
    words, mask = pad_sequences([np.asarray(word_vectors, dtype=np.float32)])
    return (model.encode_text(words, mask) @ torch.from_numpy(videos).T).numpy()[0]


def evaluate(model: CrossModalModel, split: RetrievalSplit, device: str | None = None) -> dict:
    """T2V and V2T metrics of a split."""
    sims = similarities(model, split, device)
    return {"t2v": metrics.t2v_metrics(sims), "v2t": metrics.v2t_metrics(sims)}


@dataclass(frozen=True)
class SeedResults:
    """One trained model per seed: test T2V metrics (one row per seed) and the per-query ranks."""

    rows: pd.DataFrame
    ranks: metrics.RankRuns  # test and validation T2V ranks, one row per seed


SeedRun = tuple[dict, np.ndarray, np.ndarray]
"""One trained model: its test metrics row, its test and its validation T2V ranks."""


def seed_run(
    train: RetrievalSplit,
    val: RetrievalSplit,
    test: RetrievalSplit,
    config: TrainConfig,
    device: str | None = None,
) -> SeedRun:
    """Train one model (seed `config.seed`) and rank the test and validation queries."""
    result = train_crossmodal(train, val, config, device=device)
    test_ranks = metrics.t2v_ranks(similarities(result.model, test, device))
    val_ranks = metrics.t2v_ranks(similarities(result.model, val, device))
    row = {"seed": config.seed, "best_epoch": result.best_epoch, **metrics.rank_metrics(test_ranks)}
    return row, test_ranks, val_ranks


def collect(runs: Sequence[SeedRun], test_pairs: int) -> SeedResults:
    """The seed runs of one setting as one row per seed and their ranks."""
    rows, test_ranks, val_ranks = zip(*runs, strict=True)
    ranks = metrics.RankRuns(np.stack(test_ranks), test_pairs, val=np.stack(val_ranks))
    return SeedResults(pd.DataFrame(list(rows)), ranks)
