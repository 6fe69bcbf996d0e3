"""Stand-ins for SEDS tests: a tiny `transformers`-like text encoder, made-up RGB clip features."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import torch
from torch import Tensor, nn

from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.data.corpus import Corpus
from slr_lib.model.seds import MAX_WORDS, CaptionEncoder

VOCAB = 64
CLS, SEP = 1, 2


class WhitespaceTokenizer:
    """Words to ids by a fixed hash between [CLS] and [SEP], padded and cut as `transformers` do."""

    def __call__(
        self,
        texts: Sequence[str],
        padding: bool,
        truncation: bool,
        max_length: int,
        return_tensors: str,
        return_special_tokens_mask: bool,
    ) -> dict[str, Tensor]:
        rows = [
            [CLS, *(3 + sum(map(ord, w)) % (VOCAB - 3) for w in t.split()[: max_length - 2]), SEP]
            for t in texts
        ]
        shape = (len(rows), max(map(len, rows)))
        ids, attention = torch.zeros(shape, dtype=torch.long), torch.zeros(shape, dtype=torch.long)
        special = torch.ones(shape, dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            attention[i, : len(row)] = 1
            special[i, 1 : len(row) - 1] = 0
        return {"input_ids": ids, "attention_mask": attention, "special_tokens_mask": special}


class EmbeddingBackbone(nn.Module):
    """Token embeddings as 'hidden states'."""

    def __init__(self, hidden_size: int = 12) -> None:
        super().__init__()
        self.config = SimpleNamespace(hidden_size=hidden_size)
        self.embedding = nn.Embedding(VOCAB, hidden_size)

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> SimpleNamespace:
        return SimpleNamespace(last_hidden_state=self.embedding(input_ids))


def stand_in_text_encoder(
    embed_dim: int, finetune: bool = True, max_words: int = MAX_WORDS
) -> CaptionEncoder:
    """A SEDS text encoder over the stand-in tokenizer and backbone."""
    return CaptionEncoder(
        WhitespaceTokenizer(), EmbeddingBackbone(), embed_dim, max_words, finetune
    )


def made_up_rgb(corpus: Corpus, dim: int = 8, stride: int = 4) -> dict[str, np.ndarray]:
    """Random (n_clips, dim) features per video, clips cut as the fixed clip encoder cuts them."""
    rng = np.random.default_rng(0)
    encoder = FixedClipEncoder(stride=stride)
    return {
        row.video_id: rng.standard_normal((len(encoder.window_starts(row.n_frames)), dim))
        for row in corpus.videos.itertuples()
    }


class StandInText:
    """What `MiniLMText` hands out, with the stand-in backbone: a new encoder per model."""

    def encoder(self, embed_dim: int):
        return stand_in_text_encoder(embed_dim, finetune=True)

    def fill_cache(self, texts) -> None:
        """Nothing to compute ahead: every encoder fine-tunes its own backbone."""


def saved_runs(out, config, setup, variants) -> str:
    """Train `variants` once per seed of `config` as the seds_runs stage does, save them to
    `out`, and return the folder for a chapter's `runs_dir`."""
    from slr_lib.experiments.seds_runs import save_runs
    from slr_lib.experiments.seds_setup import train_runs

    jobs = [(v, seed) for v in variants for seed in config.seeds]
    runs = train_runs(config, setup, jobs)
    save_runs(out, config, [(run, seed) for run, (_, seed) in zip(runs, jobs, strict=True)])
    return str(out)
