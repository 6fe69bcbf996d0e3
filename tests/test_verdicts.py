import pandas as pd

from slr_lib.reporting import mean_std
from slr_lib.verdicts import (
    best_of,
    close_to_best,
    compare_means,
    compare_values,
    gate,
    interior,
    interval_verdict,
    matches,
    similar,
)


def runs() -> pd.DataFrame:
    return pd.DataFrame(
        {"arm": ["a", "a", "a", "b", "b", "b"], "R1": [10.0, 12.0, 14.0, 5.0, 6.0, 7.0]}
    )


def test_compare_means_uses_the_spread():
    summary = mean_std(runs(), "arm", ["R1"])
    assert compare_means(summary, "a", "b", "R1") == "holds"  # 6 points apart, std at most 2
    assert compare_means(summary, "b", "a", "R1") == "does not hold"
    close = mean_std(runs().assign(R1=[10.0, 12.0, 14.0, 11.0, 12.0, 13.0]), "arm", ["R1"])
    assert compare_means(close, "a", "b", "R1") == "inconclusive"


def test_compare_values_uses_a_relative_margin():
    assert compare_values(10.0, 11.0) == "holds"
    assert compare_values(10.0, 10.4) == "inconclusive"
    assert compare_values(10.0, 9.0) == "does not hold"
    assert compare_values(0.0, 0.1) == "holds"


def test_interval_verdict():
    assert interval_verdict(0.01, 0.2) == "holds"
    assert interval_verdict(-0.2, -0.01) == "does not hold"
    assert interval_verdict(-0.1, 0.1) == "inconclusive"


def test_gate_keeps_a_verdict_only_when_learned():
    assert gate("holds", True) == "holds"
    assert gate("holds", False) == "inconclusive"


def test_best_of_holds_partly_or_not():
    assert best_of({8: 0.5, 16: 0.6}, 16, 0.02) == "holds"
    assert best_of({8: 0.61, 16: 0.6}, 16, 0.02) == "partly"
    assert best_of({8: 0.7, 16: 0.6}, 16, 0.02) == "does not hold"
    assert best_of({8: 0.7}, 16, 0.02) == "does not hold"


def test_matches_is_for_exact_quantities():
    assert matches({"MedR": 1174.5}, {"MedR": 1174.5}) == "holds"
    assert matches({"MedR": 1174.0}, {"MedR": 1174.5}) == "does not hold"


def test_similar_and_interior():
    assert interior([0.0, 0.4, 0.8], 0.4) == "holds"
    assert interior([0.0, 0.4, 0.8], 0.8) == "does not hold"
    assert interior([0.0, 0.8], 0.8) == "inconclusive"
    assert similar(100.0, 110.0) == "holds"
    assert similar(100.0, 112.0) == "does not hold"


def test_close_to_best():
    assert close_to_best(95.0, 100.0, 0.95) == "holds"
    assert close_to_best(94.9, 100.0, 0.95) == "does not hold"


def test_rises_at_every_step():
    from slr_lib.verdicts import rises_at_every_step

    assert rises_at_every_step([10.0, 11.0, 12.0]) == "holds"
    assert rises_at_every_step([10.0, 30.0, 20.0]) == "partly"  # only overall
    assert rises_at_every_step([10.0, 10.0, 20.0]) == "partly"  # a flat step is no rise
    assert rises_at_every_step([10.0, 30.0, 10.0]) == "does not hold"  # back where it started
    assert rises_at_every_step([30.0, 20.0, 10.0]) == "does not hold"
    assert rises_at_every_step([300.0, 305.0], tolerance=0.05) == "inconclusive"
    assert rises_at_every_step([100.0, 300.0, 305.0], tolerance=0.05) == "partly"
    assert rises_at_every_step([300.0, 200.0], tolerance=0.05) == "does not hold"
    assert rises_at_every_step([5.0]) == "inconclusive"
