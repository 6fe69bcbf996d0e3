"""The unpaired verdict rule for one measure on two corpora."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.between_corpora import bootstrap_unpaired, compare_between_corpora


def _values(mean: float, seeds: int, items: int, seed: int) -> np.ndarray:
    return np.clip(np.random.default_rng(seed).normal(mean, 0.2, (seeds, items)), 0, 1)


def test_the_interval_covers_the_difference_of_means_on_different_items():
    better, worse = _values(0.6, 3, 400, 0), _values(0.3, 3, 250, 1)
    diff, low, high = bootstrap_unpaired(better, worse)
    assert diff == pytest.approx(better.mean() - worse.mean())
    assert low < diff < high and low > 0.25 and high < 0.35


@pytest.mark.parametrize(
    ("better", "worse", "validation", "verdict"),
    [
        (0.6, 0.3, 0.2, "holds"),
        (0.6, 0.3, -0.1, "inconclusive"),  # the other split disagrees
        (0.3, 0.6, -0.3, "does not hold"),
        (0.45, 0.45, 0.0, "does not hold"),  # the interval excludes the effect size 0.05
    ],
)
def test_the_policy_rule_decides(better, worse, validation, verdict):
    found = compare_between_corpora(
        _values(better, 3, 300, 0), _values(worse, 3, 200, 1), 0.05, "overlap", validation,
        names=("weather", "open domain"),
    )  # fmt: skip
    assert found.verdict == verdict
    assert "300 + 200" in found.describe()


def test_fewer_than_three_seeds_is_inconclusive():
    found = compare_between_corpora(_values(0.9, 2, 100, 0), _values(0.1, 3, 100, 1), 0.0, "m")
    assert found.verdict == "inconclusive" and "Fewer than 3" in found.reason
