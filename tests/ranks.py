"""Hand-made per-query ranks for tests of the verdict policy and of the chapters that use it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from slr_lib.experiments.crossmodal_setup import SUMMARISED, SeedRuns
from slr_lib.metrics import RankRuns, rank_metrics
from slr_lib.reporting import mean_std
from slr_lib.verdicts import MIN_SEEDS


def rank_runs(
    hit_rate: float,
    seeds: int = MIN_SEEDS,
    queries: int = 300,
    seed: int = 0,
    val_hit_rate: float | None = None,
) -> RankRuns:
    """A model whose own video comes first with probability `hit_rate`, else anywhere among the
    other videos (as many videos as queries; test and validation, one row per seed)."""
    rng = np.random.default_rng(seed)

    def ranks(rate: float) -> np.ndarray:
        hit = rng.random((seeds, queries)) < rate
        return np.where(hit, 0.0, rng.integers(1, queries, (seeds, queries)).astype(float))

    val = ranks(hit_rate if val_hit_rate is None else val_hit_rate)
    return RankRuns(ranks(hit_rate), queries, val=val)


def seed_runs(levels: dict[str, float], by: str, **extra: dict[str, object]) -> SeedRuns:
    """`SeedRuns` of variants named as `levels` keys, each hitting at its rate over 3 seeds;
    `extra` maps a column name to its value per variant."""
    ranks = {name: rank_runs(rate, seed=i) for i, (name, rate) in enumerate(levels.items())}
    runs = pd.DataFrame(
        [
            {"seed": s, "best_epoch": 1, **rank_metrics(r.test[s]), by: name,
             **{column: values[name] for column, values in extra.items()}}
            for name, r in ranks.items()
            for s in range(r.seeds)
        ]
    )  # fmt: skip
    return SeedRuns(runs, mean_std(runs, by, SUMMARISED), ranks)
