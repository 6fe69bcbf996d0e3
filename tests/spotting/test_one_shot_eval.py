"""Running and scoring one-shot spotting: baseline, per-video counts, bootstrap, thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.metrics import SPOTTING_IOU_THRESHOLDS, spotting_f1
from slr_lib.spotting.one_shot import QueryWindows, predictions
from slr_lib.spotting.one_shot_eval import (
    bootstrap_f1_difference,
    counts_f1,
    random_window_predictions,
    run_spotter,
    spotter_tables,
    spotting_scores,
    threshold_scores,
    video_counts,
)

TRUTH = {f"q{i}": [[i % 2, 1000, 1500]] for i in range(6)}
HITS = {f"q{i}": [[i % 2, 1000, 1500]] for i in range(6)}
MISSES = {f"q{i}": [[i % 2, 3000, 3500]] for i in range(6)}


def test_random_windows_lie_inside_their_clips():
    queries = {
        f"q{i}": QueryWindows(i % 2, n, 25.0, np.zeros((max(1, n - 15), 2)))
        for i, n in enumerate((10, 16, 40, 200))
    }
    table = random_window_predictions(queries, 16, seed=0)
    assert table == random_window_predictions(queries, 16, seed=0)
    for key, [[class_id, start, end]] in table.items():
        n = queries[key].n_frames
        assert class_id == queries[key].class_id and 0 <= start < end <= 40 * n
        assert end - start == 40 * min(16, n)  # 40 ms a frame at 25 fps


def test_scores_and_counts_agree_with_the_challenge_rule():
    mixed = {**HITS, "q0": MISSES["q0"], "q1": []}
    assert list(spotting_scores(TRUTH, mixed).values()) == list(spotting_f1(TRUTH, mixed))
    counts = video_counts(TRUTH, mixed)
    assert counts.shape == (6, 3)
    assert counts[1].tolist() == [0, 0, 13] and counts[2].tolist() == [13, 0, 0]
    assert counts_f1(counts.sum(axis=0)) == pytest.approx(spotting_f1(TRUTH, mixed)[2])
    assert counts_f1(np.zeros(3)) == 0.0


def test_bootstrap_interval_and_verdicts():
    difference, low, high = bootstrap_f1_difference(TRUTH, [HITS], [MISSES], 200, seed=0)
    assert difference == 1.0 and low == high == 1.0
    half = {**HITS, **{k: MISSES[k] for k in ("q0", "q1", "q2")}}
    difference, low, high = bootstrap_f1_difference(TRUTH, [half], [HITS], 500, seed=0)
    assert difference == pytest.approx(-0.5) and low < difference < high <= 0
    with pytest.raises(ValueError, match="no ground-truth"):
        bootstrap_f1_difference({}, [{}], [{}])
    with pytest.raises(ValueError, match="at least one training seed"):
        bootstrap_f1_difference(TRUTH, [], [HITS])


def test_bootstrap_pools_seeds_and_widens_with_their_spread():
    half = {**HITS, **{k: MISSES[k] for k in ("q0", "q1", "q2")}}
    difference, low, high = bootstrap_f1_difference(TRUTH, [HITS, MISSES], [half], 500, seed=0)
    assert difference == pytest.approx(0.0)  # pooled: half the videos hit on each side
    steady = bootstrap_f1_difference(TRUTH, [half, half], [half], 500, seed=0)
    assert high - low > steady[2] - steady[1]


def test_threshold_scores():
    shifted = {k: [[c, s + 100, e + 100]] for k, [[c, s, e]] in TRUTH.items()}  # IoU 400/600
    table = threshold_scores(TRUTH, shifted)
    assert table["threshold"].tolist() == list(SPOTTING_IOU_THRESHOLDS)
    matched = np.asarray(SPOTTING_IOU_THRESHOLDS) <= 400 / 600
    np.testing.assert_array_equal(table["precision"], matched.astype(float))
    np.testing.assert_array_equal(table["recall"], matched.astype(float))


def test_run_spotter_with_and_without_transfer():
    rng = np.random.default_rng(0)
    gallery = rng.normal(size=(2, 4))
    queries = {f"q{i}": QueryWindows(i % 2, 30, 25.0, rng.normal(size=(15, 4))) for i in range(4)}
    run = run_spotter(queries, gallery, 16, k=1, rounds=1)
    assert set(run.plain) == set(run.transferred) == set(queries)
    best = run.plain["q0"]
    assert best.score == pytest.approx(run.plain["q0"].curve.max())
    tables = spotter_tables(run)
    assert tables == {"no": predictions(run.plain), "yes": predictions(run.transferred)}
