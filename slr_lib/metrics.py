"""Retrieval metrics in the Collaborative Experts convention (see the book's protocol chapter).

Rows of a similarity matrix are text queries, columns are videos. Ranks are 0-based and tied
scores share the average of their positions, so a rank can be 0.5. R@1 counts ranks that are
exactly 0, R@K (K > 1) ranks below K; MedR and MeanR are 1-based.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RECALL_KS = (1, 5, 10, 50)
TIE_RULES = ("average", "optimistic", "pessimistic")
_CHUNK_ROWS = 2048


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
        block = sims[rows]
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
    for start in range(0, sims.shape[0], _CHUNK_ROWS):
        # column j of the block: other captions' scores for caption j's video
        block = sims[start : start + _CHUNK_ROWS][:, caption_video]
        better += np.count_nonzero(block > target, axis=0)
        tied += np.count_nonzero(block == target, axis=0)
    caption_ranks = _apply_tie_rule(better, tied - 1, ties)
    ranks = np.full(n_videos, np.inf)
    np.minimum.at(ranks, caption_video, caption_ranks)
    return ranks


def rank_metrics(ranks: np.ndarray) -> dict[str, float]:
    """R@1/5/10/50 in percent, MedR, MeanR and the geometric mean of R@1, R@5, R@10."""
    ranks = np.asarray(ranks, dtype=np.float64)
    if ranks.ndim != 1 or ranks.size == 0:
        raise ValueError("ranks must be a non-empty 1-D array")
    metrics = {"R1": 100.0 * float(np.mean(ranks == 0))}
    for k in RECALL_KS[1:]:
        metrics[f"R{k}"] = 100.0 * float(np.mean(ranks < k))
    metrics["MedR"] = float(np.median(ranks)) + 1.0
    metrics["MeanR"] = float(np.mean(ranks)) + 1.0
    metrics["geometric_mean_R1_R5_R10"] = float(
        np.cbrt(metrics["R1"] * metrics["R5"] * metrics["R10"])
    )
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
    if not np.issubdtype(sims.dtype, np.number) or not np.isfinite(sims).all():
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
