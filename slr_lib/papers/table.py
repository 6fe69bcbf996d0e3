"""One table or figure of a source paper: its numbers as printed, where the book regenerates it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

STATUSES = ("regenerated", "partly", "not yet")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class PaperTable:
    """A table or figure of a paper, cited by its own label ("Table 2", "Fig. A.3").

    `rows` holds (row label, cells) with each cell a string exactly as the paper prints it
    ("24.5 ± 0.2", "-", "1174.5"); a figure without printed numbers has no rows. `chapter`
    and `results_key` say which chapter's results regenerate it (`results/<chapter>.json`,
    key under `metrics`), `status` how far ("regenerated", "partly", "not yet").
    """

    paper: str
    id: str
    caption: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    chapter: str | None = None
    results_key: str | None = None
    status: str = "not yet"
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"{self.label}: status must be one of {STATUSES}, got {self.status!r}")
        if (self.status == "not yet") != (self.chapter is None):
            raise ValueError(
                f"{self.label}: a chapter is named exactly when the status is not 'not yet'"
            )
        for label, cells in self.rows:
            if len(cells) != len(self.columns):
                raise ValueError(
                    f"{self.label}, row {label!r}: {len(cells)} cells for "
                    f"{len(self.columns)} columns"
                )

    @property
    def label(self) -> str:
        """The unambiguous citation, paper first: "SEDS Table 5"."""
        return f"{self.paper} {self.id}"

    def frame(self) -> pd.DataFrame:
        """The table as printed (strings), rows in the paper's order."""
        return pd.DataFrame(
            [cells for _, cells in self.rows],
            index=[label for label, _ in self.rows],
            columns=list(self.columns),
        )

    def cell(self, row: str, column: str) -> str:
        """One cell as printed; an unknown row or column names the ones that exist."""
        for label, cells in self.rows:
            if label == row:
                if column not in self.columns:
                    raise KeyError(f"{self.label}: no column {column!r}; columns: {self.columns}")
                return cells[self.columns.index(column)]
        raise KeyError(f"{self.label}: no row {row!r}; rows: {[r for r, _ in self.rows]}")

    def figure(self, row: str, column: str, digits: int = 1) -> str:
        """A cell's number as quoted in a sentence: "24.5 ± 0.2" gives "24.5"."""
        return f"{self.value(row, column):.{digits}f}"

    def value(self, row: str, column: str) -> float:
        """The first number of a cell ("24.5 ± 0.2" gives 24.5; "1,174.5" gives 1174.5)."""
        text = self.cell(row, column)
        match = _NUMBER.search(text)
        if match is None:
            raise ValueError(f"{self.label}, {row!r} / {column!r}: no number in {text!r}")
        return float(match.group().replace(",", ""))

    def geometric_mean(self, row: str, prefix: str = "") -> float:
        """The geometric mean of a row's R@1, R@5 and R@10 (columns `PREFIXR@k`), the metric
        our CM claims compare."""
        recalls = [self.value(row, f"{prefix}R@{k}") for k in (1, 5, 10)]
        return float(np.cbrt(np.prod(recalls)))


def rows_from_text(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Table rows from text, one a line: "label | cell | cell ...", each part stripped."""
    rows = []
    for line in text.strip().splitlines():
        label, *cells = (part.strip() for part in line.split("|"))
        rows.append((label, tuple(cells)))
    return tuple(rows)


#: Our metric names (slr_lib.metrics) -> the papers' column labels.
METRIC_LABELS = {"R1": "R@1", "R5": "R@5", "R10": "R@10", "R50": "R@50", "MedR": "MedR",
                 "MeanR": "MeanR"}  # fmt: skip
