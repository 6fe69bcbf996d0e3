"""What the SEDS chapters share: training knobs, the data and text of every run, scoring runs.

A SEDS chapter loads one `SEDSSetup` from its section (`set_up`: the corpus, its RGB clip
features and sign-aligned splits, the MiniLM text backbone), trains its variants with the
section's model size and optimisation settings (`train_seeds`), shows them through a
`Scoreboard` (T2V RSum beside chance), and hands each variant's per-query ranks over seeds
(`rank_runs`) to the verdict policy.
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
from slr_lib.metrics import RankRuns
from slr_lib.model.pose_gcn import PoseEncoder
from slr_lib.model.seds import MODEL_SIZES, SEDSConfig
from slr_lib.papers.table import METRIC_LABELS, PaperTable
from slr_lib.paths import project_path
from slr_lib.trainer.parallel import map_runs
from slr_lib.trainer.pose_encoder import load_pose_encoder
from slr_lib.trainer.seds import SEDSTrainConfig
from slr_lib.trainer.seds_study import (
    MiniLMText,
    PoseInit,
    Variant,
    VariantRun,
    chance_rsum,
    learned,
    rsum,
    run_variant,
    with_model,
    without_model,
)

K = TypeVar("K", bound=Hashable)
DIRECTIONS = ("t2v", "v2t")


@dataclass(frozen=True)
class SEDSTraining(SectionConfig):
    """SEDS training (SEDS Sec. 4.1, CPU deviations in params.yaml): the `seds_training` block."""

    SECTION = "seds_training"

    corpus_dir: str = knob()
    rgb_features_dir: str = knob()
    cico_features_dir: str = knob()  # "": CiCo reads rgb_features_dir too
    pose_encoder_dir: str = knob()  # "": the pose encoder starts from scratch
    pose_init: list[str] = knob(choices=PoseEncoder.PARTS, min_items=1)
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
    seeds: list[int] = knob(ge=0, min_items=1)  # training seeds of every compared model


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
    pose_init: PoseInit | None = None  # the pre-trained pose encoder, if any
    domain_splits: dict[str, SEDSSplit] | None = None  # the same pairs, domain-aware RGB
    domain_meta: Mapping[str, Any] | None = None  # how those RGB clip features were made

    def splits_for(self, variant: Variant) -> dict[str, SEDSSplit]:
        """The splits a variant trains on: with the domain-aware RGB features if it asks."""
        if variant.domain_rgb and self.domain_splits is not None:
            return self.domain_splits
        return self.splits

    @property
    def n_test(self) -> int:
        """Test pairs (= test videos) every run is scored on."""
        return len(self.splits["test"])


def load_splits(
    config: SEDSTraining, features_dir: str | None = None, corpus: Corpus | None = None
) -> tuple[Corpus, Mapping[str, Any], dict[str, SEDSSplit]]:
    """The corpus, the meta of its RGB clip features (`rgb_features_dir` unless `features_dir`
    is given) and its sign-aligned SEDS splits."""
    corpus = corpus or Corpus.load(project_path(config.corpus_dir))
    features = project_path(features_dir or config.rgb_features_dir)
    meta = read_meta(features)
    splits = build_seds_splits(
        corpus, read_ce_features(features / "main_videos.pkl"), meta, max_clips=config.max_clips
    )
    return corpus, meta, splits


def load_pose_init(config: SEDSTraining) -> PoseInit | None:
    """The pre-trained pose encoder of `pose_encoder_dir`, checked against `model_size`."""
    if not config.pose_encoder_dir:
        return None
    gcn_dims, state = load_pose_encoder(project_path(config.pose_encoder_dir))
    wanted = tuple(MODEL_SIZES[config.model_size]["gcn_dims"])
    if gcn_dims != wanted:
        raise ValueError(
            f"the pose encoder in {config.pose_encoder_dir} has graph sizes {gcn_dims}, but "
            f"model_size {config.model_size!r} needs {wanted}: set pose_encoder.model_size to "
            "seds_training's and re-run the pose_encoder stage"
        )
    return PoseInit(state, tuple(config.pose_init))


def set_up(config: SEDSTraining, domain: bool = False) -> SEDSSetup:
    """Load the section's corpus, RGB features and splits, the pre-trained pose encoder and the
    MiniLM text backbone; with `domain`, also the splits over `cico_features_dir`."""
    corpus, meta, splits = load_splits(config)
    domain_meta, domain_splits = None, None
    if domain and config.cico_features_dir:
        _, domain_meta, domain_splits = load_splits(config, config.cico_features_dir, corpus)
    return SEDSSetup(
        corpus, meta, splits, MiniLMText(finetune=config.finetune_text),
        load_pose_init(config), domain_splits, domain_meta,
    )  # fmt: skip


def model_config(config: SEDSTraining, rgb_dim: int) -> SEDSConfig:
    """The SEDS sizes of the section's `model_size`, for RGB clip features of `rgb_dim`."""
    return SEDSConfig.of_size(config.model_size, rgb_dim=rgb_dim, max_clips=config.max_clips)


