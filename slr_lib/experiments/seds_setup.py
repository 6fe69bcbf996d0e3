"""What the SEDS chapters share: training knobs, the data and text of every run, scoring runs.

A SEDS chapter loads one `SEDSSetup` from its section (`set_up`: the corpus, its RGB clip
features and sign-aligned splits, the MiniLM text backbone), trains its variants with the
section's model size and optimisation settings (`train_variants`), and compares them on T2V
RSum through a `Scoreboard`, which also gates each verdict on the compared runs having learned
above chance (`slr_lib.trainer.seds_study.gated_verdict`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data.clip_features import read_meta
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data_loader.seds import SEDSSplit, build_seds_splits
from slr_lib.model.seds import MODEL_SIZES, SEDSConfig
from slr_lib.papers.table import METRIC_LABELS, PaperTable
from slr_lib.paths import project_path
from slr_lib.trainer.seds import SEDSTrainConfig
from slr_lib.trainer.seds_study import (
    MiniLMText,
    Variant,
    VariantRun,
    chance_rsum,
    gated_verdict,
    learned,
    rsum,
    run_variant,
)

K = TypeVar("K", bound=Hashable)
DIRECTIONS = ("t2v", "v2t")


@dataclass(frozen=True)
class SEDSTraining(SectionConfig):
    """SEDS training (SEDS Sec. 4.1, CPU deviations in params.yaml): the `seds_training` block."""

    SECTION = "seds_training"

    corpus_dir: str = knob()
    rgb_features_dir: str = knob()
    model_size: str = knob(choices=tuple(MODEL_SIZES))
    max_clips: int = knob(ge=1)
    finetune_text: bool = knob()
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    lr_text: float = knob(gt=0)
    warmup: float = knob(ge=0, le=1)
    alpha: float = knob(ge=0)
    beta: float = knob(ge=0)
    seed: int = knob(ge=0)


@dataclass
class SEDSSetup:
    """What every run of a SEDS chapter loads once: the corpus, its splits, the text backbone.

    The model sizes and the optimisation settings are built from the section at training time
    (`model_config`, `train_config`), so a changed knob needs no reload.
    """

    corpus: Corpus
    meta: Mapping[str, Any]  # how the RGB clip features were made and cut
    splits: dict[str, SEDSSplit]
    text: MiniLMText

    @property
    def n_test(self) -> int:
        """Test pairs (= test videos) every run is scored on."""
        return len(self.splits["test"])


def load_splits(config: SEDSTraining) -> tuple[Corpus, Mapping[str, Any], dict[str, SEDSSplit]]:
    """The corpus, the meta of its RGB clip features and its sign-aligned SEDS splits."""
    corpus = Corpus.load(project_path(config.corpus_dir))
    features = project_path(config.rgb_features_dir)
    meta = read_meta(features)
    splits = build_seds_splits(
        corpus, read_ce_features(features / "main_videos.pkl"), meta, max_clips=config.max_clips
    )
    return corpus, meta, splits


def set_up(config: SEDSTraining) -> SEDSSetup:
    """Load the section's corpus, RGB features and splits, and the MiniLM text backbone."""
    corpus, meta, splits = load_splits(config)
    return SEDSSetup(corpus, meta, splits, MiniLMText(finetune=config.finetune_text))


def model_config(config: SEDSTraining, rgb_dim: int) -> SEDSConfig:
    """The SEDS sizes of the section's `model_size`, for RGB clip features of `rgb_dim`."""
    return SEDSConfig.of_size(config.model_size, rgb_dim=rgb_dim, max_clips=config.max_clips)


def train_config(config: SEDSTraining) -> SEDSTrainConfig:
    """The optimisation settings of the section (alpha and beta are set per variant)."""
    return SEDSTrainConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        lr_text=config.lr_text,
        warmup=config.warmup,
        seed=config.seed,
    )


def train_variants(
    config: SEDSTraining, setup: SEDSSetup, variants: Iterable[Variant]
) -> list[VariantRun]:
    """Train and test each variant in turn, all with the section's sizes and settings.

    Each variant starts from the section's seed, so its numbers do not depend on the order.
    """
    base = model_config(config, setup.splits["train"].rgb_dim)
    train = train_config(config)
    return [run_variant(v, base, setup.text, setup.splits, train) for v in variants]


