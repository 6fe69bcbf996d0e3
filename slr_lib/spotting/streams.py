"""The streams of multi-stream one-shot spotting, and a trained encoder as a window embedder.

The fact sheet's team fuses three separately trained models (2D-pose SL-GCN, 3D-pose SL-GCN,
RGB I3D-MLP). Here a stream is a kind of per-frame feature, each with its own `SignRecognizer`:

- `pose`: the keypoint features of `slr_lib.data.clip_features.pose_frames` (wrists, hand shapes,
  hand visibility, mouth);
- `rgb`: the RGB-like view, rendered and pooled (`slr_lib.data.rgb_frames`): the whole body at
  low detail, with the signer's appearance;
- `hands`: only the hand-shape columns of the pose features (each hand's points relative to its
  wrist, and its visibility): what a hand-crop stream sees, without location or mouth.

`encoder_embed` turns an encoder of 16-frame windows into the spotter's `Embed` for any window
length w: for w >= 16 a window's feature is the mean of the embeddings of the 16-frame windows
inside it (as I3D averages over time); for w < 16 the clip is stretched in time so that each
window spans the encoder's 16 frames.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data.rgb_frames import exemplar_rgb_frames, video_rgb_frames
from slr_lib.data_loader.sign_windows import (
    WindowSet,
    annotation_windows,
    exemplar_features,
    exemplar_windows,
    video_features,
)
from slr_lib.model.dense import dense_embeddings
from slr_lib.model.sign_recognition import WINDOW, SignRecognizer
from slr_lib.spotting.one_shot import (
    Embed,
    QueryWindows,
    embed_query,
    exemplar_feature,
    hands_up_span,
)
from slr_lib.spotting.oslwl import OslwlBenchmark

STREAMS = ("pose", "rgb", "hands")
_PER_HAND = 45  # pose_frames per hand: wrist x y, 21 points x y relative to the wrist, visibility
HAND_SHAPE_COLUMNS = np.r_[2:_PER_HAND, _PER_HAND + 2 : 2 * _PER_HAND]


@dataclass(frozen=True)
class StreamFrames:
    """Per-frame features (T, F) of one stream: source videos and dictionary exemplars, by id."""

    videos: Mapping[str, np.ndarray]
    exemplars: Mapping[str, np.ndarray]

    def columns(self, columns: np.ndarray) -> StreamFrames:
        """The same frames restricted to some feature columns."""
        return StreamFrames(
            {k: v[:, columns] for k, v in self.videos.items()},
            {k: v[:, columns] for k, v in self.exemplars.items()},
        )

    def training_windows(
        self, annotations: pd.DataFrame, exemplars: pd.DataFrame, classes: Mapping[str, int]
    ) -> tuple[WindowSet, WindowSet]:
        """Windows around the spottings (continuous signing) and of the exemplars of `classes`."""
        return (
            annotation_windows(annotations, self.videos, classes),
            exemplar_windows(exemplars, self.exemplars, classes),
        )


def stream_frames(
    corpus: Corpus,
    video_ids: Sequence[str],
    rgb_exemplar_ids: Collection[str],
    with_rgb: bool = True,
    image_size: int = 24,
    pooled: int = 8,
    seed: int = 0,
) -> dict[str, StreamFrames]:
    """Per-frame features of the `pose` and `hands` streams (every exemplar) and, `with_rgb`,
    of the `rgb` stream (rendered for `rgb_exemplar_ids` only, sorted), for `video_ids`."""
    pose = StreamFrames(video_features(corpus, video_ids), exemplar_features(corpus))
    frames = {"pose": pose, "hands": pose.columns(HAND_SHAPE_COLUMNS)}
    if with_rgb:
        frames["rgb"] = StreamFrames(
            video_rgb_frames(corpus, video_ids, image_size, pooled, seed),
            exemplar_rgb_frames(corpus, sorted(rgb_exemplar_ids), image_size, pooled, seed),
        )
    return frames


def encoder_embed(model: SignRecognizer, window: int = WINDOW) -> Embed:
    """The spotter's `Embed` for windows of `window` frames from a 16-frame encoder (see module)."""
    if window < 2:
        raise ValueError("window must be at least 2 frames")

    def embed(frames: np.ndarray) -> np.ndarray:
        frames = np.asarray(frames, dtype=np.float32)
        if window >= WINDOW:
            return _moving_mean(dense_embeddings(model, frames), window - WINDOW + 1)
        return _stretched_embeddings(model, frames, window)

    return embed


def _moving_mean(x: np.ndarray, n: int) -> np.ndarray:
    """Means of every `n` consecutive rows of x (len(x) - n + 1 rows)."""
    sums = np.cumsum(np.concatenate([np.zeros_like(x[:1]), x]), axis=0, dtype=np.float64)
    return ((sums[n:] - sums[:-n]) / n).astype(np.float32)


def _stretched_embeddings(model: SignRecognizer, frames: np.ndarray, window: int) -> np.ndarray:
    """Embeddings of every stride-1 window of `window` (< 16) frames: the clip is stretched in
    time (linear interpolation) so that a window spans 16 samples, and embedded densely; a window
    whose start falls between stretched samples takes the nearest."""
    rate = (WINDOW - 1) / (window - 1)
    times = np.arange(int(np.floor((len(frames) - 1) * rate)) + 1) / rate
    low = np.floor(times).astype(int)
    high = np.minimum(low + 1, len(frames) - 1)
    weight = (times - low).astype(np.float32)[:, None]
    dense = dense_embeddings(model, frames[low] * (1 - weight) + frames[high] * weight)
    starts = np.rint(np.arange(len(frames) - window + 1) * rate).astype(int)
    return dense[np.minimum(starts, len(dense) - 1)]


def embed_benchmark(
    bench: OslwlBenchmark, corpus: Corpus, frames: StreamFrames, embed: Embed, window: int = 16
) -> tuple[dict[str, QueryWindows], np.ndarray]:
    """Every query clip's window features and the gallery (n_classes, D) of trimmed exemplars.

    Query clips are cut from the videos' frames; exemplars are trimmed by `hands_up_span` of
    their keypoints, whatever the stream.
    """
    queries = {
        q.key: embed_query(
            frames.videos[q.video_id][q.start_frame : q.end_frame], q.class_id, embed, q.fps, window
        )
        for q in bench.queries.itertuples()
    }
    gallery = [
        exemplar_feature(
            frames.exemplars[row.exemplar_id][
                hands_up_span(*bench.exemplar_pose(corpus, row.class_id))
            ],
            embed,
            window,
        )
        for row in bench.gallery.sort_values("class_id").itertuples()
    ]
    return queries, np.stack(gallery)
