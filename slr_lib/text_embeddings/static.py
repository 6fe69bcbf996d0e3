"""Static word vectors: a vocabulary, a matrix, and the rules for finding a word in them.

Word2vec trained in-domain, the random-vector control and vectors read from a file all embed a
text the same way: split it into words with `slr_lib.text` and look each word up.

Words: `normalize` (lowercase, numbers spelled out: "3rd" -> "third") by default, or `tokenize`
(lowercase, numbers kept as digits) with `spell_numbers=False`. Punctuation is dropped.

Lookup of a word, first hit wins:

1. the word itself;
2. with `case_fallback` (default on): the word capitalised, then upper case ("john" -> "John",
   "nasa" -> "NASA"), for case-sensitive vocabularies such as GoogleNews word2vec;
3. with `split_compounds` (default on): a word with hyphens or apostrophes that is not found
   whole is split into its parts, and every part found by rules 1-2 gives one row
   ("well-known" -> "well", "known");
4. otherwise the word is out of vocabulary and dropped. A text left with no word gets the
   unknown vector (see `slr_lib.text_embeddings.base`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from slr_lib.text import normalize, tokenize
from slr_lib.text_embeddings.base import TokenEmbedder

_COMPOUND_SPLIT = re.compile(r"['-]")


def text_words(text: str, spell_numbers: bool = True) -> list[str]:
    """The lowercase words of `text` that static embedders look up."""
    return normalize(text) if spell_numbers else tokenize(text)


class StaticWordEmbedder(TokenEmbedder):
    """A fixed vector per vocabulary word; see the module docstring for the lookup rules."""

    def __init__(
        self,
        name: str,
        words: Sequence[str],
        vectors: np.ndarray,
        *,
        spell_numbers: bool = True,
        case_fallback: bool = True,
        split_compounds: bool = True,
    ) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(
                f"need one vector row per word: {len(words)} words, vectors of shape "
                f"{vectors.shape}"
            )
        if vectors.shape[1] < 1:
            raise ValueError("word vectors need at least one dimension")
        self.name = name
        self.dim = int(vectors.shape[1])
        self.vectors = vectors
        self.words = list(words)
        self.vocab: dict[str, int] = {}
        for index, word in enumerate(self.words):
            self.vocab.setdefault(word, index)
        self.spell_numbers = spell_numbers
        self.case_fallback = case_fallback
        self.split_compounds = split_compounds

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.vocab

    def _find(self, word: str) -> str | None:
        """The vocabulary key for `word` by rules 1-2, or None."""
        if word in self.vocab:
            return word
        if self.case_fallback:
            for variant in (word.capitalize(), word.upper()):
                if variant in self.vocab:
                    return variant
        return None

    def lookup(self, word: str) -> list[str]:
        """The vocabulary keys that stand for `word` ([] if it is out of vocabulary)."""
        found = self._find(word)
        if found is not None:
            return [found]
        if self.split_compounds and _COMPOUND_SPLIT.search(word):
            parts = (self._find(part) for part in _COMPOUND_SPLIT.split(word) if part)
            return [part for part in parts if part is not None]
        return []

    def tokenize(self, text: str) -> list[str]:
        return [key for word in text_words(text, self.spell_numbers) for key in self.lookup(word)]

    def vector(self, word: str) -> np.ndarray:
        """The vector of vocabulary word `word` (KeyError if it is not in the vocabulary)."""
        return self.vectors[self.vocab[word]]

    def coverage(self, texts: Iterable[str]) -> float:
        """Share of the words of `texts` that are found whole or in parts (1.0 if no words)."""
        total = found = 0
        for text in texts:
            for word in text_words(text, self.spell_numbers):
                total += 1
                found += bool(self.lookup(word))
        return found / total if total else 1.0

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        out = []
        for text in texts:
            rows = [self.vocab[key] for key in self.tokenize(text)]
            out.append(self.vectors[rows] if rows else np.empty((0, self.dim), np.float32))
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim}, words={len(self)})"