def feature_summary(meta: Mapping[str, Any]) -> str:
    """One line on the RGB clip features: encoder, view, pre-training, size."""
    return (
        f"RGB clip features: {meta['encoder']} over the {meta['view']} view, pre-trained on "
        f"{meta.get('pretrained_on', '?')} ({meta.get('pretrain_windows', '?')} sign windows, "
        f"{meta.get('pretrain_classes', '?')} classes), frozen; {meta.get('dim', '?')}-d"
    )


def split_sizes(splits: Mapping[str, SEDSSplit]) -> pd.DataFrame:
    """Pairs and median clips per video of each split."""
    return pd.DataFrame(
        {
            "pairs": {s: len(p) for s, p in splits.items()},
            "clips per video (median)": {
                s: int(np.median([len(x.clips) for x in p.samples])) for s, p in splits.items()
            },
        }
    )


def runs_table(runs: Iterable[VariantRun], parameters: bool = False) -> pd.DataFrame:
    """Per run: the kept epoch, (optionally) trainable parameters, and wall time."""
    runs = list(runs)
    table = {"kept epoch": {r.variant.name: r.best_epoch for r in runs}}
    if parameters:
        table["trainable parameters"] = {
            r.variant.name: sum(p.numel() for p in r.model.parameters() if p.requires_grad)
            for r in runs
        }
    table["wall time (s)"] = {r.variant.name: round(r.seconds, 1) for r in runs}
    return pd.DataFrame(table)


def history(runs: Mapping[str, VariantRun]) -> pd.DataFrame:
    """The per-epoch training history of every run, a `model` column naming the run."""
    return pd.concat([r.history.assign(model=name) for name, r in runs.items()], ignore_index=True)


@dataclass(frozen=True)
class Scoreboard(Generic[K]):
    """Trained runs by key, scored on `n_test` test pairs: RSum, chance, gated verdicts."""

    runs: Mapping[K, VariantRun]
    n_test: int

    @property
    def chance(self) -> float:
        """T2V RSum of a random ranking of the test videos."""
        return chance_rsum(self.n_test)

    def rsum(self, key: K, direction: str = "t2v") -> float:
        """R@1 + R@5 + R@10 (in %) of run `key` on the test split."""
        return rsum(self.runs[key], direction)

    def r1(self, key: K, direction: str = "t2v") -> float:
        """R@1 (in %) of run `key` on the test split."""
        return self.runs[key].test[direction]["R1"]

    def learned(self, key: K) -> bool:
        """Whether run `key`'s T2V RSum is above twice chance."""
        return learned(self.runs[key], self.n_test)

    def gate(self, verdict: str, keys: Iterable[K]) -> str:
        """`verdict`, or "inconclusive" when one of the runs `keys` has not learned."""
        return gated_verdict(verdict, [self.runs[k] for k in keys], self.n_test)


HIDDEN = ("R10", "R50", "MedR", "MeanR")
"""T2V metrics that still separate models near chance, where R@1 and R@5 cannot."""


def near_chance_table(runs: Mapping[str, VariantRun], n_test: int) -> pd.DataFrame:
    """Test T2V R@10, R@50, MedR and MeanR of each run beside a random ranking's (`chance`)."""
    ours = pd.DataFrame({name: {m: r.test["t2v"][m] for m in HIDDEN} for name, r in runs.items()})
    chance = {
        "R10": 100.0 * min(10, n_test) / n_test,
        "R50": 100.0 * min(50, n_test) / n_test,
        "MedR": (n_test + 1) / 2,
        "MeanR": (n_test + 1) / 2,
    }
    return pd.concat([ours.T, pd.DataFrame({"chance": chance}).T])


def beside_paper(ours: pd.DataFrame, paper: pd.DataFrame) -> pd.DataFrame:
    """Our table (simulated) beside the paper's rows of the same names (How2Sign)."""
    return pd.concat({"ours (simulated)": ours, "paper (How2Sign)": paper.loc[ours.index]}, axis=1)


def paper_rows(rows: Mapping[str, tuple[PaperTable, str]], metrics: Sequence[str]) -> pd.DataFrame:
    """Rows of the paper's tables (our row name -> table, its row label) as numbers, with
    (direction, metric) columns like `slr_lib.trainer.seds_study.metrics_table`'s."""
    table = pd.DataFrame.from_dict(
        {
            name: {
                (d, m): paper.value(row, f"{d.upper()} {METRIC_LABELS[m]}")
                for d in DIRECTIONS
                for m in metrics
            }
            for name, (paper, row) in rows.items()
        },
        orient="index",
    )
    table.columns = pd.MultiIndex.from_product([DIRECTIONS, list(metrics)])
    return table
