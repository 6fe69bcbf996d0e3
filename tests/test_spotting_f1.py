"""The challenge's spotting F1 on hand-worked cases, bad input, a literal reference and speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from slr_lib.data.spotting_pickle import read_spotting_pickle
from slr_lib.metrics import SPOTTING_IOU_THRESHOLDS, spotting_counts, spotting_f1
from tests.conftest import REALDATA

N_T = len(SPOTTING_IOU_THRESHOLDS)


def tp_per_threshold(gt, pred, **kw) -> list[int]:
    return spotting_counts(gt, pred, **kw)[:, 0].tolist()


def test_thresholds_are_the_challenge_ones():
    assert SPOTTING_IOU_THRESHOLDS == (
        0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8,
    )  # fmt: skip


def test_both_empty():
    assert spotting_f1({}, {}) == (0.0, 0.0, 0.0)
    assert spotting_f1({"a": []}, {"a": []}) == (0.0, 0.0, 0.0)


def test_no_predictions_all_false_negatives():
    gt = {"a": [[0, 0, 1000]], "b": [[0, 200, 600]]}
    assert spotting_counts(gt, {}).sum(axis=0).tolist() == [0, 0, 2 * N_T]
    assert spotting_f1(gt, {"a": []}) == (0.0, 0.0, 0.0)


def test_no_ground_truth_segments_all_false_positives():
    gt = {"a": []}
    pred = {"a": [[3, 0, 100], [3, 500, 900]]}
    assert spotting_counts(gt, pred, classes=range(5)).sum(axis=0).tolist() == [0, 2 * N_T, 0]
    assert spotting_f1(gt, pred, classes=range(5)) == (0.0, 0.0, 0.0)
    assert spotting_f1(gt, pred) == (0.0, 0.0, 0.0)  # a class nowhere in the truth: fp too


def test_perfect_prediction():
    gt = {"a": [[1, 100, 900]], "b": [[2, 0, 40]]}
    assert spotting_f1(gt, gt) == (1.0, 1.0, 1.0)


def test_iou_exactly_at_a_threshold_counts():
    gt = {"a": [[0, 0, 1000]]}
    # IoU 500 / 1000 = 0.5: a hit at 0.2 ... 0.5 (7 thresholds), not above
    assert tp_per_threshold(gt, {"a": [[0, 0, 500]]}) == [1] * 7 + [0] * 6
    # IoU 350 / 1000 = 0.35, IoU 800 / 1000 = 0.8 (the last threshold)
    assert tp_per_threshold(gt, {"a": [[0, 650, 1000]]}) == [1] * 4 + [0] * 9
    assert tp_per_threshold(gt, {"a": [[0, 100, 900]]}) == [1] * 13
    # IoU uses the hull as union: [0, 1000] vs [500, 1500] -> 500 / 1500
    p, r, f1 = spotting_f1(gt, {"a": [[0, 500, 1500]]})
    assert (p, r) == (3 / 13, 3 / 13) and f1 == pytest.approx(3 / 13)


def test_overlapping_same_class_predictions_keep_only_the_later_one():
    gt = {"a": [[0, 0, 1000]]}
    # sorted by start, [0, 1000] is overlapped by its successor [500, 1500] and dropped:
    # the perfect prediction is lost, the kept one has IoU 1/3
    for pred in ([[0, 0, 1000], [0, 500, 1500]], [[0, 500, 1500], [0, 0, 1000]]):
        counts = spotting_counts(gt, {"a": pred}).sum(axis=0)
        assert counts.tolist() == [3, 2 * N_T - 3, N_T - 3]  # fp counts the dropped one too
    # touching spans do not overlap; other classes do not drop each other
    assert spotting_counts(gt, {"a": [[0, 0, 1000], [0, 1000, 1500]]}).sum(axis=0)[1] == N_T
    mixed = {"a": [[0, 0, 1000], [1, 500, 1500]]}
    assert spotting_counts(gt, mixed, classes=[0, 1]).sum(axis=0).tolist() == [N_T, N_T, 0]


def test_a_chain_of_overlaps_keeps_only_its_last_prediction():
    gt = {"a": [[0, 0, 1000]]}
    pred = {"a": [[0, 0, 1000], [0, 900, 2000], [0, 1900, 3000]]}
    assert spotting_counts(gt, pred).sum(axis=0).tolist() == [0, 3 * N_T, N_T]


def test_wrong_class_is_a_false_positive_and_a_miss():
    gt = {"a": [[0, 0, 1000]]}
    counts = spotting_counts(gt, {"a": [[1, 0, 1000]]}, classes=[0, 1]).sum(axis=0)
    assert counts.tolist() == [0, N_T, N_T]


def test_a_class_absent_from_the_ground_truth_is_an_ordinary_false_positive():
    gt = {"a": [[0, 0, 1000]]}
    pred = {"a": [[0, 0, 1000], [999, 0, 500]]}
    assert spotting_counts(gt, pred).sum(axis=0).tolist() == [N_T, N_T, 0]
    assert spotting_counts(gt, pred, classes=[0]).sum(axis=0).tolist() == [N_T, N_T, 0]


def test_one_prediction_matching_several_segments(warnings_seen):
    gt = {"a": [[0, 0, 1000], [0, 1000, 2000]]}
    pred = {"a": [[0, 0, 2000]]}  # IoU 0.5 with each segment
    counts = spotting_counts(gt, pred).sum(axis=0)
    assert counts.tolist() == [14, N_T - 14, 2 * N_T - 14]  # fp = -1: the challenge's quirk
    p, r, _ = spotting_f1(gt, pred)
    assert p == pytest.approx(14 / 13) and r == pytest.approx(14 / 26)
    assert any("matched several" in m for m in warnings_seen.messages)


def test_predictions_for_unknown_videos_are_ignored_and_reported(warnings_seen):
    gt = {"a": [[0, 0, 1000]]}
    pred = {"a": [[0, 0, 1000]], "ghost": [[0, 0, 10]], "other": [[7, 5, 1]]}
    assert spotting_f1(gt, pred) == (1.0, 1.0, 1.0)
    assert any("ignoring predictions for 2 videos" in m for m in warnings_seen.messages)


@pytest.mark.parametrize(
    ("entries", "match"),
    [
        ([[0, -10, 100]], "'v'.*0 <= start_ms < end_ms"),
        ([[0, 500, 100]], "'v'.*0 <= start_ms < end_ms"),
        ([[0, 100, 100]], "'v'.*0 <= start_ms < end_ms"),
        ([[0.5, 0, 100]], "'v'.*integral class_id"),
        ([[0, 0, float("nan")]], "'v'"),
        ([[0, 0]], "'v'.*three|'v'.*numbers"),
        ([[0, "0", 100]], "'v'.*numbers"),
        ([[0, 0, 100], [0, 1]], "'v'.*numbers"),
        ("0, 0, 100", "'v'.*must be a list"),
        (None, "'v'.*must be a list"),
    ],
)
def test_malformed_predictions_raise_naming_the_video(entries, match):
    gt = {"u": [[0, 0, 100]], "v": [[0, 0, 100]]}
    with pytest.raises(ValueError, match=match):
        spotting_f1(gt, {"u": [[0, 0, 100]], "v": entries})


def test_malformed_ground_truth_and_tables():
    with pytest.raises(ValueError, match="ground truth.*'g'"):
        spotting_f1({"g": [[0, 10, 5]]}, {})
    with pytest.raises(ValueError, match="must map video keys"):
        spotting_f1({"g": []}, [["g", 0, 0, 1]])
    with pytest.raises(ValueError, match="keys must be str"):
        spotting_f1({1: []}, {})
    with pytest.raises(ValueError, match="ground truth: video 'g'.*unknown class id 4"):
        spotting_f1({"g": [[4, 0, 10]]}, {}, classes=[0, 1])


def reference_counts(gt: dict, pred: dict) -> np.ndarray:
    """The rule written out with loops, one threshold and one video at a time."""
    out = []
    for t in SPOTTING_IOU_THRESHOLDS:
        tp = fp = fn = 0
        for key, segments in gt.items():
            ordered = sorted(pred.get(key, []), key=lambda p: p[1])
            kept = [
                p
                for i, p in enumerate(ordered)
                if not (
                    i + 1 < len(ordered) and ordered[i + 1][0] == p[0] and ordered[i + 1][1] < p[2]
                )
            ]
            hits = 0
            for c, s, e in segments:
                for pc, ps, pe in kept:
                    iou = max(0, min(e, pe) - max(s, ps)) / (max(e, pe) - min(s, ps))
                    if pc == c and iou >= t:
                        hits += 1
                        break
            tp, fp, fn = tp + hits, fp + len(ordered) - hits, fn + len(segments) - hits
        out.append([tp, fp, fn])
    return np.array(out)


def random_tables(rng: np.random.Generator, n_videos: int) -> tuple[dict, dict]:
    def entries(n: int) -> list[list[int]]:
        starts = rng.integers(0, 3000, n)
        return [[int(rng.integers(3)), int(s), int(s + rng.integers(50, 900))] for s in starts]

    gt = {f"v{i}": entries(int(rng.integers(0, 4))) for i in range(n_videos)}
    pred = {
        f"v{i}": entries(int(rng.integers(0, 5))) for i in range(n_videos) if rng.random() < 0.9
    }
    gt["v0"].append([0, 0, 600])
    return gt, pred


def test_matches_a_literal_implementation_of_the_rule():
    rng = np.random.default_rng(3)
    for _ in range(5):
        gt, pred = random_tables(rng, 60)
        np.testing.assert_array_equal(
            spotting_counts(gt, pred, classes=range(3)), reference_counts(gt, pred)
        )


def test_scores_ten_thousand_videos_quickly():
    gt, pred = random_tables(np.random.default_rng(0), 10_000)
    start = time.perf_counter()
    spotting_f1(gt, pred, classes=range(3))
    assert time.perf_counter() - start < 2.0


MSSL_GT = REALDATA / "spotting" / "MSSL_TRAIN_SET_GT.pkl"


@pytest.mark.skipif(not MSSL_GT.is_file(), reason=f"real MSSL ground truth not at {MSSL_GT}")
def test_real_ground_truth_scores_as_the_organisers_script():
    """Counts of the organisers' script (summed over the 13 thresholds) on the real MSSL training
    ground truth, for every segment shifted by +200 ms, one segment of an unknown class per
    video and a copy of each video's first segment shifted by +100 ms (issue 14)."""
    gt = read_spotting_pickle(MSSL_GT)
    pred = {
        key: [[c, s + 200, e + 200] for c, s, e in segments]
        + [[999, 0, 500]]
        + ([[segments[0][0], segments[0][1] + 100, segments[0][2] + 100]] if segments else [])
        for key, segments in gt.items()
    }
    assert spotting_counts(gt, pred).sum(axis=0).tolist() == [8958, 21397, 18485]
    precision, recall, f1 = spotting_f1(gt, pred)
    assert (round(precision, 6), round(recall, 6), round(f1, 6)) == (0.295108, 0.326422, 0.309976)
