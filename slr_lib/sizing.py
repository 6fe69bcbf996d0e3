"""How many training seeds a verdict's interval needs: the profile-sizing sweep's rows and page.

For a model trained over several seeds, `sweep_rows` gives, for each n from the verdict policy's
`MIN_SEEDS` up, the 95 % interval of its test R@10 over the first n seeds as the verdict policy
computes it (`slr_lib.verdicts.bootstrap_score`: test queries and seeds resampled), and the part
of that width the test queries alone give (seeds held), the floor no number of seeds goes under.
A `Sweep` adds the target declared in params.yaml and says the fewest seeds that reach it. The
`profile_sizing` stage (`slr_lib.experiments.profile_sizing`) trains the model and writes the
sweep; `slr_lib.book_pages` renders it for `book/reproduce.md` (`markdown`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from slr_lib.verdicts import (
    BOOTSTRAP_SAMPLES,
    BOOTSTRAP_SEED,
    MIN_SEEDS,
    bootstrap_score,
    percentile_interval,
    r10,
)

SWEEP = "sweep.json"
"""The sweep's file in the stage's folder."""


@dataclass(frozen=True)
class SweepRow:
    """The test R@10 interval over the first `seeds` seeds, and its queries-alone part."""

    seeds: int
    r10: float
    low: float
    high: float
    half_width: float
    queries_half_width: float  # seeds held, test queries resampled: the floor


@dataclass(frozen=True)
class Sweep:
    """The sweep's rows, what it was measured on and the declared target."""

    target_half_width: float
    model: str
    corpus: str  # how results name the corpus: simulated, or real
    test_queries: int
    rows: list[SweepRow]

    @property
    def seeds_needed(self) -> int | None:
        """The fewest seeds whose interval is within the target (None: no swept count is)."""
        return next((r.seeds for r in self.rows if r.half_width <= self.target_half_width), None)

    def table(self) -> pd.DataFrame:
        """One row per number of seeds, indexed by it."""
        return pd.DataFrame([asdict(r) for r in self.rows]).set_index("seeds")

    def write(self, path: Path) -> None:
        """Write the sweep as JSON."""
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def read(cls, path: Path) -> Sweep:
        """A sweep file written by `write`; a malformed one is named in the error."""
        try:
            raw = json.loads(path.read_text())
            return cls(**{**raw, "rows": [SweepRow(**row) for row in raw["rows"]]})
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}: not a profile-sizing sweep ({err})") from None


def queries_half_width(ranks: np.ndarray) -> float:
    """Half the 95 % interval of R@10 over the seeds of `ranks` (seeds, queries), resampling
    the test queries alone."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n_queries = ranks.shape[1]
    draws = np.array(
        [r10(ranks[:, rng.integers(0, n_queries, n_queries)]) for _ in range(BOOTSTRAP_SAMPLES)]
    )
    low, high = percentile_interval(draws)
    return (high - low) / 2


def sweep_rows(ranks: np.ndarray) -> list[SweepRow]:
    """One row per n from `MIN_SEEDS` to every seed of `ranks` (seeds, queries)."""
    rows = []
    for n in range(MIN_SEEDS, ranks.shape[0] + 1):
        first = ranks[:n]
        value, low, high = bootstrap_score(first, r10)
        rows.append(SweepRow(n, value, low, high, (high - low) / 2, queries_half_width(first)))
    return rows


def queries_for(queries: int, half_width: float, target: float) -> int:
    """Test queries whose query part would be `target` wide, from `half_width` at `queries`:
    the width of a mean over queries shrinks as one over the square root of their number."""
    return math.ceil(queries * (half_width / target) ** 2)


def read_sweep(folder: Path) -> Sweep | None:
    """The sweep in `folder` (None when the stage has not run)."""
    path = folder / SWEEP
    return Sweep.read(path) if path.is_file() else None


def markdown(sweep: Sweep | None) -> str:
    """The sweep as the page `book/reproduce.md` includes: the table and what it decides."""
    if sweep is None:
        return "The `profile_sizing` stage has not run yet: no sweep to show.\n"
    table = sweep.table().rename(columns={
        "r10": "test R@10", "low": "95 % low", "high": "95 % high",
        "half_width": "half-width", "queries_half_width": "queries alone",
    })  # fmt: skip
    needed = sweep.seeds_needed
    if needed is None:
        floor = sweep.rows[-1].queries_half_width
        verdict = (
            f"No swept count reaches +/- {sweep.target_half_width:g} R@10 points. The test "
            f"queries alone give +/- {floor:.2f}: "
            + (
                "more seeds could reach the target."
                if floor <= sweep.target_half_width
                else "no number of seeds can; the test split would have to grow, to about "
                f"{queries_for(sweep.test_queries, floor, sweep.target_half_width):,} queries."
            )
        )
    else:
        verdict = (
            f"The fewest seeds within +/- {sweep.target_half_width:g} R@10 points: **{needed}**."
        )
    return (
        f"{sweep.model}; {sweep.test_queries} test queries ({sweep.corpus}). Declared target: "
        f"the 95 % interval of test R@10 within +/- {sweep.target_half_width:g} points.\n\n"
        + table.to_markdown(floatfmt=".2f")
        + f"\n\n{verdict}\n"
    )
