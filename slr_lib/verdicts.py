"""The verdict policy: the one place where a comparison of ours becomes a claim's verdict.

Every chapter states a paper's claim as "A beats B" (higher is better) and calls one of these
rules. Verdicts are `holds`, `does not hold`, `inconclusive` (and `partly`, for claims with
several parts, decided by the chapter from its parts' verdicts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def compare_means(summary: pd.DataFrame, better: str, worse: str, column: str) -> str:
    """Verdict on "`better` beats `worse` on `column`" over seeded runs (a `mean_std` summary).

    "holds" when the difference of means exceeds the larger of the two standard deviations,
    "does not hold" when it is that far the other way, "inconclusive" otherwise.
    """
    diff = summary.loc[better, f"{column}_mean"] - summary.loc[worse, f"{column}_mean"]
    noise = max(summary.loc[better, f"{column}_std"], summary.loc[worse, f"{column}_std"])
    if diff > noise:
        return "holds"
    if diff < -noise:
        return "does not hold"
    return "inconclusive"


def compare_values(worse: float, better: float, tolerance: float = 0.05) -> str:
    """Verdict on "`better` is higher than `worse`" for single measurements (no seeds).

    "holds" when `better` exceeds `worse` by more than `tolerance` of it, "does not hold" when it
    is below by that much, "inconclusive" otherwise.
    """
    margin = tolerance * abs(worse)
    if better > worse + margin:
        return "holds"
    if better < worse - margin:
        return "does not hold"
    return "inconclusive"


def interval_verdict(low: float, high: float) -> str:
    """Verdict from the interval of a difference (better - worse): above 0 holds, below fails."""
    if low > 0:
        return "holds"
    return "does not hold" if high < 0 else "inconclusive"


def gate(verdict: str, learned: bool) -> str:
    """`verdict`, or "inconclusive" when a compared model has not learned above chance."""
    return verdict if learned else "inconclusive"


def matches(ours: Mapping[str, float], paper: Mapping[str, float]) -> str:
    """Verdict on "we get the paper's numbers" for a deterministic quantity (no noise)."""
    return "holds" if all(np.isclose(ours[k], v) for k, v in paper.items()) else "does not hold"


def best_of(scores: Mapping[object, float], candidate: object, tolerance: float) -> str:
    """Verdict on "`candidate` scores best": holds when it is the best (the first among ties),
    partly when it is within `tolerance` of the best, does not hold otherwise."""
    best = max(scores, key=lambda key: scores[key])
    if best == candidate:
        return "holds"
    near = candidate in scores and scores[best] - scores[candidate] <= tolerance
    return "partly" if near else "does not hold"


def similar(a: float, b: float, tolerance: float = 0.1) -> str:
    """Verdict on "`a` and `b` are about the same": within `tolerance` of the larger one."""
    return "holds" if abs(a - b) <= tolerance * max(a, b) else "does not hold"


def interior(values: Sequence[float], best: float) -> str:
    """Verdict on "the optimum is interior": the `best` of the swept `values` is neither end.

    Fewer than three values leave no interior: "inconclusive".
    """
    if len(values) < 3:
        return "inconclusive"
    return "holds" if min(values) < best < max(values) else "does not hold"


def close_to_best(value: float, best: float, share: float) -> str:
    """Verdict on "`value` is as good as the best": holds when it reaches `share` of `best`."""
    return "holds" if value >= share * best else "does not hold"


def rises_at_every_step(values: Sequence[float], tolerance: float = 0.0) -> str:
    """Verdict on "each step raises the value" over a sequence of single measurements.

    Each step and the whole run are compared with `compare_values` at `tolerance`: "holds" when
    every step rises, "partly" when only the last value is above the first, "does not hold"
    when some step falls and the last is not above the first, "inconclusive" otherwise (no step
    falls, the whole run is flat) and for fewer than two values.
    """
    if len(values) < 2:
        return "inconclusive"
    steps = [compare_values(a, b, tolerance) for a, b in zip(values, values[1:], strict=False)]
    if all(v == "holds" for v in steps):
        return "holds"
    overall = compare_values(values[0], values[-1], tolerance)
    if overall == "holds":
        return "partly"
    if overall == "does not hold" or "does not hold" in steps:
        return "does not hold"
    return "inconclusive"
