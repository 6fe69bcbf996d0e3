"""Stored recognition outputs and the SR similarity of subtitles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slr_lib.data_loader.recognition import (
    load_recognition,
    save_recognition,
    sentence_word_sets,
    sr_similarity_matrix,
)


def test_round_trip(tmp_path):
    outputs = {
        "b": (np.array([1, 2]), np.array([0.5, 0.25])),
        "a": (np.array([0]), np.array([1.0])),
    }
    loaded = load_recognition(save_recognition(tmp_path / "r.npz", outputs))
    assert set(loaded) == {"a", "b"}
    np.testing.assert_array_equal(loaded["b"][0], [1, 2])
    np.testing.assert_allclose(loaded["b"][1], [0.5, 0.25])


class _Corpus:
    """Just enough of a Corpus: one 24 fps video and two subtitles."""

    videos = pd.DataFrame({"video_id": ["v"], "fps": [24.0]})

    def split_sentences(self, split):
        return pd.DataFrame(
            {
                "video_id": ["v", "v"], "text": ["the cats run", "a dog sleeps"],
                "start_sign": [0.0, 2.0], "end_sign": [2.0, 4.0],
                "start_speech": [0.0, 2.0], "end_speech": [2.0, 4.0],
            }
        )  # fmt: skip


def test_each_subtitle_reads_its_own_windows():
    classes = ["cat", "run", "dog", "sleep"]
    labels = np.zeros(96 - 15, dtype=int)
    labels[:33] = 0  # windows inside the first subtitle: cat, then run
    labels[10:20] = 1
    labels[48:] = 2  # the second subtitle: dog, and sleep with a low probability
    labels[60:65] = 3
    probs = np.full(len(labels), 0.9)
    probs[60:65] = 0.3
    corpus = _Corpus()
    sets = sentence_word_sets(
        corpus, corpus.split_sentences("test"), {"v": (labels, probs)}, classes, 0.5
    )
    assert sets == [frozenset({"cat", "run"}), frozenset({"dog"})]
    sims, words = sr_similarity_matrix(corpus, "test", {"v": (labels, probs)}, classes, 0.0)
    assert words[1] == frozenset({"dog", "sleep"})
    assert sims[0, 0] == pytest.approx(2 / 3) and sims[1, 1] == pytest.approx(2 / 3)
    assert sims[0, 1] == 0
    with pytest.raises(ValueError, match="timing"):
        sentence_word_sets(corpus, corpus.split_sentences("test"), {}, classes, timing="x")
