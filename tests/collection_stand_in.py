"""A small searchable collection for tests: an untrained CM model over three entries."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch

from slr_lib.collection import Collection
from slr_lib.data.clip_features import FixedClipEncoder
from slr_lib.model.crossmodal import CrossModalModel
from slr_lib.search import VideoIndex
from slr_lib.search_text import LemmaTable
from slr_lib.text_embeddings import make_embedder
from slr_lib.trainer.crossmodal import TrainConfig

OUT_DIM = 16
SR = {"recogniser": "M+D3_X", "threshold": 0.5, "weight": 0.3}
WORDS = {"a": ["run", "shaker"], "b": ["third", "one"], "c": []}


def stand_in_collection(table: LemmaTable | None = None, with_sr: bool = False) -> Collection:
    """Entries a, b, c ("sentence a", ...) with random unit vectors; with `with_sr`, the
    recognised words `WORDS` and SR's settings `SR`."""
    torch.manual_seed(0)
    embedder = make_embedder("wordllama")
    clips = FixedClipEncoder()
    train = TrainConfig(clusters=4, out_dim=OUT_DIM)
    model = CrossModalModel(embedder.dim, clips.dim, pooling="avg", clusters=4, out_dim=OUT_DIM)
    index = VideoIndex(OUT_DIM, use_gpu=False)
    vectors = np.random.default_rng(0).standard_normal((3, OUT_DIM)).astype(np.float32)
    index.add(["a", "b", "c"], vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    entries = {i: {"text": f"sentence {i}", "source": "test split"} for i in "abc"}
    settings = {"embedding": "wordllama", "train": asdict(train), "clips": asdict(clips),
                "word_dim": embedder.dim, "feature_dim": clips.dim,
                "sr": SR if with_sr else None}  # fmt: skip
    words = dict(WORDS) if with_sr else {}
    return Collection(model.eval(), embedder, index, entries, settings, words,
                      table or LemmaTable.from_lemminflect())  # fmt: skip
