"""SPOT-ALIGN Table 2: average vs max pooling of the sign-video embeddings over time."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from slr_lib.config import knob
from slr_lib.data.roles import corpus_label
from slr_lib.experiments.crossmodal_setup import (
    EMBEDDING_NAMES,
    GEOMETRIC_MEAN,
    SHOWN,
    CrossModalData,
    CrossModalTraining,
    SeedRuns,
    Variant,
    load_pairs,
    train_config,
    train_over_seeds,
)
from slr_lib.experiments.spotalign_setup import spot_align_missing
from slr_lib.model.crossmodal import POOLING_MODES
from slr_lib.papers.spot_align import TABLE_2
from slr_lib.papers.table import METRIC_LABELS
from slr_lib.reporting import format_mean_std
from slr_lib.results import ChapterResults, Claim
from slr_lib.verdicts import compare_ranks, effect_from_paper

TITLE = "Cross-modal retrieval: temporal aggregation (Table 2)"
PAPER_ROWS = {"avg": "Avg. pooling", "max": "Max pooling"}
"""Our pooling names -> the row labels of Table 2."""


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `crossmodal_pooling` section: CM training plus the poolings compared."""

    SECTION = "crossmodal_pooling"

    embedding: str = knob(choices=EMBEDDING_NAMES)
    poolings: list[str] = knob(choices=POOLING_MODES, min_items=1)


@dataclass(frozen=True)
class Results:
    """Test T2V metrics per pooling and seed, with the setting they were measured in."""

    seed_runs: SeedRuns  # variants named by pooling ("avg", "max")
    test_pairs: int
    embedding_model: str  # the sign-video embedding: the SPOT-ALIGN model its features come from

    @property
    def runs(self) -> pd.DataFrame:
        """One row per pooling and seed."""
        return self.seed_runs.runs

    @property
    def summary(self) -> pd.DataFrame:
        """Mean and std over seeds per pooling."""
        return self.seed_runs.summary


def unavailable(config: Config) -> str | None:
    """Why this chapter cannot run on the configured corpora (None: it can)."""
    return spot_align_missing(config.spotalign_dir)


def run(config: Config, data: CrossModalData | None = None) -> Results:
    """Train the CM model with each pooling over the seeds and test it (T2V)."""
    data = data if data is not None else load_pairs(config, config.embedding)
    variants = (Variant(p, data, train_config(config, p)) for p in config.poolings)
    return Results(
        seed_runs=train_over_seeds(variants, config.seeds, "pooling"),
        test_pairs=len(data.splits["test"]),
        embedding_model=str(data.meta["model"]),
    )


def table(results: Results) -> pd.DataFrame:
    """Our Table 2: mean ± std per pooling, rows and columns labelled as in the paper."""
    ours = format_mean_std(results.summary, SHOWN).rename(columns=METRIC_LABELS)
    ours.index = [PAPER_ROWS[p] for p in ours.index]
    return ours


def claims(results: Results) -> list[Claim]:
    """T2-avg-pooling: average pooling beats max pooling (geometric mean of R@1, R@5, R@10)."""
    summary, ranks = results.summary, results.seed_runs.ranks
    gm = summary[f"{GEOMETRIC_MEAN}_mean"]
    paper_avg = TABLE_2.value(PAPER_ROWS["avg"], "R@1")
    paper_max = TABLE_2.value(PAPER_ROWS["max"], "R@1")
    effect = effect_from_paper(
        TABLE_2.geometric_mean(PAPER_ROWS["avg"]), TABLE_2.geometric_mean(PAPER_ROWS["max"]),
        ranks["max"],
    )  # fmt: skip
    evidence = compare_ranks(ranks["avg"], ranks["max"], effect, names=("avg", "max"))
    return [
        Claim(
            id="T2-avg-pooling",
            paper="SPOT-ALIGN",
            source="Table 2",
            claim="Average pooling of the sign-video embeddings over time beats max pooling.",
            paper_value=f"R@1 {paper_avg:.1f} (avg) vs {paper_max:.1f} (max)",
            ours=f"R@1 {summary.loc['avg', 'R1_mean']:.1f} (avg) vs "
            f"{summary.loc['max', 'R1_mean']:.1f} (max); "
            f"geometric mean {gm['avg']:.1f} vs {gm['max']:.1f}",
            **evidence.claim_fields(),
            note=f"Sign-video embeddings: the final SPOT-ALIGN model ({results.embedding_model}).",
        )
    ]


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: mean and std per pooling, and the tested claim."""
    return ChapterResults(
        chapter="crossmodal_pooling",
        title=TITLE,
        profile=profile,
        data=f"{corpus_label(config.corpus_dir)}, {results.embedding_model} sign-video embedding, "
        f"{config.embedding} text",
        metrics=results.seed_runs.metrics(),
        claims=claims(results),
    )
