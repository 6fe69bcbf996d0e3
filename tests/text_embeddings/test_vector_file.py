"""Word-vector files: word2vec binary and text, GloVe / GrOVLE text, gzip; errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from slr_lib.text_embeddings import VectorFileEmbedder, detect_format, read_word_vectors

WORDS = ["the", "onions", "Garlic", "stir"]
VECTORS = np.array(
    [[0.1, -0.2, 0.3], [1.5, 2.5, -3.5], [0.0, 1e-3, -7.25], [4.0, 5.0, 6.0]], dtype=np.float32
)


def text_lines(words=WORDS, vectors=VECTORS) -> list[str]:
    return [w + " " + " ".join(f"{x:.6g}" for x in v) for w, v in zip(words, vectors, strict=True)]


def write(path: Path, lines: list[str], header: bool) -> Path:
    if header:
        lines = [f"{len(lines)} {VECTORS.shape[1]}", *lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def keyed_vectors():
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=VECTORS.shape[1])
    kv.add_vectors(WORDS, VECTORS)
    return kv


def assert_round_trip(words, vectors):
    assert words == WORDS
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, VECTORS, rtol=1e-6)


def test_glove_text_without_header(tmp_path):
    path = write(tmp_path / "glove.txt", text_lines(), header=False)
    assert detect_format(path) == (False, None)
    assert_round_trip(*read_word_vectors(path))


def test_word2vec_text_with_header(tmp_path):
    path = write(tmp_path / "grovle.txt", text_lines(), header=True)
    assert detect_format(path) == (False, (4, 3))
    assert_round_trip(*read_word_vectors(path))


def test_word2vec_text_written_by_gensim(tmp_path):
    path = tmp_path / "vectors.txt"
    keyed_vectors().save_word2vec_format(str(path), binary=False)
    assert detect_format(path) == (False, (4, 3))
    assert_round_trip(*read_word_vectors(path))


def test_word2vec_binary_written_by_gensim(tmp_path):
    pytest.importorskip("gensim")
    path = tmp_path / "vectors.bin"
    keyed_vectors().save_word2vec_format(str(path), binary=True)
    assert detect_format(path) == (True, (4, 3))
    assert_round_trip(*read_word_vectors(path))
    assert_round_trip(*read_word_vectors(path, binary=True))


def test_gzipped_binary_with_newlines_after_vectors(tmp_path):
    body = b"4 3\n" + b"".join(
        w.encode() + b" " + v.astype("<f4").tobytes() + b"\n"
        for w, v in zip(WORDS, VECTORS, strict=True)
    )
    path = tmp_path / "GoogleNews-like.bin.gz"
    path.write_bytes(gzip.compress(body))
    assert detect_format(path) == (True, (4, 3))
    assert_round_trip(*read_word_vectors(path))


def test_gzipped_text(tmp_path):
    path = tmp_path / "glove.txt.gz"
    path.write_bytes(gzip.compress("\n".join(text_lines()).encode()))
    assert_round_trip(*read_word_vectors(path))


def test_limit_reads_the_first_vectors(tmp_path):
    path = tmp_path / "vectors.bin"
    keyed_vectors().save_word2vec_format(str(path), binary=True)
    words, vectors = read_word_vectors(path, limit=2)
    assert words == WORDS[:2] and vectors.shape == (2, 3)
    text = write(tmp_path / "glove.txt", text_lines(), header=False)
    assert read_word_vectors(text, limit=3)[0] == WORDS[:3]


def test_words_with_spaces_blank_lines_and_tabs(tmp_path):
    # Without a header the first line sets dim, so a word with spaces may not come first.
    lines = ["the\t4 5 6", "", "new york 1 2 3", "1999 7 8 9"]
    words, vectors = read_word_vectors(write(tmp_path / "v.txt", lines, header=False))
    assert words == ["the", "new york", "1999"]
    np.testing.assert_array_equal(vectors, [[4, 5, 6], [1, 2, 3], [7, 8, 9]])


def test_malformed_value_names_file_and_line(tmp_path):
    lines = text_lines()
    lines[2] = "Garlic 0.1 oops 0.3"
    path = write(tmp_path / "bad.txt", lines, header=True)
    with pytest.raises(ValueError, match=r"bad\.txt, line 4: malformed line, 'oops'"):
        read_word_vectors(path)


def test_inconsistent_dimensions_name_file_and_line(tmp_path):
    lines = text_lines()
    lines[1] = "onions 1.0 2.0"
    path = write(tmp_path / "short.txt", lines, header=False)
    with pytest.raises(ValueError, match=r"short\.txt, line 2: 2 values.*3 dimensions"):
        read_word_vectors(path)
    with_header = write(tmp_path / "short_header.txt", lines, header=True)
    with pytest.raises(ValueError, match=r"line 3: 2 values.*\(from the header\)"):
        read_word_vectors(with_header)


def test_header_count_must_match(tmp_path):
    fewer = tmp_path / "fewer.txt"
    fewer.write_text("5 3\n" + "\n".join(text_lines()) + "\n")
    with pytest.raises(ValueError, match=r"fewer\.txt: the header announces 5 vectors"):
        read_word_vectors(fewer)
    more = tmp_path / "more.txt"
    more.write_text("3 3\n" + "\n".join(text_lines()) + "\n")
    with pytest.raises(ValueError, match=r"more\.txt, line 5: more vectors than the 3"):
        read_word_vectors(more)
    truncated = tmp_path / "truncated.bin"
    keyed_vectors().save_word2vec_format(str(truncated), binary=True)
    truncated.write_bytes(truncated.read_bytes()[:-5])
    with pytest.raises(ValueError, match=r"truncated\.bin: the header announces 4 vectors"):
        read_word_vectors(truncated)


def test_other_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        read_word_vectors(tmp_path / "missing.txt")
    glove = write(tmp_path / "glove.txt", text_lines(), header=False)
    with pytest.raises(ValueError, match="must start with a 'count dim' header"):
        read_word_vectors(glove, binary=True)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(ValueError, match=r"empty\.txt: no word vectors"):
        read_word_vectors(empty)
    lonely = write(tmp_path / "lonely.txt", ["word"], header=False)
    with pytest.raises(ValueError, match="line 1: a word with no vector values"):
        read_word_vectors(lonely)


def test_embedder_from_file(tmp_path, warnings_seen):
    lines = [*text_lines(), "the 9 9 9"]
    path = write(tmp_path / "grovle.txt", lines, header=False)
    embedder = VectorFileEmbedder.load(path)
    assert embedder.name == "file:grovle.txt" and embedder.dim == 3 and embedder.path == path
    assert "1 repeated words" in warnings_seen.text
    [array] = embedder.embed(["Stir the garlic, then the onions!"])
    assert embedder.tokenize("Stir the garlic") == ["stir", "the", "Garlic"]
    np.testing.assert_allclose(array, VECTORS[[3, 0, 2, 0, 1]], rtol=1e-6)
