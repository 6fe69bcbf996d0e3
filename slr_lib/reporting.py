"""Summaries that chapters print: mean and standard deviation over seeded runs, and how numbers
look in the book's tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def paper_number(value: object) -> str:
    """A table cell as the papers print numbers: a whole float without decimals ("24"), others
    with at most two, trailing zeros dropped ("0.15", "18.4"), two significant digits below
    0.01 ("0.0012"); anything else as `str` gives it."""
    if not isinstance(value, float | np.floating) or not np.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{value:.0f}"
    if abs(value) < 0.01:
        return f"{value:.2g}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def book_numbers() -> None:
    """Make `paper_number` pandas' default for tables (a table that formats its own numbers
    keeps its format), and two decimals for the floats of their row and column labels: the
    book's chapters call it first."""
    pd.set_option("styler.format.formatter", paper_number)
    pd.set_option("styler.format.precision", 2)
    pd.set_option("display.float_format", paper_number)


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