def train_config(config: SEDSTraining, seed: int) -> SEDSTrainConfig:
    """The optimisation settings of the section (alpha and beta are set per variant)."""
    return SEDSTrainConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        lr_text=config.lr_text,
        warmup=config.warmup,
        seed=seed,
    )


def train_variants(
    config: SEDSTraining, setup: SEDSSetup, variants: Iterable[Variant], seed: int | None = None
) -> list[VariantRun]:
    """Train and test each variant, all with the section's sizes and settings and one `seed`
    (the section's first by default)."""
    chosen = config.seeds[0] if seed is None else seed
    return train_runs(config, setup, [(v, chosen) for v in variants])


def train_seeds(
    config: SEDSTraining, setup: SEDSSetup, variants: Sequence[Variant]
) -> dict[str, list[VariantRun]]:
    """Each variant trained once per seed of the section: variant name -> runs in seed order."""
    runs = train_runs(config, setup, [(v, seed) for v in variants for seed in config.seeds])
    per_variant = len(config.seeds)
    return {v.name: runs[i * per_variant : (i + 1) * per_variant] for i, v in enumerate(variants)}


def train_runs(
    config: SEDSTraining, setup: SEDSSetup, jobs: Sequence[tuple[Variant, int]]
) -> list[VariantRun]:
    """Train and test each (variant, seed), side by side in worker processes
    (`slr_lib.trainer.parallel`); the runs in the order given.

    A run seeds everything it draws from when it starts and the frozen text features are
    computed once beforehand, so its numbers depend neither on the other runs nor on how many
    processes share them.
    """
    base = model_config(config, setup.splits["train"].rgb_dim)
    setup.text.fill_cache(text for split in setup.splits.values() for text in split.texts)

    def run(index: int) -> tuple[VariantRun, dict]:
        variant, seed = jobs[index]
        trained = run_variant(
            variant, base, setup.text, setup.splits_for(variant), train_config(config, seed),
            pose_init=setup.pose_init,
        )  # fmt: skip
        return without_model(trained)

    return [with_model(r, state, base, setup.text) for r, state in map_runs(run, len(jobs))]


def rank_runs(runs: Sequence[VariantRun], n_test: int) -> RankRuns:
    """The per-query T2V test and validation ranks of one variant's seed runs."""
    return RankRuns(
        np.stack([r.ranks["test"] for r in runs]), n_test, np.stack([r.ranks["val"] for r in runs])
    )


def feature_summary(meta: Mapping[str, Any]) -> str:
    """One line on RGB clip features: encoder, view, pre-training, fine-tuning, size."""
    tuned = ""
    if meta.get("domain_aware"):
        tuned = (
            f", fine-tuned on {meta['pseudo_label_windows']} pseudo-labelled windows of "
            f"{meta['pseudo_label_classes']} glosses ({meta['pseudo_labels']}; training top-1 "
            f"{meta['finetune_train_accuracy']:.1%})"
        )
    return (
        f"RGB clip features: {meta['encoder']} over the {meta['view']} view, pre-trained on "
        f"{meta.get('pretrained_on', '?')} ({meta.get('pretrain_windows', '?')} sign windows, "
        f"{meta.get('pretrain_classes', '?')} classes){tuned}, frozen; {meta.get('dim', '?')}-d"
    )


def pose_encoder_summary(config: SEDSTraining) -> str:
    """One line on where the pose encoder starts: its pre-training, or from scratch."""
    if not config.pose_encoder_dir:
        return "Pose encoder: trained from scratch"
    meta = read_meta(project_path(config.pose_encoder_dir))
    return (
        f"Pose encoder: pre-trained to classify the signs of {meta['pretrained_on']} "
        f"({meta['pretrain_windows']} windows, {meta['pretrain_classes']} classes; held-out top-1 "
        f"{meta['held_out_accuracy']:.1%}, chance {meta['chance_accuracy']:.2%}); parts that "
        f"start from it: {', '.join(config.pose_init)}"
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
    """Trained runs by key, scored on `n_test` test pairs: RSum, R@1 and chance."""

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
