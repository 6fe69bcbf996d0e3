"""Retrieval metrics in the Collaborative Experts convention (see the book's protocol chapter).

Rows of a similarity matrix are text queries, columns are videos. Ranks are 0-based and tied
scores share the average of their positions, so a rank can be 0.5. R@1 counts ranks that are
exactly 0, R@K (K > 1) ranks below K; MedR and MeanR are 1-based.

Sign spotting is scored by the ECCV 2022 challenge's rule, quirks included (`spotting_f1`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from slr_lib.data.spotting_pickle import SpottingArrays, SpottingFormatError, spotting_arrays
from slr_lib.logging_setup import get_logger

RECALL_KS = (1, 5, 10, 50)
TIE_RULES = ("average", "optimistic", "pessimistic")
# Rows per block: a block is read three times (finite?, better, tied), and one this small stays in
# the CPU cache between the reads (at 20,000 x 20,000: t2v 0.99 -> 0.78 s, v2t 4.6 -> 0.88 s)
_CHUNK_ROWS = 64


def t2v_ranks(
    sims: np.ndarray,
    caption_video: Sequence[int] | np.ndarray | None = None,
    ties: str = "average",
) -> np.ndarray:
    """0-based rank of each query's own video among all videos.

    `ties` says where a tied ground truth lands: "average" (the convention used throughout),
    "optimistic" (ahead of every tie) or "pessimistic" (behind every tie).
    """
    sims, caption_video = _validate(sims, caption_video, ties)
    ranks = np.empty(sims.shape[0], dtype=np.float64)
    for start in range(0, sims.shape[0], _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        block = _finite(sims[rows])
        target = block[np.arange(block.shape[0]), caption_video[rows]][:, None]
        ranks[rows] = _rank(block, target, ties)
    return ranks


def v2t_ranks(
    sims: np.ndarray,
    caption_video: Sequence[int] | np.ndarray | None = None,
    ties: str = "average",
) -> np.ndarray:
    """0-based rank of each video's best-ranked caption among all captions (`ties` as t2v)."""
    sims, caption_video = _validate(sims, caption_video, ties)
    n_videos = sims.shape[1]
    if np.bincount(caption_video, minlength=n_videos).min() == 0:
        raise ValueError("v2t metrics need at least one caption for every video (column)")
    target = sims[np.arange(sims.shape[0]), caption_video]
    better = np.zeros(sims.shape[0], dtype=np.int64)
    tied = np.zeros(sims.shape[0], dtype=np.int64)
    # one caption per video, in video order (the usual test split): the columns already line up
    in_order = n_videos == sims.shape[0] and np.array_equal(caption_video, np.arange(n_videos))
    for start in range(0, sims.shape[0], _CHUNK_ROWS):
        # column j of the block: other captions' scores for caption j's video
        block = _finite(sims[start : start + _CHUNK_ROWS])
        if not in_order:
            block = block[:, caption_video]
        better += np.count_nonzero(block > target, axis=0)
        tied += np.count_nonzero(block == target, axis=0)
    caption_ranks = _apply_tie_rule(better, tied - 1, ties)
    ranks = np.full(n_videos, np.inf)
    np.minimum.at(ranks, caption_video, caption_ranks)
    return ranks


@dataclass(frozen=True)
class RankRuns:
    """0-based T2V ranks of one model: one row per training seed, one column per query.

    `val` holds the validation ranks of the same runs (None where no validation split exists).
    """

    test: np.ndarray
    n_videos: int
    val: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("test", "val"):
            ranks = getattr(self, name)
            if ranks is not None and (np.ndim(ranks) != 2 or np.size(ranks) == 0):
                raise ValueError(f"{name} ranks must be a non-empty (seeds, queries) array")

    @property
    def seeds(self) -> int:
        return int(np.shape(self.test)[0])


