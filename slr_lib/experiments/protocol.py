"""The evaluation protocol chapter: the metric convention, chance level, all-tied scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from slr_lib import metrics
from slr_lib.baselines import random_embedding_similarities
from slr_lib.config import SectionConfig, knob
from slr_lib.papers.spot_align_supplement import TABLE_A1
from slr_lib.papers.table import METRIC_LABELS
from slr_lib.reporting import mean_std
from slr_lib.results import ChapterResults, Claim
from slr_lib.verdicts import matches


@dataclass(frozen=True)
class Config(SectionConfig):
    """Sizes of the random-embedding test sets (`protocol` section)."""

    SECTION = "protocol"

    n_videos: int = knob(ge=2)
    embed_dim: int = knob(ge=1)
    seeds: list[int] = knob(ge=0, min_items=1)
    n_browser_queries: int = knob(ge=1)
    top_k_shown: int = knob(ge=1)


@dataclass(frozen=True)
class Results:
    """What the chapter measured: per-seed random-embedding metrics, tied scores, the curve."""

    runs: pd.DataFrame  # one row per seed and direction
    summary: pd.DataFrame  # mean and std per direction
    chance: dict[str, float]
    tied: pd.DataFrame  # (N, tie rule) -> metrics of an all-tied matrix
    recall_curve: pd.DataFrame  # K, measured, chance
    pooled_ranks: np.ndarray  # T2V ranks of every seed
    first_sims: np.ndarray  # seed 0's similarities, for the browser


SHOWN = ["R1", "R5", "R10", "R50", "MedR", "MeanR"]
TIED_SHOWN = ["R1", "R5", "R10", "MedR"]
PAPER_TEST_VIDEOS = 2348  # How2Sign test split used by SPOT-ALIGN (supplement, Sec. C)
PAPER_ROW = "M (random)"


def toy_ranks() -> pd.DataFrame:
    """The worked example: 0-based T2V ranks of a 4 x 4 matrix with ties, under each rule."""
    toy = np.array(
        [
            [0.9, 0.9, 0.1, 0.9],
            [0.2, 0.5, 0.5, 0.1],
            [0.3, 0.3, 0.3, 0.3],
            [0.1, 0.2, 0.3, 0.8],
        ]
    )
    return pd.DataFrame(
        {rule: metrics.t2v_ranks(toy, ties=rule) for rule in metrics.TIE_RULES},
        index=pd.Index(range(4), name="query"),
    )


def run(config: Config) -> Results:
    """Random embeddings per seed in both directions, the recall curve, all-tied matrices."""
    rows, first_sims, n = [], None, config.n_videos
    for seed in tqdm(config.seeds, desc="random embeddings"):
        sims = random_embedding_similarities(n, n, config.embed_dim, seed)
        first_sims = sims if first_sims is None else first_sims
        for direction, scorer in (("T2V", metrics.t2v_metrics), ("V2T", metrics.v2t_metrics)):
            rows.append({"seed": seed, "direction": direction, **scorer(sims)})
    runs = pd.DataFrame(rows)
    pooled = np.concatenate(
        [
            metrics.t2v_ranks(random_embedding_similarities(n, n, config.embed_dim, s))
            for s in config.seeds
        ]
    )
    ks = np.unique(np.linspace(1, n, 40).astype(int))
    curve = pd.DataFrame(
        {"K": ks, "measured": [100.0 * np.mean(pooled < k) for k in ks], "chance": 100.0 * ks / n}
    )
    return Results(
        runs=runs,
        summary=mean_std(runs, "direction", SHOWN),
        chance=metrics.chance_metrics(n),
        tied=tied_scores(sorted({n, PAPER_TEST_VIDEOS})),
        recall_curve=curve,
        pooled_ranks=pooled,
        first_sims=first_sims,
    )


def tied_scores(sizes: list[int]) -> pd.DataFrame:
    """Metrics of an all-tied N x N matrix under each tie rule, with the paper's row."""
    rows = [
        {"N": n, "tie rule": rule, **{m: scores[m] for m in TIED_SHOWN}}
        for n in sizes
        for rule in metrics.TIE_RULES
        for scores in [metrics.t2v_metrics(np.zeros((n, n)), ties=rule)]
    ]
    tied = pd.DataFrame(rows).set_index(["N", "tie rule"])
    tied.loc[(PAPER_TEST_VIDEOS, "paper (Table A.1)"), :] = [
        TABLE_A1.value(PAPER_ROW, f"SR {METRIC_LABELS[m]}") for m in TIED_SHOWN
    ]
    return tied


def claims(results: Results) -> list[Claim]:
    """A.1-chance: a recogniser that recognises nothing retrieves at chance."""
    ours = results.tied.loc[(PAPER_TEST_VIDEOS, "average")]
    paper = {m: TABLE_A1.value(PAPER_ROW, f"SR {METRIC_LABELS[m]}") for m in TIED_SHOWN}
    optimistic_medr = results.tied.loc[(PAPER_TEST_VIDEOS, "optimistic"), "MedR"]
    return [
        Claim(
            id="A1-chance",
            paper="SPOT-ALIGN supplement",
            source="Table A.1 (M, random init., sign recognition)",
            claim="A sign recognition model that recognises nothing retrieves at chance: "
            "R@1/5/10 = 0.0 and MedR 1174.5 on the 2,348 test videos.",
            paper_value="R@1/5/10 0.0 / 0.0 / 0.0, MedR 1174.5",
            ours=f"R@1/5/10 {ours['R1']:.1f} / {ours['R5']:.1f} / {ours['R10']:.1f}, "
            f"MedR {ours['MedR']:.1f} (all scores tied, N = {PAPER_TEST_VIDEOS:,})",
            verdict=matches(ours, paper),
            note="1174.5 = (2348 + 1) / 2 is what tie-averaging gives; optimistic ties would "
            f"report MedR {optimistic_medr:.0f}. The paper's evaluation averages ties, "
            "as ours does.",
        )
    ]


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: metrics for `dvc metrics` and the tested claims."""
    ours = results.tied.loc[(PAPER_TEST_VIDEOS, "average")]
    return ChapterResults(
        chapter="protocol",
        title="The evaluation protocol and chance level",
        profile=profile,
        data=f"synthetic random embeddings, N = {config.n_videos}",
        metrics={
            "random_t2v": {k: float(v) for k, v in results.summary.loc["T2V"].items()},
            "random_v2t": {k: float(v) for k, v in results.summary.loc["V2T"].items()},
            "chance": {m: results.chance[m] for m in SHOWN},
            "all_tied_paper_size": {m: float(ours[m]) for m in TIED_SHOWN},
        },
        claims=claims(results),
    )
