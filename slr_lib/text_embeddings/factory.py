"""`make_embedder`: an embedder by name, as the parameters and the notebooks name them."""

from __future__ import annotations

from collections.abc import Sequence

from slr_lib.text_embeddings.base import TokenEmbedder

#: The embedder names `make_embedder` knows.
EMBEDDERS: tuple[str, ...] = ("word2vec", "wordllama", "minilm", "random", "file")
_TRAINED = ("word2vec", "random")


def make_embedder(
    name: str, train_texts: Sequence[str] | None = None, **options: object
) -> TokenEmbedder:
    """The embedder called `name`, built with `options`.

    * "word2vec": `Word2VecEmbedder.train(train_texts, **options)`;
    * "random": `RandomEmbedder.build(train_texts, **options)`;
    * "wordllama": `WordLlamaEmbedder.load(**options)`;
    * "minilm": `MiniLMEmbedder.load(**options)`;
    * "file": `VectorFileEmbedder.load(**options)`, with `path=` the word-vector file.

    "word2vec" and "random" learn their vocabulary from `train_texts`; the others ignore them.
    """
    if name not in EMBEDDERS:
        allowed = ", ".join(repr(known) for known in EMBEDDERS)
        raise ValueError(f"unknown text embedder {name!r}; allowed names: {allowed}")
    if name in _TRAINED and train_texts is None:
        raise ValueError(f"the {name!r} embedder needs train_texts to build its vocabulary")
    if name == "word2vec":
        from slr_lib.text_embeddings.word2vec import Word2VecEmbedder

        return Word2VecEmbedder.train(train_texts, **options)  # type: ignore[arg-type]
    if name == "random":
        from slr_lib.text_embeddings.random import RandomEmbedder

        return RandomEmbedder.build(train_texts, **options)  # type: ignore[arg-type]
    if name == "wordllama":
        from slr_lib.text_embeddings.wordllama import WordLlamaEmbedder

        return WordLlamaEmbedder.load(**options)  # type: ignore[arg-type]
    if name == "minilm":
        from slr_lib.text_embeddings.minilm import MiniLMEmbedder

        return MiniLMEmbedder.load(**options)  # type: ignore[arg-type]
    if "path" not in options:
        raise ValueError("the 'file' embedder needs path=<word-vector file>")
    from slr_lib.text_embeddings.vector_file import VectorFileEmbedder

    return VectorFileEmbedder.load(**options)  # type: ignore[arg-type]


def make_sized_embedder(name: str, train_texts: Sequence[str] | None, dim: int) -> TokenEmbedder:
    """`make_embedder` with a chapter's one size knob: `dim` sizes the embedders trained here
    ("word2vec", "random"); the pre-trained ones keep their model's own size."""
    return make_embedder(name, train_texts, **({"dim": dim} if name in _TRAINED else {}))
