"""Running and scoring one-shot spotting: with and without Top-K transferring, challenge F1,
a random-window baseline, and a paired bootstrap of F1 differences.

The bootstrap resamples query videos with replacement (paired: the same videos for both
methods) and each method's training seeds, and recomputes the challenge's micro-F1 from
per-video counts, which is exact because the challenge sums tp, fp and fn over videos and
thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slr_lib.data.spotting_pickle import SpottingTable
from slr_lib.metrics import SPOTTING_IOU_THRESHOLDS, spotting_counts, spotting_f1
from slr_lib.spotting.one_shot import (
    QueryWindows,
    Spotting,
    predictions,
    spot_queries,
    top_k_transfer,
)
from slr_lib.verdicts import percentile_interval


def spotting_scores(truth: SpottingTable, predicted: SpottingTable) -> dict[str, float]:
    """Precision, recall and F1 of predictions by the challenge's rule."""
    return dict(zip(("precision", "recall", "F1"), spotting_f1(truth, predicted), strict=True))


def random_window_predictions(
    queries: Mapping[str, QueryWindows], window: int = 16, seed: int = 0
) -> SpottingTable:
    """The random-window baseline: one window of `window` frames per query, uniformly placed."""
    rng = np.random.default_rng(seed)
    table: SpottingTable = {}
    for key, query in queries.items():
        start = int(rng.integers(0, max(1, query.n_frames - window + 1)))
        end = min(start + window, query.n_frames)
        to_ms = 1000.0 / query.fps
        table[key] = [[query.class_id, round(start * to_ms), round(end * to_ms)]]
    return table


def video_counts(truth: SpottingTable, predicted: SpottingTable) -> np.ndarray:
    """(n_videos, 3) tp, fp, fn of each ground-truth video, summed over the IoU thresholds."""
    classes = sorted({int(segment[0]) for segments in truth.values() for segment in segments})
    return np.stack(
        [
            spotting_counts({key: segments}, {key: predicted.get(key, [])}, classes).sum(axis=0)
            for key, segments in truth.items()
        ]
    )


def counts_f1(counts: np.ndarray) -> np.ndarray:
    """Micro-F1 of summed counts (..., 3) = tp, fp, fn (0 where undefined)."""
    tp, fp, fn = (np.asarray(counts, dtype=np.float64)[..., i] for i in range(3))
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)


def bootstrap_f1_difference(
    truth: SpottingTable,
    better: Sequence[SpottingTable],
    worse: Sequence[SpottingTable],
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """F1(better) - F1(worse), each pooled over its training seeds' prediction tables, and the
    95 % bootstrap interval (low, high): each resample draws the query videos (the same for both)
    and each side's seeds with replacement."""
    if not truth:
        raise ValueError("no ground-truth videos to resample")
    if not better or not worse:
        raise ValueError("each side needs the prediction table of at least one training seed")
    a = np.stack([video_counts(truth, table) for table in better])  # (seeds, videos, 3)
    b = np.stack([video_counts(truth, table) for table in worse])
    rng = np.random.default_rng(seed)
    n_videos = a.shape[1]
    differences = np.empty(n_resamples)
    for r in range(n_resamples):
        videos = rng.integers(0, n_videos, n_videos)
        seeds_a = rng.integers(0, len(a), len(a))
        seeds_b = rng.integers(0, len(b), len(b))
        differences[r] = counts_f1(a[seeds_a][:, videos].sum(axis=(0, 1))) - counts_f1(
            b[seeds_b][:, videos].sum(axis=(0, 1))
        )
    low, high = percentile_interval(differences)
    pooled = counts_f1(a.sum(axis=(0, 1))) - counts_f1(b.sum(axis=(0, 1)))
    return float(pooled), float(low), float(high)


@dataclass(frozen=True)
class SpotterRun:
    """The spottings of one set of queries, before and after Top-K transferring."""

    plain: dict[str, Spotting]
    transferred: dict[str, Spotting]


def run_spotter(
    queries: Mapping[str, QueryWindows],
    gallery: np.ndarray,
    window: int = 16,
    k: int = 5,
    rounds: int = 1,
) -> SpotterRun:
    """Spot every query with the gallery as given and with the Top-K transferred gallery."""
    moved = top_k_transfer(queries, gallery, k, rounds)
    return SpotterRun(spot_queries(queries, gallery, window), spot_queries(queries, moved, window))


def spotter_tables(run: SpotterRun) -> dict[str, SpottingTable]:
    """The run's predictions without ("no") and with ("yes") Top-K transferring."""
    return {"no": predictions(run.plain), "yes": predictions(run.transferred)}


def threshold_scores(truth: SpottingTable, predicted: SpottingTable) -> pd.DataFrame:
    """Precision and recall at each IoU threshold of the challenge (columns threshold, ...)."""
    tp, fp, fn = spotting_counts(truth, predicted).T.astype(np.float64)
    return pd.DataFrame(
        {
            "threshold": SPOTTING_IOU_THRESHOLDS,
            "precision": np.divide(tp, tp + fp, out=np.zeros_like(tp), where=tp + fp > 0),
            "recall": np.divide(tp, tp + fn, out=np.zeros_like(tp), where=tp + fn > 0),
        }
    )
