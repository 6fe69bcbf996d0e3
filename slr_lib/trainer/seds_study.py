"""The SEDS chapters' runs: named model variants (streams, fusion, loss weights), trained alike.

A `Variant` names what an ablation changes: the streams (pose + RGB for SEDS, RGB alone for the
CiCo baseline, pose alone for SEDS Table 4), the fusion module (Table 5), and alpha and beta of
the joint loss (Table 6: beta = 0 drops the Pose-RGB objective; Fig. 5: the sweeps). Every run
of a chapter shares the model size, the optimisation settings and one MiniLM text backbone
(`MiniLMText`), keeps the epoch best on val and is scored on the test split by
the fine-grained similarity (`slr_lib.trainer.seds.similarities`), keeping the per-query T2V
ranks the verdicts read.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch
from torch import Tensor

from slr_lib.contrastive import ALPHA, BETA
from slr_lib.data_loader.seds import SEDSSplit
from slr_lib.metrics import rank_metrics, t2v_ranks, v2t_metrics
from slr_lib.model.seds import MAX_WORDS, SEDS, STREAMS, CaptionEncoder, SEDSConfig
from slr_lib.pipeline.timing import timed
from slr_lib.trainer.crossmodal import seed_everything
from slr_lib.trainer.seds import SEDSTrainConfig, encode_split, similarities, train_seds


@dataclass(frozen=True)
class Variant:
    """One model of an ablation: its streams, fusion module and loss weights."""

    name: str
    streams: tuple[str, ...] = STREAMS
    fusion: str = "cgaf"
    alpha: float = ALPHA
    beta: float = BETA
    domain_rgb: bool = False  # RGB clip features of the domain-aware encoder (CiCo's)


#: The paper's model and its two single-stream relatives.
SEDS_VARIANT = Variant("SEDS")
CICO_VARIANT = Variant("CiCo", streams=("rgb",), domain_rgb=True)
POSE_VARIANT = Variant("pose only", streams=("pose",))


class MiniLMText:
    """The packaged all-MiniLM-L6-v2, loaded once, handing out one text encoder per model.

    Frozen (the CPU profiles), every encoder shares the backbone and one cache of per-caption
    hidden states, so the backbone runs once per caption for all runs; fine-tuned (`finetune`,
    as the paper fine-tunes CLIP's text encoder), each encoder gets its own copy of it.
    """

    def __init__(self, finetune: bool = False, max_words: int = MAX_WORDS, device: str = "cpu"):
        from slr_lib.text_embeddings.minilm import MiniLMEmbedder

        minilm = MiniLMEmbedder.load(device=device)
        self.tokenizer, self.backbone = minilm.tokenizer, minilm.model
        self.finetune, self.max_words = finetune, max_words
        self.cache: dict = {}

    def fill_cache(self, texts: Iterable[str], batch_size: int = 64) -> None:
        """Run the frozen backbone over `texts` now, sorted, `batch_size` at a time, so that every
        run reads the same hidden states whichever runs (or processes) came before it."""
        if self.finetune:
            return
        with torch.random.fork_rng():  # the throw-away projection draws no run's numbers
            encoder = self.encoder(1)
        pending = sorted(set(texts) - self.cache.keys())
        for start in range(0, len(pending), batch_size):
            encoder(pending[start : start + batch_size])

    def encoder(self, embed_dim: int) -> CaptionEncoder:
        """A new text encoder, with its own projection to `embed_dim`."""
        if self.finetune:
            backbone = copy.deepcopy(self.backbone)
            return CaptionEncoder(
                self.tokenizer, backbone, embed_dim, self.max_words, finetune=True
            )
        return CaptionEncoder(
            self.tokenizer, self.backbone, embed_dim, self.max_words, finetune=False,
            cache=self.cache,
        )  # fmt: skip


@dataclass
class VariantRun:
    """A trained variant: the model, its training history, test metrics and wall time."""

    variant: Variant
    model: SEDS
    history: pd.DataFrame
    best_epoch: int
    test: dict[str, dict[str, float]]
    seconds: float
    ranks: dict[str, np.ndarray] = field(default_factory=dict)  # split -> 0-based T2V ranks


@dataclass(frozen=True)
class PoseInit:
    """A pre-trained pose encoder's weights and the parts of it a model starts from."""

    state: Mapping[str, Tensor]
    parts: tuple[str, ...]


def build_variant(
    variant: Variant, base: SEDSConfig, text: MiniLMText, pose_init: PoseInit | None = None
) -> SEDS:
    """The untrained model of a variant, with the sizes of `base` (pose parts from `pose_init`)."""
    config = replace(base, streams=variant.streams, fusion=variant.fusion)
    model = SEDS(config, text.encoder(config.embed_dim))
    if pose_init is not None and "pose" in model.streams:
        model.streams["pose"].encoder.load_parts(pose_init.state, pose_init.parts)
    return model


def run_variant(
    variant: Variant,
    base: SEDSConfig,
    text: MiniLMText,
    splits: dict[str, SEDSSplit],
    train: SEDSTrainConfig,
    device: str | None = None,
    pose_init: PoseInit | None = None,
) -> VariantRun:
    """Train a variant on `splits["train"]` (epoch kept on "val"), evaluate it on "test"."""
    start = time.perf_counter()
    with timed(f"SEDS family: {variant.name}"):
        seed_everything(train.seed)  # the initial weights depend on the seed alone
        model = build_variant(variant, base, text, pose_init)
        config = replace(train, alpha=variant.alpha, beta=variant.beta)
        result = train_seds(model, splits["train"], config, val=splits["val"], device=device)
        test = similarities(result.model, splits["test"], device=device)
        ranks = {
            "test": t2v_ranks(test["t2v"]),
            "val": t2v_ranks(similarities(result.model, splits["val"], device=device)["t2v"]),
        }
    metrics = {"t2v": rank_metrics(ranks["test"]), "v2t": v2t_metrics(test["v2t"])}
    return VariantRun(
        variant, result.model, result.history, result.best_epoch, metrics,
        time.perf_counter() - start, ranks,
    )  # fmt: skip


SHARED_PREFIX = "text.backbone."  # a frozen backbone's weights: shared by every run, not sent


def without_model(run: VariantRun) -> tuple[VariantRun, dict[str, Tensor]]:
    """A run made ready to cross between processes: the run without its model, and the model's
    weights (without a frozen text backbone, which every process already holds)."""
    frozen = not run.model.text.finetune
    state = {
        k: v for k, v in run.model.state_dict().items()
        if not (frozen and k.startswith(SHARED_PREFIX))
    }  # fmt: skip
    return replace(run, model=None), state


def with_model(
    run: VariantRun, state: Mapping[str, Tensor], base: SEDSConfig, text: MiniLMText
) -> VariantRun:
    """`without_model` undone: the variant's model rebuilt on `text` with the weights `state`."""
    with torch.random.fork_rng():
        model = build_variant(run.variant, base, text)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith(SHARED_PREFIX) for k in missing):
        raise ValueError(f"weights do not fit {run.variant.name}: {missing or unexpected}")
    return replace(run, model=model)


