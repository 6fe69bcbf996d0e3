"""Word2vec trained in-domain with gensim."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from slr_lib.text_embeddings import Word2VecEmbedder

from .conftest import TRAIN, unknown_warnings

pytest.importorskip("gensim")

SMALL = {"dim": 16, "epochs": 3}


@pytest.fixture(scope="module")
def embedder() -> Word2VecEmbedder:
    return Word2VecEmbedder.train(TRAIN * 5, seed=0, **SMALL)


def test_shapes_and_vocabulary(embedder):
    assert embedder.name == "word2vec" and embedder.dim == 16
    assert {"onions", "two", "well-known", "golden"} <= set(embedder.words)
    arrays = embedder.embed(["Cut the onions.", "Add 2 cloves of garlic"])
    assert [a.shape for a in arrays] == [(3, 16), (5, 16)]
    assert all(a.dtype == np.float32 for a in arrays)


def test_same_seed_same_vectors_other_seed_other_vectors(embedder):
    again = Word2VecEmbedder.train(TRAIN * 5, seed=0, **SMALL)
    other = Word2VecEmbedder.train(TRAIN * 5, seed=1, **SMALL)
    assert again.words == embedder.words
    np.testing.assert_array_equal(again.vectors, embedder.vectors)
    assert not np.allclose(other.vectors, embedder.vectors)


_TRAIN_IN_CHILD = """
import hashlib
from slr_lib.text_embeddings import Word2VecEmbedder
from tests.text_embeddings.conftest import TRAIN
e = Word2VecEmbedder.train(TRAIN * 5, dim=16, epochs=3, seed=0)
print(" ".join(e.words), hashlib.sha256(e.vectors.tobytes()).hexdigest())
"""


def test_same_vectors_across_processes_with_different_hash_seeds(root):
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _TRAIN_IN_CHILD],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for hash_seed in ("1", "2")
    ]
    outputs = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        outputs.append(stdout)
    assert outputs[0] == outputs[1]


def test_static_same_word_same_vector_in_every_sentence(embedder):
    first, second = embedder.embed(["the onions", "stir the onions until golden"])
    np.testing.assert_array_equal(first[1], second[2])
    np.testing.assert_array_equal(first[1], embedder.vector("onions"))


def test_out_of_vocabulary_and_empty(embedder, warnings_seen):
    arrays = embedder.embed(["quantum chromodynamics", "", "onions and zebras"])
    assert arrays[0].shape == (1, 16) and not arrays[0].any()
    assert arrays[1].shape == (1, 16) and not arrays[1].any()
    assert arrays[2].shape == (2, 16)  # "onions", "and"
    [message] = unknown_warnings(warnings_seen)
    assert "2 of 3 texts" in message
    assert embedder.embed([]) == []


def test_min_count_drops_rare_words():
    embedder = Word2VecEmbedder.train(TRAIN, min_count=2, **SMALL)
    assert "onions" in embedder and "garlic" not in embedder


def test_training_errors():
    with pytest.raises(ValueError, match="at least one word"):
        Word2VecEmbedder.train(["", "?!"], **SMALL)
    with pytest.raises(ValueError, match="min_count=50"):
        Word2VecEmbedder.train(TRAIN, min_count=50, **SMALL)
    with pytest.raises(ValueError, match=">= 1"):
        Word2VecEmbedder.train(TRAIN, dim=0)
