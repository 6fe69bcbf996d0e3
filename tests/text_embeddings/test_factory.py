"""make_embedder: names, options and errors."""

from __future__ import annotations

import pytest

from slr_lib.text_embeddings import (
    EMBEDDERS,
    RandomEmbedder,
    VectorFileEmbedder,
    Word2VecEmbedder,
    make_embedder,
    make_sized_embedder,
)


def test_names():
    assert EMBEDDERS == ("word2vec", "wordllama", "minilm", "random", "file")


def test_trained_embedders_use_train_texts_and_options(train_texts):
    random = make_embedder("random", train_texts, dim=12, seed=5)
    assert isinstance(random, RandomEmbedder) and random.dim == 12
    word2vec = make_embedder("word2vec", train_texts, dim=8, epochs=1)
    assert isinstance(word2vec, Word2VecEmbedder) and word2vec.dim == 8
    assert "onions" in random and "onions" in word2vec


def test_one_size_knob_sizes_only_the_embedders_trained_here(train_texts):
    assert make_sized_embedder("random", train_texts, 12).dim == 12
    wordllama = make_sized_embedder("wordllama", train_texts, 300)  # not one of its sizes
    assert wordllama.dim == make_embedder("wordllama").dim


def test_file_embedder(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("salt 1 2\npepper 3 4\n")
    embedder = make_embedder("file", path=path)
    assert isinstance(embedder, VectorFileEmbedder) and embedder.dim == 2
    with pytest.raises(ValueError, match="needs path="):
        make_embedder("file")


def test_unknown_name_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="'glove'.*'word2vec', 'wordllama', 'minilm', 'random'"):
        make_embedder("glove")


@pytest.mark.parametrize("name", ["word2vec", "random"])
def test_trained_embedders_need_train_texts(name):
    with pytest.raises(ValueError, match=f"{name!r} embedder needs train_texts"):
        make_embedder(name)


def test_bad_option_is_a_type_error(train_texts):
    with pytest.raises(TypeError):
        make_embedder("random", train_texts, dimension=3)
