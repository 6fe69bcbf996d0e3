"""WordLlama: static token embeddings distilled from Llama 2's input embeddings (256-d).

The `wordllama` package ships its default model inside the wheel: the `l2_supercat` 256-d
weights (`wordllama/weights/l2_supercat_256.safetensors`, a 32,000 x 256 float16 table) and the
Llama 2 tokenizer (`wordllama/tokenizers/l2_supercat_tokenizer_config.json`). `WordLlama.load()`
wants to reach the Hugging Face Hub for anything else, so this module builds the package's
inference class, `WordLlamaInference`, straight from those two files.

Tokens are Llama 2 sentence pieces of the text as written (case and punctuation kept; no
beginning-of-sentence token); each token's row of the table is its vector, the same wherever
the token occurs. The package's own `embed` averages them into one sentence vector; here they
are returned per token. The model was trained Matryoshka-style, so `dim=64` or `128` keeps the
first dimensions of the 256. Surrounding whitespace is stripped, so a blank text has no token
and gets the unknown vector.
"""

from __future__ import annotations

import logging
from importlib import resources

import numpy as np

from slr_lib.text_embeddings.base import TokenEmbedder

CONFIG = "l2_supercat"
FULL_DIM = 256
DIMS = (64, 128, 256)


def _import_wordllama():
    """Import `wordllama`, undoing the `logging.basicConfig(level=INFO)` it runs on import."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
    except ImportError as error:
        raise ImportError(
            "the WordLlama embedder needs the `wordllama` package: pip install wordllama"
        ) from error
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return wordllama


class WordLlamaEmbedder(TokenEmbedder):
    """Per-token WordLlama vectors (see the module docstring)."""

    name = "wordllama"

    def __init__(self, inference, dim: int = FULL_DIM, batch_size: int = 256) -> None:
        """`inference`: a `wordllama.WordLlamaInference`; use `load()` to build one."""
        self.inference = inference
        self.dim = int(dim)
        self.batch_size = batch_size

    @classmethod
    def load(cls, dim: int = FULL_DIM, batch_size: int = 256) -> WordLlamaEmbedder:
        """The `l2_supercat` model from the files inside the installed `wordllama` wheel."""
        if dim not in DIMS:
            raise ValueError(f"WordLlama dim must be one of {DIMS}, got {dim}")
        package = _import_wordllama()
        from safetensors import safe_open
        from tokenizers import Tokenizer

        root = resources.files("wordllama")
        weights = root / "weights" / f"{CONFIG}_{FULL_DIM}.safetensors"
        tokenizer_file = root / "tokenizers" / f"{CONFIG}_tokenizer_config.json"
        for needed in (weights, tokenizer_file):
            if not needed.is_file():
                raise FileNotFoundError(
                    f"{needed} is missing from the installed wordllama package (version "
                    f"{package.__version__}); reinstall it: pip install --force-reinstall wordllama"
                )
        with safe_open(str(weights), framework="np", device="cpu") as tensors:
            table = tensors.get_tensor("embedding.weight")[:, :dim]
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        inference = package.WordLlamaInference(np.asarray(table, dtype=np.float32), tokenizer)
        return cls(inference, dim=dim, batch_size=batch_size)

    def _encode(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        """(tokens, token ids) of each text, padding removed."""
        out = []
        for encoding in self.inference.tokenize([text.strip() for text in texts]):
            keep = np.asarray(encoding.attention_mask, dtype=bool)
            ids = np.asarray(encoding.ids, dtype=np.int64)[keep]
            tokens = [token for token, kept in zip(encoding.tokens, keep, strict=True) if kept]
            out.append((tokens, ids))
        return out

    def tokenize(self, text: str) -> list[str]:
        return self._encode([text])[0][0]

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        table = self.inference.embedding
        return [table[ids] for _, ids in self._encode(texts)]
