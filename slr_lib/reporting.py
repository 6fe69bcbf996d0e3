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
