"""Text-video pairs for SEDS: each subtitle with its pose clip windows and its RGB clip features.

A source video's RGB clip features cover windows of `window` frames every `stride` frames (clip k
starts at frame k * stride), as `retrieval.clip_range` cuts them; a sentence takes the clips that
lie inside its span (sign- or speech-aligned; a span shorter than a window takes the nearest
clip), and at most `max_clips` of them at equal intervals (the paper: 64). The pose stream sees
the same windows: the keypoint frames k * stride ... k * stride + window - 1 of each chosen clip.

A video shorter than one window is padded by repeating its last frame (what the fixed clip
encoder does for its RGB features), so every clip has `window` frames. Keypoints are read lazily,
batch by batch, from the corpus's memory-mapped pose arrays, and turned into the pose encoder's
input by `pose_gcn.pose_groups` (missing points as zeros with a visibility flag of 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from slr_lib.data.corpus import TIMINGS, Corpus, PoseArray
from slr_lib.data_loader.retrieval import clip_range
from slr_lib.model.padding import pad_sequences
from slr_lib.model.pose_gcn import pose_groups
from slr_lib.model.seds import MAX_CLIPS

WINDOW = 16


def equal_interval(n_clips: int, max_clips: int = MAX_CLIPS) -> np.ndarray:
    """min(n_clips, max_clips) distinct clip indices at equal intervals, first and last included."""
    if n_clips < 1 or max_clips < 1:
        raise ValueError("need at least one clip to choose from and to choose")
    return np.round(np.linspace(0, n_clips - 1, min(n_clips, max_clips))).astype(np.int64)


@dataclass(frozen=True)
class SEDSSample:
    """One pair: where its frames and clips are, not the data itself."""

    sentence_id: str
    text: str
    video_id: str
    pose_index: int  # item of the split's pose array
    clips: np.ndarray  # (T,) indices into the video's RGB clip features
    frames: np.ndarray  # (F,) distinct frame indices into the video that the windows use
    windows: np.ndarray  # (T, window) indices into `frames`


@dataclass
class SEDSBatch:
    """A batch: texts, RGB clips (B, T, D) with their (B, T) mask, and the pose input.

    The pose frames of all samples are packed into one (N, 49, 3) array, without padding;
    `windows` (B, T, W) index each clip's frames in it (padded clips point at frame 0).
    """

    texts: list[str]
    rgb: Tensor
    frames: Tensor
    windows: Tensor
    clip_mask: Tensor

    def to(self, device: torch.device | str) -> SEDSBatch:
        """The batch on `device`."""
        return SEDSBatch(
            self.texts, self.rgb.to(device), self.frames.to(device),
            self.windows.to(device), self.clip_mask.to(device),
        )  # fmt: skip

    def model_inputs(self) -> dict:
        """Keyword arguments of `SEDS.forward`."""
        return {
            "texts": self.texts, "clip_mask": self.clip_mask, "rgb": self.rgb,
            "frames": self.frames, "windows": self.windows,
        }  # fmt: skip


@dataclass
class SEDSSplit:
    """The pairs of one split, with the pose array and RGB features they are read from."""

    samples: list[SEDSSample]
    poses: PoseArray
    rgb: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.samples)

    @property
    def texts(self) -> list[str]:
        """The captions, in pair order."""
        return [s.text for s in self.samples]

    @property
    def rgb_dim(self) -> int:
        """Size of an RGB clip feature."""
        return int(next(iter(self.rgb.values())).shape[1])

    def batch(self, index: Sequence[int] | np.ndarray) -> SEDSBatch:
        """The batch of the samples at `index`: clips padded, frames packed without padding."""
        chosen = [self.samples[int(i)] for i in index]
        rgb, clip_mask = pad_sequences([self.rgb[s.video_id][s.clips] for s in chosen])
        starts = np.cumsum([0] + [len(s.frames) for s in chosen])
        windows = torch.zeros(clip_mask.shape + (chosen[0].windows.shape[1],), dtype=torch.long)
        for row, (sample, start) in enumerate(zip(chosen, starts, strict=False)):
            windows[row, : len(sample.windows)] = torch.from_numpy(sample.windows + start)
        frames = torch.from_numpy(np.concatenate([self._frames(s) for s in chosen]))
        return SEDSBatch([s.text for s in chosen], rgb, frames, windows, clip_mask)

    def _frames(self, sample: SEDSSample) -> np.ndarray:
        """The (F, 49, 3) pose encoder input of the frames one sample uses."""
        data, confidence = self.poses.frames(sample.pose_index)
        return pose_groups(data[sample.frames], confidence[sample.frames])


def _sample(
    sentence: Any, fps: float, poses: PoseArray, pose_index: int, n_rgb_clips: int,
    window: int, stride: int, timing: str, max_clips: int,
) -> SEDSSample:  # fmt: skip
    """The clips, frames and windows of one sentence (a row of the sentences table)."""
    start, end = getattr(sentence, f"start_{timing}"), getattr(sentence, f"end_{timing}")
    span = clip_range(start, end, fps, window, stride, n_rgb_clips)
    clips = np.arange(span.start, span.stop)[equal_interval(span.stop - span.start, max_clips)]
    n_frames = poses.n_frames(pose_index)
    if n_frames < 1:
        raise ValueError(f"video {sentence.video_id!r} has no frames")
    wanted = np.minimum(clips[:, None] * stride + np.arange(window), n_frames - 1)
    frames, windows = np.unique(wanted, return_inverse=True)
    return SEDSSample(
        sentence.sentence_id, sentence.text, sentence.video_id, pose_index,
        clips, frames, windows.reshape(wanted.shape),
    )  # fmt: skip


def build_seds_split(
    corpus: Corpus,
    split: str,
    rgb_features: Mapping[str, np.ndarray],
    window: int = WINDOW,
    stride: int = 4,
    timing: str = "sign",
    max_clips: int = MAX_CLIPS,
) -> SEDSSplit:
    """The pairs of one split; `rgb_features` maps video id -> (n_clips, D) clip features."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    sentences = corpus.split_sentences(split)
    if sentences.empty:
        raise ValueError(f"corpus {corpus.name!r} has no sentences in split {split!r}")
    videos = corpus.videos.set_index("video_id")
    samples = []
    for sentence in sentences.itertuples():
        if sentence.video_id not in rgb_features:
            raise KeyError(f"no RGB clip features for video {sentence.video_id!r}")
        video = videos.loc[sentence.video_id]
        samples.append(
            _sample(
                sentence,
                float(video["fps"]),
                corpus.poses[split],
                int(video["pose_index"]),
                len(rgb_features[sentence.video_id]),
                window,
                stride,
                timing,
                max_clips,
            )
        )
    rgb = {v: np.asarray(rgb_features[v], dtype=np.float32) for v in set(sentences["video_id"])}
    return SEDSSplit(samples, corpus.poses[split], rgb)


def build_seds_splits(
    corpus: Corpus,
    rgb_features: Mapping[str, np.ndarray],
    meta: Mapping[str, int],
    timing: str = "sign",
    max_clips: int = MAX_CLIPS,
    splits: Sequence[str] = ("train", "val", "test"),
) -> dict[str, SEDSSplit]:
    """The pairs of several splits, clips cut as the features' `meta` (window, stride) says."""
    return {
        split: build_seds_split(
            corpus, split, rgb_features, meta["window"], meta["stride"], timing, max_clips
        )
        for split in splits
    }
