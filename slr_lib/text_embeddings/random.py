"""The random-embedding control: a fixed random unit vector per training word.

It tells how much of a text embedding's result comes from word identity alone, with no
semantics: two words are as unrelated as two random directions. The vocabulary is the words of
the training texts (split as `StaticWordEmbedder` splits them); every other word is out of
vocabulary.

A word's vector depends only on the word, `dim` and `seed`: its generator is seeded with
(`seed`, `stable_hash(word)`), so it does not change when the training texts, their order or the
Python process (PYTHONHASHSEED) change. The vectors are standard normal draws scaled to unit
length.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from slr_lib.text_embeddings.base import check_texts, stable_hash
from slr_lib.text_embeddings.static import StaticWordEmbedder, text_words


def random_word_vector(word: str, dim: int, seed: int = 0) -> np.ndarray:
    """The random unit vector of `word` (float32, size `dim`)."""
    rng = np.random.default_rng([seed, stable_hash(word)])
    vector = rng.standard_normal(dim)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


class RandomEmbedder(StaticWordEmbedder):
    """Seeded random vectors for the words of the training texts (see the module docstring)."""

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        dim: int = 300,
        seed: int = 0,
        min_count: int = 1,
        spell_numbers: bool = True,
        **lookup_options: bool,
    ) -> RandomEmbedder:
        """Vocabulary: words seen at least `min_count` times in `texts`, in order of first
        appearance. `lookup_options` (`case_fallback`, `split_compounds`) go to
        `StaticWordEmbedder`."""
        if dim < 1 or min_count < 1:
            raise ValueError(f"need dim >= 1 and min_count >= 1, got {dim} and {min_count}")
        counts = Counter(
            word for text in check_texts(texts) for word in text_words(text, spell_numbers)
        )
        words = [word for word, count in counts.items() if count >= min_count]
        if not words:
            raise ValueError("the random embedding needs training texts with at least one word")
        vectors = np.stack([random_word_vector(word, dim, seed) for word in words])
        return cls("random", words, vectors, spell_numbers=spell_numbers, **lookup_options)