def recall(ranks: np.ndarray, k: int) -> float:
    """R@k in percent over every rank of `ranks` (any shape); R@1 counts ranks of exactly 0."""
    ranks = np.asarray(ranks)
    return 100.0 * float(np.mean(ranks == 0 if k == 1 else ranks < k))


def geometric_mean(ranks: np.ndarray) -> float:
    """The CM model-selection metric: the geometric mean of R@1, R@5 and R@10 (percent)."""
    return float(np.cbrt(recall(ranks, 1) * recall(ranks, 5) * recall(ranks, 10)))


def rank_metrics(ranks: np.ndarray) -> dict[str, float]:
    """R@1/5/10/50 in percent, MedR, MeanR and the geometric mean of R@1, R@5, R@10."""
    ranks = np.asarray(ranks, dtype=np.float64)
    if ranks.ndim != 1 or ranks.size == 0:
        raise ValueError("ranks must be a non-empty 1-D array")
    metrics = {f"R{k}": recall(ranks, k) for k in RECALL_KS}
    metrics["MedR"] = float(np.median(ranks)) + 1.0
    metrics["MeanR"] = float(np.mean(ranks)) + 1.0
    metrics["geometric_mean_R1_R5_R10"] = geometric_mean(ranks)
    return metrics


def t2v_metrics(
    sims: np.ndarray,
    caption_video: Sequence[int] | np.ndarray | None = None,
    ties: str = "average",
) -> dict[str, float]:
    """Text-to-video metrics of a (queries x videos) similarity matrix."""
    return rank_metrics(t2v_ranks(sims, caption_video, ties))


def v2t_metrics(
    sims: np.ndarray,
    caption_video: Sequence[int] | np.ndarray | None = None,
    ties: str = "average",
) -> dict[str, float]:
    """Video-to-text metrics of a (queries x videos) similarity matrix."""
    return rank_metrics(v2t_ranks(sims, caption_video, ties))


def chance_metrics(n_videos: int) -> dict[str, float]:
    """Expected metrics of a retrieval system whose ranks are uniform over `n_videos` places."""
    if n_videos < 1:
        raise ValueError("n_videos must be positive")
    metrics = {f"R{k}": 100.0 * min(k, n_videos) / n_videos for k in RECALL_KS}
    metrics["MedR"] = metrics["MeanR"] = (n_videos + 1) / 2.0
    metrics["geometric_mean_R1_R5_R10"] = float(
        np.cbrt(metrics["R1"] * metrics["R5"] * metrics["R10"])
    )
    return metrics


def _rank(block: np.ndarray, target: np.ndarray, ties: str) -> np.ndarray:
    better = np.count_nonzero(block > target, axis=1)
    tied_others = np.count_nonzero(block == target, axis=1) - 1
    return _apply_tie_rule(better, tied_others, ties)


def _apply_tie_rule(better: np.ndarray, tied_others: np.ndarray, ties: str) -> np.ndarray:
    """0-based rank from the counts of better and of other tied scores."""
    if ties == "optimistic":
        return better.astype(np.float64)
    return better + (tied_others / 2.0 if ties == "average" else tied_others)


def _finite(block: np.ndarray) -> np.ndarray:
    """`block`, checked for NaN and inf (block by block, while it is in the cache)."""
    if not np.isfinite(block).all():
        raise ValueError("sims must hold finite numbers (no NaN or inf)")
    return block


