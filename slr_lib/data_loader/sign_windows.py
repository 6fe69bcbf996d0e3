"""Training windows for the sign-recognition model, cut around point annotations.

A spotting is a point in time, not a segment, so each training sample is a fixed window around it
(SPOT-ALIGN supplement, B.2): frames [-15, +4] around a mouthing spotting (the keyword spotter
reports the end of the mouthing) and [-3, +22] around a dictionary spotting (which reports the
start of the best 16-frame window). A dictionary exemplar contributes its middle 60 %, dropping
the rise from and fall to rest that every isolated exemplar has. During training a random
16-frame crop of each window is taken (`random_crops`); windows shorter than 16 frames (at the
edge of a video, or a very short exemplar) are padded by repeating their last frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from slr_lib.data.clip_features import pose_frames
from slr_lib.data.corpus import Corpus
from slr_lib.model.padding import pad_frames
from slr_lib.model.sign_recognition import WINDOW

OFFSETS: dict[str, tuple[int, int]] = {"mouthing": (-15, 4), "dictionary": (-3, 22)}
EXEMPLAR_KEEP = (0.2, 0.8)
ANNOTATION_COLUMNS = ("video_id", "frame", "gloss", "source")


@dataclass
class WindowSet:
    """Variable-length windows stored padded: frames (N, L, F), lengths (N,), labels (N,)."""

    frames: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: np.ndarray) -> WindowSet:
        return WindowSet(self.frames[index], self.lengths[index], self.labels[index])

    @classmethod
    def concat(cls, parts: Sequence[WindowSet]) -> WindowSet:
        """All windows of `parts`, padded to the longest."""
        parts = [p for p in parts if len(p)]
        if not parts:
            raise ValueError("no training windows")
        length = max(p.frames.shape[1] for p in parts)
        return cls(
            np.concatenate([_pad_to(p.frames, length) for p in parts]),
            np.concatenate([p.lengths for p in parts]),
            np.concatenate([p.labels for p in parts]),
        )


def _pad_to(frames: np.ndarray, length: int) -> np.ndarray:
    if frames.shape[1] == length:
        return frames
    edge = np.repeat(frames[:, -1:], length - frames.shape[1], axis=1)
    return np.concatenate([frames, edge], axis=1)


def video_features(corpus: Corpus, video_ids: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Pose frame features (T, F) float32 of the corpus's source videos (all by default)."""
    ids = corpus.videos["video_id"].tolist() if video_ids is None else list(video_ids)
    return {
        v: pose_frames(*corpus.video_pose(v))
        for v in tqdm(ids, desc=f"pose features {corpus.name}", leave=False)
    }


def exemplar_features(corpus: Corpus) -> dict[str, np.ndarray]:
    """Pose frame features of every dictionary exemplar, by exemplar id."""
    return {
        row.exemplar_id: pose_frames(*corpus.exemplar_pose(row))
        for _, row in corpus.exemplars.iterrows()
    }


def stack_windows(windows: list[np.ndarray], labels: list[int]) -> WindowSet:
    if not windows:
        return WindowSet(np.zeros((0, WINDOW, 0), np.float32), np.zeros(0, int), np.zeros(0, int))
    lengths = np.array([len(w) for w in windows])
    length = max(WINDOW, int(lengths.max()))
    frames = np.stack([pad_frames(w, length) for w in windows]).astype(np.float32)
    return WindowSet(frames, np.maximum(lengths, WINDOW), np.asarray(labels))


def annotation_windows(
    annotations: pd.DataFrame,
    features: Mapping[str, np.ndarray],
    classes: Mapping[str, int],
) -> WindowSet:
    """Windows around spottings whose gloss is in `classes`, offsets by their `source`."""
    missing = set(ANNOTATION_COLUMNS) - set(annotations.columns)
    if missing:
        raise ValueError(f"annotations lack columns {sorted(missing)}")
    unknown = set(annotations["source"]) - set(OFFSETS)
    if unknown:
        raise ValueError(f"unknown annotation sources {sorted(unknown)}; known: {sorted(OFFSETS)}")
    windows, labels = [], []
    for row in annotations[annotations["gloss"].isin(list(classes))].itertuples():
        video = features[row.video_id]
        before, after = OFFSETS[row.source]
        start = int(np.clip(row.frame + before, 0, max(len(video) - 1, 0)))
        windows.append(video[start : max(start + 1, row.frame + after + 1)])
        labels.append(classes[row.gloss])
    return stack_windows(windows, labels)