def mean_run(runs: list[VariantRun]) -> VariantRun:
    """The first of a variant's seed runs, its test metrics replaced by their mean over seeds."""
    test = {
        direction: {m: float(np.mean([r.test[direction][m] for r in runs])) for m in metrics}
        for direction, metrics in runs[0].test.items()
    }
    return replace(runs[0], test=test)


def metrics_table(
    runs: list[VariantRun], columns: tuple[str, ...] = ("R1", "R5", "R10", "MedR")
) -> pd.DataFrame:
    """T2V and V2T metrics of each run, one row per variant, (direction, metric) columns."""
    rows = {
        run.variant.name: {
            (direction, metric): run.test[direction][metric]
            for direction in ("t2v", "v2t")
            for metric in columns
        }
        for run in runs
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["direction", "metric"])
    return table


@torch.no_grad()
def matched_similarity(model: SEDS, split: SEDSSplit, device: str | None = None) -> pd.DataFrame:
    """Per pair of `split`, the mean clip-word similarity E of its own text and video, one
    column per stream of the model (and "fusion"): the quantity Fig. 6 of SEDS compares."""
    columns = {}
    for stream in [*model.config.streams, *(["fusion"] if model.fusion is not None else [])]:
        clips, clip_mask, words, word_mask = encode_split(model, split, stream, device)
        sims = torch.einsum("bld,btd->btl", words, clips)
        valid = (clip_mask[:, :, None] & word_mask[:, None, :]).to(sims.dtype)
        columns[stream] = ((sims * valid).sum((1, 2)) / valid.sum((1, 2))).cpu().numpy()
    return pd.DataFrame(columns)


@torch.no_grad()
def pair_matrices(model: SEDS, split: SEDSSplit, index: int) -> dict[str, np.ndarray]:
    """The (clips x words) similarity matrix E of one pair, per stream (and "fusion")."""
    model.eval()
    batch = split.batch([index]).to(next(model.parameters()).device)
    clips = model.encode_video(batch.clip_mask, batch.rgb, batch.frames, batch.windows)
    words, word_mask = model.encode_text(batch.texts)
    valid_words = words[0, word_mask[0]]
    return {
        name: (x[0, batch.clip_mask[0]] @ valid_words.T).cpu().numpy() for name, x in clips.items()
    }


def chance_rsum(n_videos: int) -> float:
    """RSum (R@1 + R@5 + R@10, in %) of a random ranking of `n_videos` videos."""
    return 100.0 * sum(min(k, n_videos) for k in (1, 5, 10)) / n_videos


def rsum(run: VariantRun, direction: str = "t2v") -> float:
    """A run's RSum = R@1 + R@5 + R@10 (in %) on the test split."""
    return sum(run.test[direction][m] for m in ("R1", "R5", "R10"))


def learned(run: VariantRun, n_videos: int, factor: float = 2.0) -> bool:
    """Whether a run's T2V RSum is above `factor` times chance: a model that is not has too
    little training to tell anything about the design choice it stands for."""
    return rsum(run) > factor * chance_rsum(n_videos)
