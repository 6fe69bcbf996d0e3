"""The sizing sweep: intervals over more and more seeds, the fewest within the target, its page."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.metrics import recall
from slr_lib.sizing import (
    SWEEP,
    Sweep,
    SweepRow,
    markdown,
    queries_for,
    read_sweep,
    sweep_rows,
)
from slr_lib.verdicts import MIN_SEEDS, bootstrap_score, r10
from tests.ranks import rank_runs


def ranks_of(rates: list[float], queries: int = 200) -> np.ndarray:
    """One row per seed: seed i puts the right video first at rate `rates[i]`."""
    return np.vstack([rank_runs(rate, 1, queries, seed=i).test for i, rate in enumerate(rates)])


def test_one_row_per_seed_count_from_the_policy_minimum():
    ranks = ranks_of([0.2, 0.3, 0.25, 0.1, 0.4])
    rows = sweep_rows(ranks)
    assert [r.seeds for r in rows] == list(range(MIN_SEEDS, 6))
    for row in rows:
        first = ranks[: row.seeds]
        assert row.r10 == pytest.approx(recall(first, 10))
        assert (row.r10, row.low, row.high) == bootstrap_score(first, r10)
        assert row.half_width == pytest.approx((row.high - row.low) / 2)


def test_seeds_that_agree_leave_only_the_query_part():
    same = np.repeat(ranks_of([0.3]), 4, axis=0)
    for row in sweep_rows(same):
        assert row.half_width == pytest.approx(row.queries_half_width)
        assert row.half_width > 0


def test_seeds_that_disagree_widen_the_interval_beyond_the_query_part():
    row = sweep_rows(ranks_of([0.05, 0.6, 0.05]))[0]
    assert row.half_width > 2 * row.queries_half_width


def sweep(target: float, widths: list[float]) -> Sweep:
    rows = [SweepRow(MIN_SEEDS + i, 20.0, 20.0 - w, 20.0 + w, w, 1.5) for i, w in enumerate(widths)]
    return Sweep(target, "CM on M+D3_X, wordllama text", "simulated corpus", 200, rows)


def test_the_fewest_seeds_within_the_target():
    assert sweep(3.0, [4.0, 3.5, 2.9, 2.5]).seeds_needed == MIN_SEEDS + 2
    assert sweep(3.0, [2.0, 1.0]).seeds_needed == MIN_SEEDS
    assert sweep(3.0, [4.0, 3.5]).seeds_needed is None


def test_the_page_says_what_the_sweep_decides():
    page = markdown(sweep(3.0, [4.0, 2.5]))
    assert "CM on M+D3_X, wordllama text; 200 test queries (simulated corpus)" in page
    header = page.splitlines()[2]
    assert header.split("|")[1].strip() == "seeds" and "queries alone" in header
    assert f"The fewest seeds within +/- 3 R@10 points: **{MIN_SEEDS + 1}**." in page
    missed = markdown(sweep(3.0, [4.0, 3.5]))
    assert "No swept count reaches +/- 3 R@10 points" in missed
    assert "more seeds could reach the target" in missed
    floor = Sweep(1.0, "m", "real How2Sign corpus", 200, sweep(1.0, [4.0]).rows)
    assert "no number of seeds can; the test split would have to grow, to about 450 queries" in (
        markdown(floor)
    )
    assert queries_for(400, 3.6, 3.0) == 576
    assert "has not run yet" in markdown(None)


def test_written_and_read_back(tmp_path):
    written = sweep(3.0, [4.0, 2.5])
    written.write(tmp_path / SWEEP)
    assert read_sweep(tmp_path) == written
    assert read_sweep(tmp_path / "absent") is None


def test_a_malformed_file_is_named(tmp_path):
    (tmp_path / SWEEP).write_text('{"target_half_width": 3.0}')
    with pytest.raises(ValueError, match=f"{SWEEP}: not a profile-sizing sweep"):
        read_sweep(tmp_path)
