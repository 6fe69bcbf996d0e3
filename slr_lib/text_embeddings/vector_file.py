"""Word vectors from a file the user supplies: GoogleNews word2vec, GloVe, GrOVLE, ...

Formats read (any of them may be gzip-compressed, e.g. `GoogleNews-vectors-negative300.bin.gz`;
compression is recognised by the file's first bytes, not its name):

* word2vec binary: a text header line "count dim", then per word the word in UTF-8, a space
  and `dim` little-endian float32 values (a newline after the values is optional);
* word2vec text: the header "count dim", then one "word v1 ... vdim" line per word;
* GloVe text (GrOVLE is distributed the same way): "word v1 ... vdim" lines with no header; `dim`
  comes from the first line.

`binary=None` detects the format: a file whose first line is not "count dim" (two integers) is
text without a header; after a header, the file is text when the next line reads as a word and
`dim` numbers, else binary. (A one-dimensional GloVe file whose first word is an integer would
pass for a header: give such a file a header.)

In text files, fields are separated by ASCII whitespace and the last `dim` fields of a line are
the numbers, so a word may itself contain spaces (GloVe 840B has some), except on the first line
of a file without header, whose field count sets `dim`. Blank lines are skipped.
Words that are not valid UTF-8 are decoded with replacement characters. A word that occurs
twice keeps its first vector (a warning says how many repeats were dropped).

Errors name the file and, for text, the line number: a value that is not a number, a line with
too few values, a file that ends before the number of vectors its header announces.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
from tqdm.auto import tqdm

from slr_lib.logging_setup import get_logger
from slr_lib.text_embeddings.static import StaticWordEmbedder

log = get_logger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 22
_MAX_WORD_BYTES = 1 << 16
_PROGRESS_MIN_BYTES = 8 << 20


@contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    """`path` opened for reading bytes, decompressed if it is gzip."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    stream = gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115
    with stream:
        yield stream  # type: ignore[misc]


def _progress(path: Path, total: int | None) -> tqdm:
    """A progress bar over the vectors of `path`, shown for files of 8 MB or more."""
    return tqdm(
        total=total,
        desc=f"reading {path.name}",
        unit="vec",
        disable=path.stat().st_size < _PROGRESS_MIN_BYTES,
    )


def _header(line: bytes) -> tuple[int, int] | None:
    """(count, dim) if `line` is a word2vec header, else None."""
    fields = line.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields) and int(fields[1]) > 0:
        return int(fields[0]), int(fields[1])
    return None


def _floats(fields: list[bytes]) -> np.ndarray | None:
    """`fields` as a float32 vector, or None if one of them is not a number."""
    try:
        return np.array(fields, dtype=np.float32)
    except ValueError:
        return None


def detect_format(path: str | Path) -> tuple[bool, tuple[int, int] | None]:
    """(binary, header) of a word-vector file: header is (count, dim) or None."""
    path = Path(path)
    with _open(path) as stream:
        first = stream.readline()
        header = _header(first)
        if header is None:
            return False, None
        chunk = stream.read(max(1 << 16, 64 * header[1]))
    if not chunk.strip():
        return False, header
    line = chunk.split(b"\n", 1)[0]
    fields = line.rsplit(None, header[1])
    if len(fields) == header[1] + 1 and _floats(fields[1:]) is not None:
        return False, header
    return not _is_text(chunk), header


def _is_text(chunk: bytes) -> bool:
    """Whether `chunk` is UTF-8 text without control characters other than tab and newlines."""
    if b"\n" in chunk:
        chunk = chunk[: chunk.rindex(b"\n")]
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(char) < 32 and char not in "\t\n\r" for char in text)


def _decode(word: bytes) -> str:
    return word.decode("utf-8", errors="replace")


