"""WordLlama static token vectors, loaded offline from the files inside the wheel."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from slr_lib.text_embeddings import WordLlamaEmbedder

from .conftest import unknown_warnings

pytest.importorskip("wordllama")


@pytest.fixture(scope="module")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder.load()


def test_loads_offline_with_256_dims(embedder):
    assert embedder.name == "wordllama" and embedder.dim == 256
    assert type(embedder.inference).__name__ == "WordLlamaInference"
    assert embedder.inference.embedding.shape == (32000, 256)


def test_import_leaves_root_logging_alone(embedder):
    assert not any(type(h) is logging.StreamHandler for h in logging.getLogger().handlers)


def test_one_row_per_sentence_piece(embedder):
    texts = ["Cut the onions into thin slices.", "Stir!"]
    arrays = embedder.embed(texts)
    for text, array in zip(texts, arrays, strict=True):
        tokens = embedder.tokenize(text)
        assert array.shape == (len(tokens), 256) and array.dtype == np.float32
    assert embedder.tokenize("Stir!")[-1] == "!"


def test_static_same_token_same_vector_in_every_sentence(embedder):
    first, second = embedder.embed(["the bank", "we sat on the river bank today"])
    assert embedder.tokenize("the bank")[-1] == embedder.tokenize("we sat on the river bank")[-1]
    np.testing.assert_array_equal(first[-1], second[-2])


def test_deterministic_and_batch_independent(embedder):
    texts = ["Add two cloves of garlic.", "A pinch of salt", "Now serve."]
    together = embedder.embed(texts)
    alone = [embedder.embed([text])[0] for text in texts]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_blank_text_gets_unknown_vector(embedder, warnings_seen):
    arrays = embedder.embed(["", "  ", "salt"])
    assert [a.shape for a in arrays[:2]] == [(1, 256), (1, 256)]
    assert not arrays[0].any() and not arrays[1].any()
    assert "2 of 3 texts" in unknown_warnings(warnings_seen)[0]
    assert embedder.embed([]) == []


def test_matryoshka_truncation(embedder):
    small = WordLlamaEmbedder.load(dim=64)
    [full] = embedder.embed(["golden brown"])
    [cut] = small.embed(["golden brown"])
    assert cut.shape == (full.shape[0], 64)
    np.testing.assert_array_equal(cut, full[:, :64])
    with pytest.raises(ValueError, match="must be one of"):
        WordLlamaEmbedder.load(dim=100)
