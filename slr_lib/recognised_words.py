"""Text-based retrieval through sign recognition (SR): IoU of lemmatised word sets.

A sign classifier run over a video with a sliding window (stride 1) gives one predicted class
and its probability per window. The classes predicted with a probability above a threshold,
mapped to their words, lemmatised and deduplicated, form the video's recognised-word set; a
query's similarity to a video is the intersection over union of its lemmatised words with that
set (paper Sec. 3.4 and supplement B.2). Query and vocabulary words go through the same
normalisation (numbers spelled out) and lemmatisation, function words included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from slr_lib.logging_setup import get_logger
from slr_lib.text import lemmatize, normalize

log = get_logger(__name__)

_MAX_LISTED = 10


def query_words(text: str) -> frozenset[str]:
    """The set of lemmas of every word of `text` (numbers spelled out, function words kept)."""
    return frozenset(lemmatize(token) for token in normalize(text))


def recognised_words(
    labels: np.ndarray,
    probabilities: np.ndarray,
    vocabulary: Sequence[str],
    threshold: float = 0.5,
) -> frozenset[str]:
    """Lemmatised words of the classes predicted with a probability above `threshold`.

    `labels` and `probabilities` hold the argmax class and its probability for each sliding
    window of one video. A threshold of 0 (or below) keeps every window.
    """
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if labels.ndim != 1 or labels.shape != probabilities.shape:
        raise ValueError(
            f"labels and probabilities must be 1-D and alike, got {labels.shape} "
            f"and {probabilities.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= len(vocabulary)):
        raise ValueError(f"labels must lie in [0, {len(vocabulary)}), the vocabulary's indices")
    kept = labels if threshold <= 0 else labels[probabilities > threshold]
    return frozenset().union(*(query_words(vocabulary[c]) for c in np.unique(kept)))


def vocabulary_lemmas(vocabulary: Iterable[str]) -> frozenset[str]:
    """Every lemma a recogniser with this vocabulary can output."""
    return frozenset().union(*(query_words(word) for word in vocabulary))


def unmatched_queries(queries: Sequence[frozenset[str]], vocabulary: Iterable[str]) -> np.ndarray:
    """Indices of the queries with no word in the recognisable vocabulary (logged as a warning).

    Such a query gets zero SR similarity to every video, so SR cannot rank for it.
    """
    lemmas = vocabulary_lemmas(vocabulary)
    unmatched = np.array([i for i, q in enumerate(queries) if not q & lemmas], dtype=np.int64)
    if unmatched.size:
        log.warning(
            "%d of %d queries have no word in the recognisable vocabulary; their SR similarity "
            "is zero for every video (first indices: %s)",
            unmatched.size,
            len(queries),
            unmatched[:_MAX_LISTED].tolist(),
        )
    return unmatched


def _indicator(sets: Sequence[frozenset[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """A (len(sets), len(index)) 0/1 matrix with a one where set i holds word j."""
    cols = [index[word] for words in sets for word in words]
    rows = np.repeat(np.arange(len(sets)), [len(words) for words in sets])
    data = np.ones(len(cols), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), len(index)))


def iou_similarity(
    queries: Sequence[frozenset[str]], videos: Sequence[frozenset[str]]
) -> np.ndarray:
    """(queries x videos) float32 matrix of |q & v| / |q | v|, 0 where both sets are empty."""
    index = {word: j for j, word in enumerate(sorted(set().union(*queries, *videos)))}
    q, v = _indicator(queries, index), _indicator(videos, index)
    inter = (q @ v.T).toarray()
    q_sizes = np.asarray(q.sum(axis=1), dtype=np.float32)
    v_sizes = np.asarray(v.sum(axis=1), dtype=np.float32).T
    union = q_sizes + v_sizes - inter
    sims = np.zeros(inter.shape, dtype=np.float32)
    np.divide(inter, union, out=sims, where=union > 0)
    return sims


def sr_similarity(
    texts: Sequence[str], video_words: Sequence[frozenset[str]], vocabulary: Iterable[str]
) -> np.ndarray:
    """SR similarities of query texts to videos, warning about queries SR cannot rank."""
    queries = [query_words(text) for text in texts]
    unmatched_queries(queries, vocabulary)
    return iou_similarity(queries, video_words)