def _read_text(
    stream: BinaryIO, path: Path, header: tuple[int, int] | None, limit: int | None
) -> tuple[list[str], np.ndarray]:
    """Words and vectors of a text-format file (the header line, if any, already read)."""
    count, dim = header if header is not None else (None, None)
    wanted = count if limit is None else limit if count is None else min(count, limit)
    words: list[str] = []
    rows: list[np.ndarray] = []
    dim_from = "the header" if header is not None else None
    first_lineno = 2 if header is not None else 1
    with _progress(path, wanted) as bar:
        for lineno, line in enumerate(stream, start=first_lineno):
            if wanted is not None and len(words) >= wanted:
                if limit is not None and wanted == limit:
                    break
                if line.strip():
                    raise ValueError(
                        f"{path}, line {lineno}: more vectors than the {count} the header announces"
                    )
                continue
            if not line.strip():
                continue
            if dim is None:
                dim = len(line.split()) - 1
                dim_from = f"line {lineno}"
                if dim < 1:
                    raise ValueError(f"{path}, line {lineno}: a word with no vector values")
            fields = line.rsplit(None, dim)
            if len(fields) != dim + 1:
                raise ValueError(
                    f"{path}, line {lineno}: {len(fields) - 1} values, but the vectors have "
                    f"{dim} dimensions (from {dim_from})"
                )
            vector = _floats(fields[1:])
            if vector is None:
                bad = next(f for f in fields[1:] if _floats([f]) is None)
                raise ValueError(
                    f"{path}, line {lineno}: malformed line, {_decode(bad[:40])!r} is not a number"
                )
            words.append(_decode(fields[0]))
            rows.append(vector)
            bar.update()
    if count is not None and len(words) < (wanted or 0):
        raise ValueError(f"{path}: the header announces {count} vectors, the file has {len(words)}")
    vectors = np.stack(rows) if rows else np.empty((0, dim or 0), np.float32)
    return words, vectors


def _read_binary(
    stream: BinaryIO, path: Path, header: tuple[int, int], limit: int | None
) -> tuple[list[str], np.ndarray]:
    """Words and vectors of a word2vec binary file (the header line already read)."""
    count, dim = header
    wanted = count if limit is None else min(count, limit)
    nbytes = 4 * dim
    words: list[str] = []
    vectors = np.empty((wanted, dim), dtype=np.float32)
    buf = b""
    pos = 0
    eof = False

    def fill(needed: int) -> bool:
        """Make `needed` bytes available from `pos`; False at the end of the file."""
        nonlocal buf, pos, eof
        while len(buf) - pos < needed and not eof:
            more = stream.read(max(_CHUNK, needed))
            eof = not more
            buf = buf[pos:] + more
            pos = 0
        return len(buf) - pos >= needed

    def truncated() -> ValueError:
        return ValueError(
            f"{path}: the header announces {count} vectors, the file ends after {len(words)}"
        )

    with _progress(path, wanted) as bar:
        for index in range(wanted):
            while fill(1) and buf[pos] == 0x0A:  # the newline word2vec writes after a vector
                pos += 1
            space = buf.find(b" ", pos)
            while space < 0 and len(buf) - pos < _MAX_WORD_BYTES and fill(len(buf) - pos + 1):
                space = buf.find(b" ", pos)
            if space < 0:
                if len(buf) - pos == 0:
                    raise truncated()
                raise ValueError(f"{path}: vector {index + 1} has no space after its word")
            word = buf[pos:space]
            pos = space + 1
            if not fill(nbytes):
                raise truncated()
            vectors[index] = np.frombuffer(buf, dtype="<f4", count=dim, offset=pos)
            pos += nbytes
            words.append(_decode(word))
            bar.update()
    return words, vectors


def read_word_vectors(
    path: str | Path, binary: bool | None = None, limit: int | None = None
) -> tuple[list[str], np.ndarray]:
    """The words and (n_words, dim) float32 vectors of a word-vector file, in file order.

    `binary=None` detects the format (see the module docstring); `limit` reads only the first
    `limit` vectors (the GoogleNews file is ordered by frequency).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no word-vector file at {path}")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    detected_binary, header = detect_format(path)
    if binary is None:
        binary = detected_binary
    if binary and header is None:
        raise ValueError(f"{path}: a word2vec binary file must start with a 'count dim' header")
    with _open(path) as stream:
        if header is not None:
            stream.readline()
        if binary:
            assert header is not None
            words, vectors = _read_binary(stream, path, header, limit)
        else:
            words, vectors = _read_text(stream, path, header, limit)
    if not words:
        raise ValueError(f"{path}: no word vectors in the file")
    return words, vectors


class VectorFileEmbedder(StaticWordEmbedder):
    """Static word vectors read from a word2vec / GloVe / GrOVLE file."""

    #: The file the vectors were read from.
    path: Path | None = None

    @classmethod
    def load(
        cls,
        path: str | Path,
        binary: bool | None = None,
        limit: int | None = None,
        **lookup_options: bool,
    ) -> VectorFileEmbedder:
        """Read `path` with `read_word_vectors`; `lookup_options` (`spell_numbers`,
        `case_fallback`, `split_compounds`) go to `StaticWordEmbedder`."""
        path = Path(path)
        words, vectors = read_word_vectors(path, binary=binary, limit=limit)
        embedder = cls(f"file:{path.name}", words, vectors, **lookup_options)
        repeats = len(words) - len(embedder.vocab)
        if repeats:
            log.warning("%s: %d repeated words keep their first vector", path, repeats)
        log.info("read %d %d-d word vectors from %s", len(words), embedder.dim, path)
        embedder.path = path
        return embedder