def exemplar_windows(
    exemplars: pd.DataFrame, features: Mapping[str, np.ndarray], classes: Mapping[str, int]
) -> WindowSet:
    """The middle part of each dictionary exemplar whose gloss is in `classes`."""
    windows, labels = [], []
    for row in exemplars[exemplars["gloss"].isin(list(classes))].itertuples():
        frames = features[row.exemplar_id]
        a, b = (int(round(f * len(frames))) for f in EXEMPLAR_KEEP)
        windows.append(frames[a:b] if b - a >= WINDOW else frames)
        labels.append(classes[row.gloss])
    return stack_windows(windows, labels)


def truth_windows(
    signs: pd.DataFrame, features: Mapping[str, np.ndarray], classes: Mapping[str, int]
) -> WindowSet:
    """16-frame windows centred on ground-truth signs whose gloss is in `classes`."""
    windows, labels = [], []
    for row in signs[signs["gloss"].isin(list(classes))].itertuples():
        video = features[row.video_id]
        centre = (row.start_frame + row.end_frame) // 2
        start = int(np.clip(centre - WINDOW // 2, 0, max(len(video) - WINDOW, 0)))
        windows.append(video[start : start + WINDOW])
        labels.append(classes[row.gloss])
    return stack_windows(windows, labels)


def random_crops(windows: WindowSet, index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random 16-frame crop (B, 16, F) of each window in `index`."""
    starts = rng.integers(0, windows.lengths[index] - WINDOW + 1)
    frames = starts[:, None] + np.arange(WINDOW)[None, :]
    return windows.frames[index[:, None], frames]


def centre_crops(windows: WindowSet, index: np.ndarray | None = None) -> np.ndarray:
    """The central 16-frame crop (B, 16, F) of each window (all by default)."""
    index = np.arange(len(windows)) if index is None else index
    starts = (windows.lengths[index] - WINDOW) // 2
    frames = starts[:, None] + np.arange(WINDOW)[None, :]
    return windows.frames[index[:, None], frames]


def class_index(glosses: Sequence[str]) -> dict[str, int]:
    """A stable class numbering of a vocabulary (sorted glosses)."""
    return {g: i for i, g in enumerate(sorted(set(glosses)))}


_HAND = 45  # pose_frames: per hand, wrist x y, 21 points x y relative to the wrist, visibility


def _x_columns() -> np.ndarray:
    per_hand = np.r_[0, 2 + 2 * np.arange(21)]
    return np.r_[per_hand, _HAND + per_hand]


def _coordinate_columns() -> np.ndarray:
    per_hand = np.arange(44)
    return np.r_[per_hand, _HAND + per_hand]


def augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random mirror (hands swapped, x negated), scale, wrist shift and noise of pose frames."""
    out = batch.copy()
    flip = rng.random(len(out)) < 0.5
    out[flip] = np.concatenate(
        [out[flip][..., _HAND : 2 * _HAND], out[flip][..., :_HAND], out[flip][..., 2 * _HAND :]],
        axis=-1,
    )
    xs = _x_columns()
    out[np.ix_(flip, np.arange(out.shape[1]), xs)] *= -1
    coords = _coordinate_columns()
    scale = rng.uniform(0.9, 1.1, size=(len(out), 1, 1)).astype(np.float32)
    out[..., coords] *= scale
    for wrist in (0, _HAND):
        out[..., wrist : wrist + 2] += rng.normal(0, 0.05, size=(len(out), 1, 2))
    out[..., coords] += rng.normal(0, 0.01, size=out[..., coords].shape)
    return out.astype(np.float32)
