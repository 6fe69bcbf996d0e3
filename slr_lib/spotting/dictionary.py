"""Dictionary-based sign spotting: query continuous signing with isolated dictionary exemplars.

For each subtitle, every word whose form or lemma is a dictionary gloss becomes a query: all the
exemplars of that gloss are embedded by the current sign-recognition model, compared (cosine
similarity) with the embedding of every 16-frame window (stride 1) of the subtitle's span, and
the best window is kept with its similarity, the maximum over exemplars (`dictionary_candidates`).
A spotting is a candidate above a threshold (0.75 in SPOT-ALIGN, Sec. 3.3; `spot_dictionary`).
Keeping every candidate lets a chapter show yield and precision at any threshold. The spotting's
`frame` is the start of the best window, so the training window [-3, +22] covers the sign.

An exemplar's embedding is the normalised mean of its window embeddings over its middle part
(`sign_windows.EXEMPLAR_KEEP`), leaving out the rise from and fall to rest.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from slr_lib.data.corpus import TIMINGS, Corpus
from slr_lib.data.mouthings import SPOTTING_COLUMNS
from slr_lib.data_loader.sign_windows import EXEMPLAR_KEEP
from slr_lib.model.dense import batch_embeddings, dense_embeddings
from slr_lib.model.padding import pad_frames
from slr_lib.model.sign_recognition import WINDOW, SignRecognizer
from slr_lib.text import lemmatize, normalize


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-8)


def _middle_mean(windows: np.ndarray, n_windows: int) -> np.ndarray:
    a, b = (int(round(f * n_windows)) for f in EXEMPLAR_KEEP)
    return _unit(windows[a : max(b, a + 1)].mean(axis=0))


def exemplar_embeddings(
    model: SignRecognizer,
    exemplars: pd.DataFrame,
    features: Mapping[str, np.ndarray],
    batch_size: int = 256,
) -> dict[str, np.ndarray]:
    """Gloss -> (n exemplars, E) unit-norm embeddings of its exemplars."""
    vectors: dict[str, list[np.ndarray]] = {}
    rows = list(exemplars.itertuples())
    for i in range(0, len(rows), batch_size):
        chunk = rows[i : i + batch_size]
        frames = [pad_frames(features[r.exemplar_id], WINDOW) for r in chunk]
        longest = max(len(f) for f in frames)
        windows = _unit(batch_embeddings(model, np.stack([pad_frames(f, longest) for f in frames])))
        for row, own, frames_of in zip(chunk, windows, frames, strict=True):
            vector = _middle_mean(own, len(frames_of) - WINDOW + 1)
            vectors.setdefault(row.gloss, []).append(vector)
    return {g: np.stack(v).astype(np.float32) for g, v in vectors.items()}


def query_words(text: str, glosses: set[str]) -> dict[str, str]:
    """Glosses of a subtitle that have exemplars (the word itself or its lemma) -> the word."""
    found: dict[str, str] = {}
    for word in normalize(text):
        gloss = word if word in glosses else lemmatize(word)
        if gloss in glosses:
            found.setdefault(gloss, word)
    return found


def span_windows(start_s: float, end_s: float, fps: float, pad_s: float, n_windows: int) -> slice:
    """Windows (starting frames) lying inside a subtitle span widened by `pad_s` seconds."""
    first = min(max(0, int(np.floor((start_s - pad_s) * fps))), n_windows - 1)
    last = min(n_windows, int(np.ceil((end_s + pad_s) * fps)) - WINDOW + 1)
    return slice(first, max(last, first + 1))


def dictionary_candidates(
    model: SignRecognizer,
    corpus: Corpus,
    video_features: Mapping[str, np.ndarray],
    exemplar_features: Mapping[str, np.ndarray],
    split: str = "train",
    timing: str = "sign",
    pad_s: float = 0.5,
) -> pd.DataFrame:
    """The best location of every subtitle word that has exemplars, with its similarity."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    exemplars = exemplar_embeddings(model, corpus.exemplars, exemplar_features)
    glosses = set(exemplars)
    fps = corpus.videos.set_index("video_id")["fps"]
    rows = []
    groups = corpus.split_sentences(split).groupby("video_id")
    for video_id, group in tqdm(groups, desc="dictionary spotting", leave=False):
        windows = _unit(dense_embeddings(model, video_features[video_id]))
        for sentence in group.itertuples():
            span = span_windows(
                getattr(sentence, f"start_{timing}"), getattr(sentence, f"end_{timing}"),
                float(fps[video_id]), pad_s, len(windows),
            )  # fmt: skip
            for gloss, word in query_words(sentence.text, glosses).items():
                best = (exemplars[gloss] @ windows[span].T).max(axis=0)
                where = int(best.argmax())
                rows.append((video_id, sentence.sentence_id, word, gloss,
                             span.start + where, float(best[where]), "dictionary"))  # fmt: skip
    return pd.DataFrame(rows, columns=list(SPOTTING_COLUMNS))


def spot_dictionary(candidates: pd.DataFrame, threshold: float = 0.75) -> pd.DataFrame:
    """The candidates whose similarity is above `threshold`."""
    return candidates[candidates["confidence"] > threshold].reset_index(drop=True)