def _validate(
    sims: np.ndarray, caption_video: Sequence[int] | np.ndarray | None, ties: str
) -> tuple[np.ndarray, np.ndarray]:
    if ties not in TIE_RULES:
        raise ValueError(f"ties must be one of {TIE_RULES}, got {ties!r}")
    sims = np.asarray(sims)
    if sims.ndim != 2 or 0 in sims.shape:
        raise ValueError(
            f"sims must be a non-empty 2-D (queries x videos) matrix, got {sims.shape}"
        )
    if not np.issubdtype(sims.dtype, np.number):
        raise ValueError("sims must hold finite numbers (no NaN or inf)")
    n_queries, n_videos = sims.shape
    if caption_video is None:
        if n_queries != n_videos:
            raise ValueError(
                f"sims is {n_queries} x {n_videos}: pass caption_video to say which video "
                "each query belongs to"
            )
        return sims, np.arange(n_queries)
    caption_video = np.asarray(caption_video)
    if caption_video.shape != (n_queries,) or not np.issubdtype(caption_video.dtype, np.integer):
        raise ValueError(f"caption_video must be {n_queries} integers, one per row of sims")
    if caption_video.min() < 0 or caption_video.max() >= n_videos:
        raise ValueError(f"caption_video values must lie in [0, {n_videos})")
    return sims, caption_video


SPOTTING_IOU_THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
log = get_logger(__name__)


