"""The verdict rule for one measure compared between two corpora: the items (test sentences)
differ, so the comparison is unpaired.

It is the verdict policy's interval rule (`slr_lib.verdicts.interval_verdict`: at least
`MIN_SEEDS` seeds a side, the interval above 0 with the other split agreeing, or below the effect
size recorded beforehand) on a bootstrap interval that resamples each corpus's items and each
side's seeds independently (`bootstrap_unpaired`), where `verdicts.compare_measurements`
resamples the same items on both sides.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from slr_lib.verdicts import (
    BOOTSTRAP_SAMPLES,
    BOOTSTRAP_SEED,
    Evidence,
    interval_verdict,
    percentile_interval,
)


def _draw(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(seeds, items) values with seeds and items each drawn with replacement."""
    seeds = rng.integers(0, values.shape[0], values.shape[0])
    items = rng.integers(0, values.shape[1], values.shape[1])
    return values[seeds][:, items]


def bootstrap_unpaired(
    better: np.ndarray, worse: np.ndarray, score: Callable[[np.ndarray], float] = np.mean
) -> tuple[float, float, float]:
    """`score(better) - score(worse)` of two (seeds, items) arrays over different items, and its
    percentile interval."""
    better, worse = np.asarray(better, dtype=float), np.asarray(worse, dtype=float)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = np.array(
        [score(_draw(better, rng)) - score(_draw(worse, rng)) for _ in range(BOOTSTRAP_SAMPLES)]
    )
    return score(better) - score(worse), *percentile_interval(draws)


def compare_between_corpora(
    better: np.ndarray,
    worse: np.ndarray,
    effect: float,
    metric: str,
    validation: float | None = None,
    names: tuple[str, str] = ("the first corpus", "the second corpus"),
    digits: int = 3,
) -> Evidence:
    """Verdict on "the mean of `better` is higher than the mean of `worse`", two (seeds, items)
    arrays of one per-item measure on two corpora; `validation` is the difference on the other
    split."""
    better, worse = np.asarray(better, dtype=float), np.asarray(worse, dtype=float)
    diff, low, high = bootstrap_unpaired(better, worse)
    seeds = dict(zip(names, (better.shape[0], worse.shape[0]), strict=True))
    verdict, reason = interval_verdict(low, high, effect, validation, seeds)
    return Evidence(
        metric=metric, difference=diff, low=low, high=high, effect=effect,
        seeds=(better.shape[0], worse.shape[0]), queries=better.shape[1] + worse.shape[1],
        validation=validation, verdict=verdict, reason=reason,
        unit=f"test sentences ({better.shape[1]} + {worse.shape[1]}, resampled per corpus)",
        digits=digits,
    )  # fmt: skip
