"""Dense recognition outputs (best class and probability per window) stored per video.

The SR retrieval of SPOT-ALIGN reads, for each subtitle, the windows (16 frames, stride 1) lying
inside its span and keeps the classes recognised above a threshold. The stage stores, for every
video of the evaluated splits, each window's most probable class and its probability, so that a
chapter can sweep the threshold without running the model again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from slr_lib.data.corpus import TIMINGS, Corpus
from slr_lib.data_loader.retrieval import clip_range
from slr_lib.model.sign_recognition import WINDOW
from slr_lib.recognised_words import recognised_words, sr_similarity


def save_recognition(
    path: str | Path, outputs: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> Path:
    """Write {video_id: (labels, probabilities)} as one compressed npz."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = sorted(outputs)
    offsets = np.cumsum([0] + [len(outputs[v][0]) for v in ids])
    np.savez_compressed(
        path,
        video_ids=np.array(ids),
        offsets=offsets,
        labels=np.concatenate([outputs[v][0] for v in ids]).astype(np.int32),
        probabilities=np.concatenate([outputs[v][1] for v in ids]).astype(np.float16),
    )
    return path


def load_recognition(path: str | Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read what `save_recognition` wrote."""
    with np.load(Path(path)) as saved:
        offsets, labels, probs = saved["offsets"], saved["labels"], saved["probabilities"]
        return {
            str(v): (labels[offsets[i] : offsets[i + 1]], probs[offsets[i] : offsets[i + 1]])
            for i, v in enumerate(saved["video_ids"])
        }


def sentence_word_sets(
    corpus: Corpus,
    sentences: pd.DataFrame,
    recognition: Mapping[str, tuple[np.ndarray, np.ndarray]],
    classes: Sequence[str],
    threshold: float = 0.5,
    timing: str = "sign",
) -> list[frozenset[str]]:
    """The recognised (lemmatised, deduplicated) words of each subtitle's windows."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    fps = corpus.videos.set_index("video_id")["fps"]
    out = []
    for row in sentences.itertuples():
        labels, probs = recognition[row.video_id]
        span = clip_range(
            getattr(row, f"start_{timing}"), getattr(row, f"end_{timing}"),
            float(fps[row.video_id]), WINDOW, 1, len(labels),
        )  # fmt: skip
        out.append(
            recognised_words(labels[span], probs[span].astype(np.float32), classes, threshold)
        )
    return out


def sr_similarity_matrix(
    corpus: Corpus,
    split: str,
    recognition: Mapping[str, tuple[np.ndarray, np.ndarray]],
    classes: Sequence[str],
    threshold: float = 0.5,
    timing: str = "sign",
) -> tuple[np.ndarray, list[frozenset[str]]]:
    """SR similarities (subtitles x subtitle videos) of a split, and each video's word set."""
    sentences = corpus.split_sentences(split)
    words = sentence_word_sets(corpus, sentences, recognition, classes, threshold, timing)
    return sr_similarity(sentences["text"].tolist(), words, classes), words
