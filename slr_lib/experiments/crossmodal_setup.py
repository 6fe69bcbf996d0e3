"""What the cross-modal (CM) chapters share: training knobs, the sentence/clip pairs, seed runs.

A CM chapter loads a corpus and its clip features (`load_clips`, or `section_clips` for its
section), embeds the sentences with one text embedder (`embed_pairs`; both steps at once:
`load_pairs`), builds the trainer's `TrainConfig` from its section (`train_config`) and trains
each variant it compares over the seeds (`train_over_seeds`), which gives one row per variant
and seed, their mean ± std, and each variant's per-query ranks for the verdict policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data.clip_features import read_meta
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data_loader.retrieval import RetrievalSplit, load_splits
from slr_lib.experiments import spotalign_setup
from slr_lib.logging_setup import get_logger
from slr_lib.losses import NORMALISATIONS
from slr_lib.metrics import RankRuns
from slr_lib.paths import project_path
from slr_lib.reporting import mean_std
from slr_lib.text_embeddings import TokenEmbedder, make_sized_embedder
from slr_lib.text_embeddings.factory import EMBEDDERS
from slr_lib.trainer.crossmodal import SeedRun, TrainConfig, collect, pick_device, seed_run
from slr_lib.trainer.parallel import map_runs

log = get_logger(__name__)


@dataclass(frozen=True)
class CrossModalKnobs(SectionConfig):
    """CM embedding training (SPOT-ALIGN supplement B.4) on a corpus, clips read elsewhere."""

    corpus_dir: str = knob()
    clusters: int = knob(ge=1)
    out_dim: int = knob(ge=1)
    margin: float = knob(ge=0)
    loss_normalisation: str = knob(choices=NORMALISATIONS)
    lr: float = knob(gt=0)
    weight_decay: float = knob(ge=0)
    batch_size: int = knob(ge=2)
    epochs: int = knob(ge=1)
    seeds: list[int] = knob(ge=0, min_items=1)
    word2vec_dim: int = knob(ge=1)


@dataclass(frozen=True)
class CrossModalTraining(CrossModalKnobs):
    """CM training on the final SPOT-ALIGN sign-video embedding: the `crossmodal_training` block.

    `spotalign_dir` is the `spot_align` stage's folder; its final model (the paper's M+D3, the
    embedding of its Tables 2 and 3) gives the clip features.
    """

    SECTION = "crossmodal_training"

    spotalign_dir: str = knob()


EMBEDDING_NAMES = tuple(e for e in EMBEDDERS if e != "file")

SHOWN = ["R1", "R5", "R10", "MedR", "R50", "MeanR"]
"""The T2V metrics the CM tables print: the papers' R@1, R@5, R@10, MedR, then R@50 and MeanR,
which still separate models that the first four leave near chance."""
GEOMETRIC_MEAN = "geometric_mean_R1_R5_R10"
"""The model-selection metric, also what the CM claims compare."""
SUMMARISED = [*SHOWN, GEOMETRIC_MEAN]
"""The metrics a CM summary gives as mean and std over seeds."""


class TrainingKnobs(Protocol):
    """Any section with the CM training knobs (a `CrossModalTraining` or a section copying them)."""

    clusters: int
    out_dim: int
    margin: float
    loss_normalisation: str
    lr: float
    weight_decay: float
    batch_size: int
    epochs: int


@dataclass(frozen=True)
class ClipCorpus:
    """A corpus with the clip features of its videos and how the clips were cut (`meta`)."""

    corpus: Corpus
    features: Mapping[str, np.ndarray]
    meta: Mapping[str, Any]

    def train_texts(self) -> list[str]:
        """The training sentences (the vocabulary of the embedders trained here)."""
        return self.corpus.split_sentences("train")["text"].tolist()

    def pairs_in(self, split: str) -> int:
        """The number of sentence/clip pairs of a split (one per sentence)."""
        return len(self.corpus.split_sentences(split))


@dataclass(frozen=True)
class CrossModalData:
    """The train/val/test sentence/clip pairs of a corpus, texts embedded by `embedder`."""

    clips: ClipCorpus
    embedder: TokenEmbedder
    splits: dict[str, RetrievalSplit]

    @property
    def meta(self) -> Mapping[str, Any]:
        """How the clips were cut (view, window, stride)."""
        return self.clips.meta

    def pair_counts(self) -> pd.Series:
        """Text-video pairs per split."""
        return pd.Series({s: len(v) for s, v in self.splits.items()}, name="text-video pairs")


def read_clips(corpus: Corpus, features_dir: str | Path) -> ClipCorpus:
    """`corpus` with the clip features (and their meta) of the folder `features_dir`."""
    folder = project_path(features_dir)
    return ClipCorpus(corpus, read_ce_features(folder / "main_videos.pkl"), read_meta(folder))


def load_clips(corpus_dir: str | Path, features_dir: str | Path) -> ClipCorpus:
    """The corpus at `corpus_dir` with the clip features of `features_dir` (project paths)."""
    return read_clips(Corpus.load(project_path(corpus_dir)), features_dir)


def embed_pairs(
    clips: ClipCorpus, embedding: str, word2vec_dim: int, timing: str = "sign"
) -> CrossModalData:
    """The pairs of `clips`, texts embedded by the embedder `embedding` (sized by the knob)."""
    embedder = make_sized_embedder(embedding, clips.train_texts(), word2vec_dim)
    return with_embedder(clips, embedder, timing)


def with_embedder(
    clips: ClipCorpus, embedder: TokenEmbedder, timing: str = "sign"
) -> CrossModalData:
    """The pairs of `clips`, texts embedded by `embedder`, subtitles timed by `timing`."""
    splits = load_splits(clips.corpus, clips.features, clips.meta, embedder.embed, timing)
    return CrossModalData(clips, embedder, splits)


def final_embedding_dir(spotalign_dir: str | Path) -> Path:
    """The clip-feature folder of the `spot_align` stage's final model (M+Dn, expanded)."""
    summary = spotalign_setup.read_summary(spotalign_dir)
    return project_path(spotalign_dir) / "features" / spotalign_setup.final_model(summary)


