"""The shared `embed` contract: shapes, order, unknown vector, warnings, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.text_embeddings.base import TokenEmbedder, stable_hash

from .conftest import unknown_warnings


class LengthEmbedder(TokenEmbedder):
    """One row per whitespace word, filled with the word's length; records its batches."""

    name = "length"
    dim = 3

    def __init__(self, batch_size: int = 2, sort_by_length: bool = False) -> None:
        self.batch_size = batch_size
        self.sort_by_length = sort_by_length
        self.batches: list[list[str]] = []

    def tokenize(self, text: str) -> list[str]:
        return text.split()

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        self.batches.append(texts)
        return [
            np.array([[len(word)] * 3 for word in self.tokenize(text)], dtype=np.float64).reshape(
                -1, 3
            )
            for text in texts
        ]


@pytest.mark.parametrize("sort_by_length", [False, True])
def test_embed_keeps_order_and_gives_float32_rows_per_token(sort_by_length):
    texts = ["a bb ccc", "dddd", "ee f", "g", "hhhhh hh"]
    embedder = LengthEmbedder(batch_size=2, sort_by_length=sort_by_length)
    arrays = embedder.embed(texts)
    assert [a.shape for a in arrays] == [(3, 3), (1, 3), (2, 3), (1, 3), (2, 3)]
    assert all(a.dtype == np.float32 and a.flags.c_contiguous for a in arrays)
    assert arrays[4][:, 0].tolist() == [5, 2]
    assert sum(len(batch) for batch in embedder.batches) == len(texts)
    if sort_by_length:
        assert embedder.batches[0] == ["g", "dddd"]


def test_empty_list_gives_empty_list():
    embedder = LengthEmbedder()
    assert embedder.embed([]) == []
    assert embedder.batches == []


def test_text_without_tokens_gets_one_zero_row_and_one_warning(warnings_seen):
    arrays = LengthEmbedder().embed(["", "one two", "   "])
    assert arrays[0].shape == (1, 3) and not arrays[0].any()
    assert arrays[2].shape == (1, 3) and not arrays[2].any()
    assert arrays[1].shape == (2, 3)
    messages = unknown_warnings(warnings_seen)
    assert len(messages) == 1
    assert "2 of 3 texts" in messages[0] and "length" in messages[0]


def test_no_warning_when_every_text_has_a_token(warnings_seen):
    LengthEmbedder().embed(["one", "two words"])
    assert unknown_warnings(warnings_seen) == []


def test_unknown_rows_are_independent_copies():
    arrays = LengthEmbedder().embed(["", ""])
    arrays[0][0, 0] = 7.0
    assert arrays[1][0, 0] == 0.0


def test_bad_inputs_are_refused():
    embedder = LengthEmbedder()
    with pytest.raises(TypeError, match="not a single string"):
        embedder.embed("a text")
    with pytest.raises(TypeError, match="text 1 is a int"):
        embedder.embed(["fine", 3])


def test_wrong_width_from_a_subclass_is_caught():
    embedder = LengthEmbedder()
    embedder.dim = 4
    with pytest.raises(RuntimeError, match=r"expected shape \(n, 4\)"):
        embedder.embed(["word"])


def test_stable_hash_is_fixed():
    assert stable_hash("onion") == stable_hash("onion")
    assert stable_hash("onion") != stable_hash("onions")
    assert 0 <= stable_hash("") < 2**64
