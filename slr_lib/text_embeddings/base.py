"""The interface shared by every token-level text embedder, and the unknown-vector rule.

A `TokenEmbedder` turns each text into a float32 matrix with one row per token, the input the
text branch of the cross-modal model (NetVLAD over word vectors, as in Collaborative Experts)
expects. What a "token" is depends on the embedder: a word for the static word-vector
embedders, a sub-word piece for WordLlama and MiniLM.

The unknown vector. A text with no token the embedder can represent (an empty string, or a text
whose words are all out of vocabulary) still gets one row: the embedder's `unknown_vector`, the
all-zeros vector of size `dim` for every embedder here. This mirrors Collaborative Experts,
which gives a caption without known words a single zero word vector. Zeros carry no direction,
so such a text matches nothing in particular, and they are the same in every run. Code that
L2-normalises token vectors must guard against the zero norm. Each call of `embed` that hands out
unknown vectors logs one warning saying how many texts got one, with a few examples.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from tqdm.auto import tqdm

from slr_lib.logging_setup import get_logger

log = get_logger(__name__)

#: `embed` shows a progress bar when it is given at least this many texts.
PROGRESS_MIN_TEXTS = 2000
_EXAMPLES_IN_WARNING = 3


def stable_hash(text: str) -> int:
    """A 64-bit hash of `text` that, unlike `hash`, is the same in every Python process."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def check_texts(texts: Sequence[str]) -> list[str]:
    """`texts` as a list, refusing a bare string (a common slip) and non-string items."""
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts, not a single string; wrap it in a list")
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {index} is a {type(text).__name__}, not a str")
    return texts


class TokenEmbedder(ABC):
    """Embeds each text as a (n_tokens, dim) float32 matrix; see the module docstring.

    Subclasses set `name` and `dim` and implement `tokenize` and `_embed_batch`; `embed` does
    the batching, the progress bar, the unknown vector and the checks.
    """

    name: str
    dim: int
    #: Texts handed to `_embed_batch` at once.
    batch_size: int = 256
    #: Whether `embed` batches texts of similar length together (it returns them in the
    #: original order): worth it for models that pad a batch to its longest text.
    sort_by_length: bool = False

    @property
    def unknown_vector(self) -> np.ndarray:
        """The vector of a text with no known token: zeros of size `dim`."""
        return np.zeros(self.dim, dtype=np.float32)

    @abstractmethod
    def tokenize(self, text: str) -> list[str]:
        """The tokens behind the rows `embed` returns for `text` ([] if none is known)."""

    @abstractmethod
    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        """One (n_tokens, dim) array per text; n_tokens may be 0 when no token is known."""

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One float32 array of shape (n_tokens_i, dim) per text, in the order given.

        A text without any known token gets a single row, the unknown vector, and a warning is
        logged. Deterministic: the same texts give the same arrays.
        """
        texts = check_texts(texts)
        if not texts:
            return []
        if self.sort_by_length:
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        else:
            order = list(range(len(texts)))
        results: list[np.ndarray | None] = [None] * len(texts)
        starts = range(0, len(order), self.batch_size)
        bar = tqdm(
            starts,
            desc=f"embedding texts ({self.name})",
            unit="batch",
            disable=len(texts) < PROGRESS_MIN_TEXTS,
        )
        for start in bar:
            batch = order[start : start + self.batch_size]
            arrays = self._embed_batch([texts[i] for i in batch])
            if len(arrays) != len(batch):
                raise RuntimeError(f"{self.name}: got {len(arrays)} arrays for {len(batch)} texts")
            for i, array in zip(batch, arrays, strict=True):
                results[i] = self._checked(array)
        return self._fill_unknown(texts, results)

    def _checked(self, array: np.ndarray) -> np.ndarray:
        """`array` as C-contiguous float32 of shape (n, dim)."""
        array = np.ascontiguousarray(array, dtype=np.float32)
        if array.ndim != 2 or array.shape[1] != self.dim:
            raise RuntimeError(f"{self.name}: expected shape (n, {self.dim}), got {array.shape}")
        return array

    def _fill_unknown(self, texts: list[str], arrays: list[np.ndarray | None]) -> list[np.ndarray]:
        """Replace empty arrays with the unknown vector and log one warning about them."""
        unknown = [i for i, array in enumerate(arrays) if array is None or len(array) == 0]
        if unknown:
            row = self.unknown_vector[None, :]
            for i in unknown:
                arrays[i] = row.copy()
            examples = ", ".join(repr(texts[i][:60]) for i in unknown[:_EXAMPLES_IN_WARNING])
            log.warning(
                "%s: %d of %d texts have no known token and get the unknown (zero) vector, e.g. %s",
                self.name,
                len(unknown),
                len(texts),
                examples,
            )
        return arrays  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"
