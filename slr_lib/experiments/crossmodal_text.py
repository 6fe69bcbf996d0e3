"""SPOT-ALIGN Table 3: text embeddings for the CM model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from slr_lib.config import knob
from slr_lib.data.roles import corpus_label
from slr_lib.experiments.crossmodal_setup import (
    EMBEDDING_NAMES,
    GEOMETRIC_MEAN,
    SHOWN,
    ClipCorpus,
    CrossModalTraining,
    SeedRuns,
    Variant,
    embed_pairs,
    section_clips,
    train_config,
    train_over_seeds,
)
from slr_lib.experiments.spotalign_setup import spot_align_missing
from slr_lib.model.crossmodal import POOLING_MODES
from slr_lib.papers.spot_align import TABLE_3
from slr_lib.reporting import format_mean_std
from slr_lib.results import ChapterResults, Claim
from slr_lib.verdicts import compare_ranks, effect_from_paper

TITLE = "Cross-modal retrieval: text embeddings (Table 3)"
STATIC, LANGUAGE_MODEL = "word2vec", "minilm"
"""The claim's two sides: our static word vectors and our language-model embeddings."""
PAPER_STATIC, PAPER_LANGUAGE_MODEL = "W2V", "Albert-XL"
"""Their rows in Table 3 (Albert-XL: the paper's best language model)."""


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `crossmodal_text` section: CM training plus the text embeddings compared."""

    SECTION = "crossmodal_text"

    pooling: str = knob(choices=POOLING_MODES)
    embeddings: list[str] = knob(choices=EMBEDDING_NAMES, min_items=1)


@dataclass(frozen=True)
class Results:
    """Test T2V metrics per text embedding and seed, with the setting they were measured in."""

    seed_runs: SeedRuns  # variants named by embedding; column "dim" gives its size
    test_pairs: int
    embedding_model: str  # the sign-video embedding: the SPOT-ALIGN model its features come from

    @property
    def runs(self) -> pd.DataFrame:
        """One row per embedding and seed."""
        return self.seed_runs.runs

    @property
    def summary(self) -> pd.DataFrame:
        """Mean and std over seeds per embedding."""
        return self.seed_runs.summary


def variants(config: Config, clips: ClipCorpus) -> Iterator[Variant]:
    """One variant per embedding, its pairs embedded only when it is its turn to train."""
    train = train_config(config, config.pooling)
    for name in config.embeddings:
        data = embed_pairs(clips, name, config.word2vec_dim)
        yield Variant(name, data, train, extra={"dim": data.embedder.dim})


def unavailable(config: Config) -> str | None:
    """Why this chapter cannot run on the configured corpora (None: it can)."""
    return spot_align_missing(config.spotalign_dir)


def run(config: Config, clips: ClipCorpus | None = None) -> Results:
    """Train the CM model with each text embedding over the seeds and test it (T2V)."""
    clips = clips if clips is not None else section_clips(config)
    return Results(
        seed_runs=train_over_seeds(variants(config, clips), config.seeds, "embedding"),
        test_pairs=clips.pairs_in("test"),
        embedding_model=str(clips.meta["model"]),
    )


def table(results: Results) -> pd.DataFrame:
    """Our Table 3: each embedding's size and mean ± std of the T2V metrics."""
    ours = format_mean_std(results.summary, SHOWN)
    ours.insert(0, "dim", results.runs.groupby("embedding", sort=False)["dim"].first())
    return ours


def ranking(results: Results) -> pd.Series:
    """The embeddings from best to worst on the mean T2V geometric mean of R@1, R@5, R@10."""
    return results.summary[f"{GEOMETRIC_MEAN}_mean"].sort_values(ascending=False)


def claims(results: Results) -> list[Claim]:
    """T3-static-beats-lm: in-domain word2vec beats MiniLM (geometric mean of R@1, R@5, R@10)."""
    summary, ranks = results.summary, results.seed_runs.ranks
    gm = summary[f"{GEOMETRIC_MEAN}_mean"]
    paper_static = TABLE_3.value(PAPER_STATIC, "R@1")
    paper_lm = TABLE_3.value(PAPER_LANGUAGE_MODEL, "R@1")
    effect = effect_from_paper(
        TABLE_3.geometric_mean(PAPER_STATIC), TABLE_3.geometric_mean(PAPER_LANGUAGE_MODEL),
        ranks[LANGUAGE_MODEL],
    )  # fmt: skip
    evidence = compare_ranks(
        ranks[STATIC], ranks[LANGUAGE_MODEL], effect, names=(STATIC, LANGUAGE_MODEL)
    )
    return [
        Claim(
            id="T3-static-beats-lm",
            paper="SPOT-ALIGN",
            source="Table 3",
            claim="Static word embeddings (word2vec, GrOVLE) beat language-model embeddings "
            "(GPT, GPT-2-xl, Albert-XL) for the CM text encoder.",
            paper_value=f"R@1 {paper_static:.1f} (W2V) vs {paper_lm:.1f} (Albert-XL, best LM)",
            ours=f"R@1 {summary.loc[STATIC, 'R1_mean']:.1f} (word2vec) vs "
            f"{summary.loc[LANGUAGE_MODEL, 'R1_mean']:.1f} (MiniLM); geometric mean "
            f"{gm[STATIC]:.1f} vs {gm[LANGUAGE_MODEL]:.1f}",
            **evidence.claim_fields(),
            note="Our LM is MiniLM-L6 (contextual, offline), our word2vec is trained in-domain; "
            f"sign-video embeddings: the final SPOT-ALIGN model ({results.embedding_model}).",
        )
    ]


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: mean and std per embedding, and the tested claim."""
    return ChapterResults(
        chapter="crossmodal_text",
        title=TITLE,
        profile=profile,
        data=f"{corpus_label(config.corpus_dir)}, {results.embedding_model} sign-video embedding",
        metrics=results.seed_runs.metrics(),
        claims=claims(results),
    )