def section_clips(config: CrossModalTraining) -> ClipCorpus:
    """The section's corpus and final SPOT-ALIGN clip features; logs device, epochs and clips."""
    clips = load_clips(config.corpus_dir, final_embedding_dir(config.spotalign_dir))
    log_setup(config, clips.meta)
    return clips


def load_pairs(config: CrossModalTraining, embedding: str) -> CrossModalData:
    """The section's corpus and clip features, texts embedded by `embedding`."""
    return embed_pairs(section_clips(config), embedding, config.word2vec_dim)


def log_setup(config: TrainingKnobs, meta: Mapping[str, Any]) -> None:
    """One log line: the device, the epochs and how the clips were cut."""
    log.info(
        "device %s; %d epochs; clips: %s view, window %d, stride %d",
        pick_device(),
        config.epochs,
        meta["view"],
        meta["window"],
        meta["stride"],
    )


def train_config(config: TrainingKnobs, pooling: str = "avg") -> TrainConfig:
    """The trainer's settings from a section's CM knobs, with the temporal `pooling`."""
    return TrainConfig(
        pooling=pooling,
        clusters=config.clusters,
        out_dim=config.out_dim,
        margin=config.margin,
        loss_normalisation=config.loss_normalisation,
        lr=config.lr,
        weight_decay=config.weight_decay,
        batch_size=config.batch_size,
        epochs=config.epochs,
    )


@dataclass(frozen=True)
class Variant:
    """One compared setting: its name, its pairs, its training, extra columns for its rows."""

    name: str
    data: CrossModalData
    train: TrainConfig
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedRuns:
    """Test T2V metrics of each variant: one row per variant and seed, mean ± std, and the
    per-query test and validation ranks of each variant's seeds."""

    runs: pd.DataFrame
    summary: pd.DataFrame  # index: variant names; COLUMN_mean, COLUMN_std for SUMMARISED
    ranks: Mapping[str, RankRuns]

    def metrics(self) -> dict[str, dict[str, float]]:
        """The summary as plain numbers, one mapping per variant (for the results file)."""
        return {
            v: {k: float(x) for k, x in self.summary.loc[v].items()} for v in self.summary.index
        }


def train_over_seeds(
    variants: Iterable[Variant], seeds: list[int], by: str, device: str | None = None
) -> SeedRuns:
    """Train and test each variant once per seed; column `by` names the variant.

    Every variant's pairs are built first, then all variant-seed runs share the worker processes
    (`slr_lib.trainer.parallel`), so that no core idles while a variant's last seed trains.
    """
    variants = list(variants)
    jobs = [(variant, seed) for variant in variants for seed in seeds]

    def run(index: int) -> SeedRun:
        variant, seed = jobs[index]
        splits = variant.data.splits
        config = replace(variant.train, seed=seed)
        return seed_run(splits["train"], splits["val"], splits["test"], config, device)

    done = map_runs(run, len(jobs))
    runs, ranks = [], {}
    for k, variant in enumerate(variants):
        per_seed = collect(
            done[k * len(seeds) : (k + 1) * len(seeds)], len(variant.data.splits["test"])
        )
        runs.append(per_seed.rows.assign(**{by: variant.name}, **variant.extra))
        ranks[variant.name] = per_seed.ranks
    frame = pd.concat(runs, ignore_index=True)
    return SeedRuns(frame, mean_std(frame, by, SUMMARISED), ranks)