def spotting_f1(
    ground_truth: Mapping[str, Any],
    predictions: Mapping[str, Any],
    classes: Iterable[int] | None = None,
    thresholds: Sequence[float] = SPOTTING_IOU_THRESHOLDS,
) -> tuple[float, float, float]:
    """(precision, recall, F1) of sign spotting, by the ECCV 2022 challenge's rule.

    Both tables map a video key to `[[class_id, start_ms, end_ms], ...]`. For each IoU threshold
    t in 0.2, 0.25, ..., 0.8 and each ground-truth video:

    1. its predictions are sorted by start (stably) and a prediction is dropped when the *next*
       one in that order has the same class and starts before it ends (touching spans are
       kept); only neighbours are compared, so of a chain of overlapping same-class
       predictions only the last survives;
    2. a ground-truth segment is a true positive when *any* kept prediction of its class has
       IoU >= t (IoU = overlap / (max end - min start), compared exactly);
    3. fn = #segments - tp and fp = #predictions - tp, where #predictions counts *all* of the
       video's predictions, those dropped in step 1 included (as the organisers'
       `evaluation_utils.py` does).

    tp, fp and fn are summed over videos and thresholds into one micro-F1.

    Quirks kept for comparability with the leaderboard (this is not one-to-one matching):
    one prediction may make several segments true positives, so a video's fp can be negative
    and precision can exceed 1 (a warning says how many videos did this); duplicates that do
    not overlap their neighbour all count.

    Rules for bad input: a ground-truth video without predictions has none (all its segments
    are fn); predictions for videos absent from the ground truth are ignored, as the official
    script does, and a warning gives their count; a predicted class that no ground-truth
    segment of the video has is an ordinary false positive. A ground-truth class outside
    `classes` (when given) and any malformed entry (non-integral class, negative, empty or
    reversed span, not three numbers) raise a ValueError naming the video. A ratio whose
    denominator is 0 is 0, so empty tables score (0, 0, 0).
    """
    tp, fp, fn = spotting_counts(ground_truth, predictions, classes, thresholds).sum(axis=0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def spotting_counts(
    ground_truth: Mapping[str, Any],
    predictions: Mapping[str, Any],
    classes: Iterable[int] | None = None,
    thresholds: Sequence[float] = SPOTTING_IOU_THRESHOLDS,
) -> np.ndarray:
    """(n_thresholds, 3) integer counts tp, fp, fn per IoU threshold (rules of `spotting_f1`)."""
    truth = spotting_arrays(ground_truth, "ground truth")
    preds = spotting_arrays(_predictions_for(truth.keys, predictions), "predictions")
    if classes is not None:
        _check_classes(truth, np.unique(list(classes)), "ground truth")
    index = {key: i for i, key in enumerate(truth.keys)}
    pred_video = np.array([index[key] for key in preds.keys], dtype=np.int64)[preds.video]
    kept = _kept_predictions(pred_video, preds)
    best = _best_iou(
        truth, *(a[kept] for a in (pred_video, preds.classes, preds.starts, preds.ends))
    )
    limits = np.asarray(thresholds, dtype=np.float64)
    tp = np.count_nonzero(best[None, :] >= limits[:, None], axis=1)
    _warn_multiple_matches(truth, best >= limits.min(), pred_video)
    return np.stack([tp, len(kept) - tp, len(truth.classes) - tp], axis=1)


def _predictions_for(keys: Sequence[str], predictions: Mapping[str, Any]) -> dict[str, Any]:
    """The predictions of ground-truth videos; the others are ignored with a warning."""
    if not isinstance(predictions, Mapping):
        raise SpottingFormatError(
            f"predictions must map video keys to entry lists, got {type(predictions).__name__}"
        )
    known = set(keys)
    unknown = [key for key in predictions if key not in known]
    if unknown:
        log.warning(
            "ignoring predictions for %d videos absent from the ground truth (e.g. %r)",
            len(unknown),
            unknown[0],
        )
    return {key: value for key, value in predictions.items() if key in known}


def _check_classes(table: SpottingArrays, known: np.ndarray, what: str) -> None:
    bad = np.flatnonzero(~np.isin(table.classes, known))
    if bad.size:
        video = table.keys[table.video[bad[0]]]
        raise SpottingFormatError(
            f"{what}: video {video!r}: unknown class id {table.classes[bad[0]]} "
            f"(known classes: {known[:10].tolist()}{' ...' if known.size > 10 else ''})"
        )


def _kept_predictions(video: np.ndarray, preds: SpottingArrays) -> np.ndarray:
    """Mask of predictions not overlapped by their same-class successor in start order."""
    order = np.lexsort((preds.starts, video))
    this, nxt = order[:-1], order[1:]
    dropped = (
        (video[this] == video[nxt])
        & (preds.classes[this] == preds.classes[nxt])
        & (preds.starts[nxt] < preds.ends[this])
    )
    kept = np.ones(len(video), dtype=bool)
    kept[this[dropped]] = False
    return kept


def _best_iou(
    truth: SpottingArrays,
    video: np.ndarray,
    classes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Each ground-truth segment's highest IoU with a prediction of its video and class."""
    _, codes = np.unique(np.concatenate([truth.classes, classes]), return_inverse=True)
    width = int(codes.max(initial=0)) + 1
    truth_key = truth.video * width + codes[: len(truth.classes)]
    pred_key = video * width + codes[len(truth.classes) :]
    order = np.argsort(pred_key, kind="stable")
    lo = np.searchsorted(pred_key[order], truth_key, side="left")
    n_pairs = np.searchsorted(pred_key[order], truth_key, side="right") - lo
    segment = np.repeat(np.arange(len(truth_key)), n_pairs)
    first = np.repeat(lo - np.concatenate([[0], np.cumsum(n_pairs)[:-1]]), n_pairs)
    pred = order[first + np.arange(len(segment))]
    overlap = np.minimum(ends[pred], truth.ends[segment]) - np.maximum(
        starts[pred], truth.starts[segment]
    )
    hull = np.maximum(ends[pred], truth.ends[segment]) - np.minimum(
        starts[pred], truth.starts[segment]
    )
    best = np.zeros(len(truth_key))
    np.maximum.at(best, segment, np.maximum(overlap, 0.0) / hull)
    return best


def _warn_multiple_matches(
    truth: SpottingArrays, matched: np.ndarray, pred_video: np.ndarray
) -> None:
    """Warn when a video has more true positives than predictions (negative fp)."""
    n_videos = len(truth.keys)
    tp = np.bincount(truth.video[matched], minlength=n_videos)
    n_predicted = np.bincount(pred_video, minlength=n_videos)
    count = int(np.count_nonzero(tp > n_predicted))
    if count:
        log.warning(
            "in %d videos one prediction matched several ground-truth segments: counted as the "
            "challenge does (fp goes negative there)",
            count,
        )
