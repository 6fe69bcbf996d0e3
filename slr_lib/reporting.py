"""Summaries that chapters print: mean and standard deviation over seeded runs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def mean_std(runs: pd.DataFrame, by: str, columns: Sequence[str]) -> pd.DataFrame:
    """Per value of `by`: `COLUMN_mean` and `COLUMN_std` (sample std, 0 for a single run)."""
    grouped = runs.groupby(by, sort=False)[list(columns)]
    means, stds = grouped.mean(), grouped.std(ddof=1).fillna(0.0)
    out = pd.DataFrame(index=means.index)
    for column in columns:
        out[f"{column}_mean"] = means[column]
        out[f"{column}_std"] = stds[column]
    return out


def format_mean_std(summary: pd.DataFrame, columns: Sequence[str], digits: int = 1) -> pd.DataFrame:
    """`mean ± std` strings, in the papers' style, from a `mean_std` summary."""
    return pd.DataFrame(
        {
            column: [
                f"{m:.{digits}f} ± {s:.{digits}f}"
                for m, s in zip(summary[f"{column}_mean"], summary[f"{column}_std"], strict=True)
            ]
            for column in columns
        },
        index=summary.index,
    )


def compare_means(summary: pd.DataFrame, better: str, worse: str, column: str) -> str:
    """Verdict on "`better` beats `worse` on `column`" (higher is better) over seeded runs.

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
