"""Text-video pairs for retrieval: each subtitle with the clip features of its signing.

A source video's clip features cover windows of `window` frames every `stride` frames (clip k
starts at frame k * stride). A sentence takes the clips that lie inside its span (sign- or
speech-aligned); a span shorter than one window takes the clip that overlaps it most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slr_lib.data.corpus import TIMINGS, Corpus


@dataclass
class RetrievalSplit:
    """Aligned lists: sentence ids, texts, clip features (n_clips, F) and token embeddings."""

    sentence_ids: list[str]
    texts: list[str]
    clips: list[np.ndarray]
    words: list[np.ndarray]

    def __post_init__(self) -> None:
        sizes = {len(self.sentence_ids), len(self.texts), len(self.clips), len(self.words)}
        if len(sizes) != 1:
            raise ValueError(f"retrieval split lists differ in length: {sorted(sizes)}")

    def __len__(self) -> int:
        return len(self.sentence_ids)

    @property
    def feature_dim(self) -> int:
        return int(self.clips[0].shape[1])

    @property
    def word_dim(self) -> int:
        return int(self.words[0].shape[1])


def clip_range(
    start_s: float, end_s: float, fps: float, window: int, stride: int, n_clips: int
) -> slice:
    """The clips of a video that lie inside [start_s, end_s) (at least one clip)."""
    if n_clips < 1:
        raise ValueError("a video needs at least one clip")
    first_frame, last_frame = start_s * fps, end_s * fps
    first = int(np.ceil(first_frame / stride))
    last = int(np.floor((last_frame - window) / stride))  # last clip ending inside the span
    first, last = max(0, first), min(n_clips - 1, last)
    if last < first:  # shorter than a window: the clip whose centre is nearest the span's centre
        centre = (first_frame + last_frame) / 2 - window / 2
        nearest = int(np.clip(round(centre / stride), 0, n_clips - 1))
        return slice(nearest, nearest + 1)
    return slice(first, last + 1)


def sentence_clips(
    corpus: Corpus,
    sentences: pd.DataFrame,
    features: Mapping[str, np.ndarray],
    window: int,
    stride: int,
    timing: str = "sign",
) -> list[np.ndarray]:
    """The clip features (float32) of each sentence, cut from its video's features by `timing`."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    fps = corpus.videos.set_index("video_id")["fps"]
    out = []
    for row in sentences.itertuples():
        if row.video_id not in features:
            raise KeyError(f"no clip features for video {row.video_id!r}")
        video = features[row.video_id]
        span = clip_range(
            getattr(row, f"start_{timing}"), getattr(row, f"end_{timing}"),
            float(fps[row.video_id]), window, stride, len(video),
        )  # fmt: skip
        out.append(np.asarray(video[span], dtype=np.float32))
    return out


def build_split(
    corpus: Corpus,
    split: str,
    features: Mapping[str, np.ndarray],
    embed: Callable[[list[str]], list[np.ndarray]],
    window: int,
    stride: int,
    timing: str = "sign",
) -> RetrievalSplit:
    """One split's pairs; `embed(texts)` gives the token embeddings (a TokenEmbedder's `embed`)."""
    sentences = corpus.split_sentences(split)
    if sentences.empty:
        raise ValueError(f"corpus {corpus.name!r} has no sentences in split {split!r}")
    texts = sentences["text"].tolist()
    return RetrievalSplit(
        sentence_ids=sentences["sentence_id"].tolist(),
        texts=texts,
        clips=sentence_clips(corpus, sentences, features, window, stride, timing),
        words=[np.asarray(w, dtype=np.float32) for w in embed(texts)],
    )


def batches(n: int, size: int, rng: np.random.Generator | None = None) -> Sequence[np.ndarray]:
    """Index batches over n items, shuffled when `rng` is given; the last may be smaller."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    return [order[i : i + size] for i in range(0, n, size)]


def load_splits(
    corpus: Corpus,
    features: Mapping[str, np.ndarray],
    meta: Mapping[str, int],
    embed: Callable[[list[str]], list[np.ndarray]],
    timing: str = "sign",
) -> dict[str, RetrievalSplit]:
    """Train, val and test pairs of a corpus, clips cut as `meta` (window, stride) says."""
    return {
        split: build_split(corpus, split, features, embed, meta["window"], meta["stride"], timing)
        for split in ("train", "val", "test")
    }
