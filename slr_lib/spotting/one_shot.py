"""One-shot sign spotting as the ECCV 2022 OSLWL fact sheet describes (the seed team's method).

1. **Trim** the isolated exemplar to the frames between hands rising and falling
   (`hands_up_span`).
2. **Embed** every window of `window` frames of the trimmed exemplar and of the query clip at
   stride 1, in batches, through a given callable
   `embed(frames (T, F)) -> (T - window + 1, D)`: one feature per stride-1 window (for the pose
   stream F = 92, the `pose_frames` features). A clip shorter than a window is edge-padded
   (its last frame repeated) to one window, whose predicted span is cut back to the clip.
   The gallery feature is the mean of the exemplar's window features (on the small simulated
   corpus this beat resampling the exemplar to one window: F1 0.38 against 0.24).
3. **Spot**: cosine similarity between the gallery feature and each window gives a curve; the
   best window (the first, on ties) is the prediction `[class_id, start_ms, end_ms]` in
   milliseconds from the clip's first frame (end exclusive).
4. **Top-K transferring** (`top_k_transfer`): each query clip retrieves one window (its best)
   for its sign; per sign these are ranked by similarity and the gallery feature is replaced by
   the mean of the L2-normalised features of the K best, over all query clips of that sign; then
   one queries again. K = 5 and one round in the fact sheet. (Taking the K best *windows*
   instead would mostly pick stride-1 neighbours of one peak, i.e. one clip.)
5. **Multi-stream fusion** (`fuse_features`, `fuse_curves`): the fact sheet extracts features
   with each stream's model and fuses "these multi-modality features" before the cosine
   retrieval. We read it as concatenating the L2-normalised stream features (with optional
   weights w, each stream scaled by sqrt(w / sum w)): the cosine of fused features is then
   exactly the weighted mean of the streams' cosine curves, so feature and score fusion agree,
   and Top-K transferring runs in the fused space.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from slr_lib.data import layout
from slr_lib.data.spotting_pickle import SpottingTable

Embed = Callable[[np.ndarray], np.ndarray]
_EPS = 1e-12


@dataclass(frozen=True)
class QueryWindows:
    """The stride-1 window features of one query clip and the sign it is searched for."""

    class_id: int
    n_frames: int
    fps: float
    features: np.ndarray  # (n_windows, D), n_windows = max(1, n_frames - window + 1)


@dataclass(frozen=True)
class Spotting:
    """One query's prediction and the similarity curve it came from."""

    class_id: int
    start_ms: int
    end_ms: int
    score: float
    first_frame: int  # the best window's first frame (its index on the curve)
    curve: np.ndarray  # (n_windows,) cosine similarity of each window to the gallery sign


def hands_up_span(
    data: np.ndarray,
    confidence: np.ndarray,
    rise: float = 0.1,
    rest_ceiling: float = 0.5,
    min_confidence: float = 0.5,
    min_frames: int = 8,
) -> slice:
    """The frames from the hands rising to their falling, as a slice of the exemplar.

    A wrist's height is how far the body's wrist point lies above the shoulders' midpoint, in
    shoulder widths (counted where that point's confidence is >= `min_confidence`). The rest
    height is the 5th percentile over frames of the higher wrist, but never above `rest_ceiling`
    shoulder widths below the shoulders (so an exemplar without rest frames is not cut into).
    A frame is "hands up" when some hand is seen (mean confidence of its keypoints >=
    `min_confidence`; detectors lose resting hands) and its wrist is more than `rise` above the
    rest height; the span runs from the first to the last such frame. With no such frame the
    whole exemplar is kept; a span shorter than `min_frames` is widened about its centre.
    """
    heights, seen = _wrists(data, confidence, min_confidence)
    n = len(heights)
    measured = np.isfinite(heights).any(axis=1)
    if not measured.any():
        return _widen(0, n, n, min_frames)
    rest = min(float(np.percentile(heights.max(axis=1)[measured], 5)), -rest_ceiling)
    up = np.flatnonzero(((heights > rest + rise) & seen).any(axis=1))
    if not up.size:
        return _widen(0, n, n, min_frames)
    return _widen(int(up[0]), int(up[-1]) + 1, n, min_frames)


