"""Word lookup of the static embedders: normalisation, case and compound fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.text_embeddings.static import StaticWordEmbedder, text_words

WORDS = ["the", "John", "NASA", "well", "known", "three", "3", "cats", "the"]


@pytest.fixture
def embedder() -> StaticWordEmbedder:
    vectors = np.arange(len(WORDS) * 2, dtype=np.float64).reshape(len(WORDS), 2)
    return StaticWordEmbedder("toy", WORDS, vectors)


def test_vocabulary_and_vectors(embedder):
    assert embedder.dim == 2 and len(embedder) == len(WORDS)
    assert "John" in embedder and "john" not in embedder
    assert embedder.vectors.dtype == np.float32
    assert embedder.vector("the").tolist() == [0.0, 1.0]  # first occurrence wins


def test_numbers_are_spelled_out_unless_asked_not_to(embedder):
    assert text_words("3 cats!") == ["three", "cats"]
    assert text_words("3 cats!", spell_numbers=False) == ["3", "cats"]
    assert embedder.tokenize("3 cats") == ["three", "cats"]
    digits = StaticWordEmbedder("toy", WORDS, embedder.vectors, spell_numbers=False)
    assert digits.tokenize("3 cats") == ["3", "cats"]


def test_case_fallback(embedder):
    assert embedder.tokenize("john and nasa") == ["John", "NASA"]
    strict = StaticWordEmbedder("toy", WORDS, embedder.vectors, case_fallback=False)
    assert strict.tokenize("john and nasa") == []


def test_compound_fallback(embedder):
    assert embedder.tokenize("the well-known cats") == ["the", "well", "known", "cats"]
    assert embedder.lookup("john's") == ["John"]
    whole = StaticWordEmbedder("toy", WORDS, embedder.vectors, split_compounds=False)
    assert whole.tokenize("the well-known cats") == ["the", "cats"]


def test_embed_rows_follow_tokens(embedder):
    [array] = embedder.embed(["John, the well-known cats"])
    expected = [embedder.vector(w) for w in ["John", "the", "well", "known", "cats"]]
    np.testing.assert_array_equal(array, np.stack(expected))


def test_coverage(embedder):
    assert embedder.coverage(["the cats", "the dogs"]) == pytest.approx(0.75)
    assert embedder.coverage([""]) == 1.0


def test_mismatched_words_and_vectors_are_refused():
    with pytest.raises(ValueError, match="one vector row per word"):
        StaticWordEmbedder("toy", ["a", "b"], np.zeros((3, 2)))
