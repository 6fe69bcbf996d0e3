"""The random-vector control."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.text_embeddings import RandomEmbedder, random_word_vector

from .conftest import unknown_warnings


def test_vocabulary_shapes_and_unit_vectors(train_texts):
    embedder = RandomEmbedder.build(train_texts, dim=32, seed=0)
    assert embedder.name == "random" and embedder.dim == 32
    assert embedder.words[:3] == ["first", "cut", "the"]
    assert "two" in embedder  # "2" is spelled out
    arrays = embedder.embed(train_texts[:2])
    assert [a.shape for a in arrays] == [(7, 32), (11, 32)]
    np.testing.assert_allclose(np.linalg.norm(embedder.vectors, axis=1), 1.0, rtol=1e-5)


def test_vectors_depend_only_on_word_dim_and_seed(train_texts):
    a = RandomEmbedder.build(train_texts, dim=16, seed=3)
    b = RandomEmbedder.build(list(reversed(train_texts)), dim=16, seed=3)
    c = RandomEmbedder.build(train_texts, dim=16, seed=4)
    np.testing.assert_array_equal(a.vector("onions"), b.vector("onions"))
    np.testing.assert_array_equal(a.vector("onions"), random_word_vector("onions", 16, 3))
    assert not np.allclose(a.vector("onions"), c.vector("onions"))
    assert not np.allclose(a.vector("onions"), a.vector("garlic"))


def test_same_word_same_vector_in_every_sentence(train_texts):
    embedder = RandomEmbedder.build(train_texts, dim=8)
    first, second = embedder.embed(["the onions", "stir the onions now"])
    np.testing.assert_array_equal(first[1], second[2])


def test_out_of_vocabulary(train_texts, warnings_seen):
    embedder = RandomEmbedder.build(train_texts, dim=8)
    arrays = embedder.embed(["zebra xylophone", "zebra onions", ""])
    assert arrays[0].shape == (1, 8) and not arrays[0].any()
    assert arrays[2].shape == (1, 8) and not arrays[2].any()
    np.testing.assert_array_equal(arrays[1], embedder.vector("onions")[None])
    [message] = unknown_warnings(warnings_seen)
    assert "2 of 3 texts" in message and "'zebra xylophone'" in message


def test_min_count_and_errors(train_texts):
    embedder = RandomEmbedder.build(train_texts, dim=4, min_count=3)
    assert set(embedder.words) == {"the", "onions", "a"}
    with pytest.raises(ValueError, match="at least one word"):
        RandomEmbedder.build(["", "!!"], dim=4)
    with pytest.raises(ValueError, match="dim >= 1"):
        RandomEmbedder.build(train_texts, dim=0)