def trim_exemplar(
    data: np.ndarray, confidence: np.ndarray, **rule: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The exemplar's frames inside `hands_up_span` (keyword arguments go to it)."""
    span = hands_up_span(data, confidence, **rule)
    return data[span], confidence[span]


def exemplar_feature(
    frames: np.ndarray, embed: Embed, window: int = 16, batch: int = 4096
) -> np.ndarray:
    """(D,) feature of a (trimmed) exemplar: the mean of its stride-1 window features."""
    return window_features(frames, embed, window, batch).mean(axis=0)


def window_features(
    frames: np.ndarray, embed: Embed, window: int = 16, batch: int = 4096
) -> np.ndarray:
    """(n_windows, D) features of every stride-1 window, embedding `batch` windows per call."""
    if window < 1 or batch < 1:
        raise ValueError("window and batch must be positive")
    frames = _pad(np.asarray(frames), window)
    n_windows = len(frames) - window + 1
    parts = []
    for first in range(0, n_windows, batch):
        count = min(batch, n_windows - first)
        part = np.asarray(embed(frames[first : first + count + window - 1]))
        if part.ndim != 2 or len(part) != count:
            raise ValueError(
                f"embed returned shape {part.shape} for {count + window - 1} frames; expected "
                f"({count}, D): one feature per stride-1 window of {window} frames"
            )
        parts.append(part)
    return np.concatenate(parts)


def embed_query(
    frames: np.ndarray,
    class_id: int,
    embed: Embed,
    fps: float,
    window: int = 16,
    batch: int = 4096,
) -> QueryWindows:
    """A query clip's window features, ready for spotting."""
    features = window_features(frames, embed, window, batch)
    return QueryWindows(int(class_id), len(frames), float(fps), features)


def similarity_curve(features: np.ndarray, gallery_feature: np.ndarray) -> np.ndarray:
    """Cosine similarity of each window feature (n, D) to one gallery feature (D,)."""
    return _normalise(features) @ _normalise(gallery_feature)


def spot(query: QueryWindows, gallery: np.ndarray, window: int = 16) -> Spotting:
    """The best window of one query for its sign; `gallery` is (n_classes, D)."""
    curve = similarity_curve(query.features, _gallery_row(gallery, query.class_id))
    best = int(np.argmax(curve))
    to_ms = 1000.0 / query.fps
    end = min(best + window, query.n_frames)
    return Spotting(
        query.class_id, round(best * to_ms), round(end * to_ms), float(curve[best]), best, curve
    )


def spot_queries(
    queries: Mapping[str, QueryWindows], gallery: np.ndarray, window: int = 16
) -> dict[str, Spotting]:
    """`spot` on every query."""
    return {key: spot(query, gallery, window) for key, query in queries.items()}


def predictions(spottings: Mapping[str, Spotting]) -> SpottingTable:
    """The spottings in the challenge's prediction format (one entry per query)."""
    return {key: [[s.class_id, s.start_ms, s.end_ms]] for key, s in spottings.items()}


def top_k_transfer(
    queries: Mapping[str, QueryWindows], gallery: np.ndarray, k: int = 5, rounds: int = 1
) -> np.ndarray:
    """Gallery features replaced by the mean of their K best retrieved clips (see module).

    A sign with no query clip keeps its feature; one with fewer than K uses all it has.
    """
    if k < 1 or rounds < 0:
        raise ValueError("k must be positive and rounds non-negative")
    gallery = np.asarray(gallery, dtype=np.float64)
    for _ in range(rounds):
        retrieved: dict[int, list[tuple[float, np.ndarray]]] = {}
        for query in queries.values():
            curve = similarity_curve(query.features, _gallery_row(gallery, query.class_id))
            best = int(np.argmax(curve))
            retrieved.setdefault(query.class_id, []).append(
                (float(curve[best]), query.features[best])
            )
        gallery = gallery.copy()
        for class_id, clips in retrieved.items():
            top = sorted(clips, key=lambda clip: -clip[0])[:k]
            gallery[class_id] = _normalise(np.stack([f for _, f in top])).mean(axis=0)
    return gallery


def fuse_features(
    streams: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """Concatenated L2-normalised stream features (..., D_i), stream i scaled by sqrt(w_i)."""
    scales = _stream_weights(len(streams), weights)
    if len({np.shape(s)[:-1] for s in streams}) != 1:
        raise ValueError("streams must hold the same windows (equal leading shapes)")
    return np.concatenate(
        [np.sqrt(w) * _normalise(np.asarray(s)) for s, w in zip(streams, scales, strict=True)],
        axis=-1,
    )


def fuse_curves(curves: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """Weighted mean of per-stream cosine curves (equal to the cosine of `fuse_features`)."""
    scales = _stream_weights(len(curves), weights)
    if len({np.shape(c) for c in curves}) != 1:
        raise ValueError("curves must have equal shapes")
    return np.average(
        np.stack([np.asarray(c, dtype=np.float64) for c in curves]), axis=0, weights=scales
    )


def fuse_queries(
    streams: Sequence[Mapping[str, QueryWindows]], weights: Sequence[float] | None = None
) -> dict[str, QueryWindows]:
    """Per query, its streams' window features fused by `fuse_features`."""
    keys = list(streams[0]) if streams else []
    if any(set(s) != set(keys) for s in streams):
        raise ValueError("every stream must hold the same queries")
    return {
        key: QueryWindows(
            streams[0][key].class_id,
            streams[0][key].n_frames,
            streams[0][key].fps,
            fuse_features([s[key].features for s in streams], weights),
        )
        for key in keys
    }


def fuse_embedded(
    streams: Sequence[tuple[Mapping[str, QueryWindows], np.ndarray]],
    weights: Sequence[float] | None = None,
) -> tuple[dict[str, QueryWindows], np.ndarray]:
    """One benchmark's (queries, gallery) of several streams fused: `fuse_queries` and
    `fuse_features` of the galleries."""
    return (
        fuse_queries([queries for queries, _ in streams], weights),
        fuse_features([gallery for _, gallery in streams], weights),
    )


def _wrists(
    data: np.ndarray, confidence: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """(T, 2) wrist heights above the shoulders in shoulder widths (-inf where unmeasured) and
    (T, 2) whether each hand's keypoints are seen; left hand first."""
    data = np.asarray(data, dtype=np.float64)[..., :2]
    confidence = np.asarray(confidence, dtype=np.float64)
    left = data[:, layout.body_index("LEFT_SHOULDER")]
    right = data[:, layout.body_index("RIGHT_SHOULDER")]
    width = np.maximum(np.linalg.norm(left - right, axis=1), _EPS)
    shoulder_y = (left[:, 1] + right[:, 1]) / 2
    heights, seen = [], []
    for side, hand in (("LEFT", layout.LEFT_HAND), ("RIGHT", layout.RIGHT_HAND)):
        wrist = layout.body_index(f"{side}_WRIST")
        height = (shoulder_y - data[:, wrist, 1]) / width  # image y grows downwards
        heights.append(np.where(confidence[:, wrist] >= threshold, height, -np.inf))
        seen.append(confidence[:, hand].mean(axis=1) >= threshold)
    return np.stack(heights, axis=1), np.stack(seen, axis=1)


def _widen(start: int, stop: int, n: int, min_frames: int) -> slice:
    """[start, stop) widened about its centre to at least `min_frames`, inside [0, n)."""
    length = min(max(min_frames, stop - start), n)
    if stop - start >= length:
        return slice(start, stop)
    first = int(np.clip(round((start + stop - length) / 2), 0, n - length))
    return slice(first, first + length)


def _pad(frames: np.ndarray, window: int) -> np.ndarray:
    """Frames edge-padded (last frame repeated) to at least one window."""
    if len(frames) == 0:
        raise ValueError("cannot embed an empty clip")
    if len(frames) >= window:
        return frames
    return np.concatenate([frames, np.repeat(frames[-1:], window - len(frames), axis=0)])


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), _EPS)


def _gallery_row(gallery: np.ndarray, class_id: int) -> np.ndarray:
    if not 0 <= class_id < len(gallery):
        raise ValueError(f"class id {class_id} has no gallery feature ({len(gallery)} classes)")
    return gallery[class_id]


def _stream_weights(n: int, weights: Sequence[float] | None) -> np.ndarray:
    if n < 1:
        raise ValueError("fusion needs at least one stream")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"weights must be {n} non-negative numbers with a positive sum")
    return w / w.sum()
