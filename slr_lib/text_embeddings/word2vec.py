"""Word2vec trained in-domain with gensim on the training sentences.

The paper's W2V row uses the GoogleNews vectors (load those with `VectorFileEmbedder`); these
are trained on the retrieval training split itself, for use when no pretrained file is at hand.

Determinism. Training runs with one worker thread and a fixed `seed`, which fixes gensim's
random initial vectors, negative sampling and frequent-word downsampling, so two trainings on
the same texts with the same settings give identical vectors. PYTHONHASHSEED: gensim 3 seeded
each initial word vector with Python's `hash` of the word, which is salted per process, so
vectors changed from one process to the next unless PYTHONHASHSEED was fixed. gensim 4 (needed
here) draws them from `seed` alone; its `hashfxn` argument (default `hash`) is kept only for a
deprecated helper. It is set to `stable_hash` all the same, so no code path depends on the
salt. A test trains in two processes with different PYTHONHASHSEED values and gets the same
vectors. Vectors may still differ between gensim versions or CPU instruction sets.
"""

from __future__ import annotations

from collections.abc import Sequence

from slr_lib.logging_setup import get_logger
from slr_lib.text_embeddings.base import check_texts, stable_hash
from slr_lib.text_embeddings.static import StaticWordEmbedder, text_words

log = get_logger(__name__)


def _gensim_hash(text: str) -> int:
    """`stable_hash` cut to the 32 bits gensim uses to seed a vector (module level: picklable)."""
    return stable_hash(text) & 0xFFFFFFFF


class Word2VecEmbedder(StaticWordEmbedder):
    """Word2vec vectors learned on the training texts (see the module docstring)."""

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        dim: int = 300,
        window: int = 5,
        min_count: int = 1,
        epochs: int = 10,
        seed: int = 0,
        sg: bool = True,
        negative: int = 5,
        spell_numbers: bool = True,
        **lookup_options: bool,
    ) -> Word2VecEmbedder:
        """Train on `texts` (skip-gram by default: better than CBOW for rare words in a small
        corpus; 10 epochs rather than gensim's 5 for the same reason).

        Words are split as the embedder splits them at query time (`text_words`); words seen
        fewer than `min_count` times get no vector. `lookup_options` (`case_fallback`,
        `split_compounds`) go to `StaticWordEmbedder`.
        """
        from gensim.models import Word2Vec

        sentences = [text_words(text, spell_numbers) for text in check_texts(texts)]
        sentences = [words for words in sentences if words]
        if not sentences:
            raise ValueError("word2vec needs training texts with at least one word")
        if dim < 1 or window < 1 or min_count < 1 or epochs < 1:
            raise ValueError(
                f"need dim, window, min_count, epochs >= 1; got {dim}, {window}, {min_count}, "
                f"{epochs}"
            )
        n_words = sum(len(words) for words in sentences)
        log.info(
            "training word2vec (%d-d, %s, %d epochs) on %d sentences, %d words",
            dim,
            "skip-gram" if sg else "CBOW",
            epochs,
            len(sentences),
            n_words,
        )
        model = Word2Vec(
            vector_size=dim,
            window=window,
            min_count=min_count,
            sg=int(sg),
            negative=negative,
            seed=seed,
            workers=1,
            hashfxn=_gensim_hash,
        )
        model.build_vocab(sentences)
        if not model.wv.index_to_key:
            raise ValueError(f"no word occurs min_count={min_count} times in the training texts")
        model.train(sentences, total_examples=len(sentences), epochs=epochs)
        return cls(
            "word2vec",
            list(model.wv.index_to_key),
            model.wv.vectors,
            spell_numbers=spell_numbers,
            **lookup_options,
        )
