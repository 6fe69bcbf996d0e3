"""Trains a tiny CM model and a tiny SEDS model a few steps; run under `torchrun` by
tests/trainer/test_distributed.py, and in the test's own process for the one-process reference.

    python ddp_worker.py CORPUS_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.retrieval import RetrievalSplit
from slr_lib.data_loader.seds import build_seds_split
from slr_lib.model.seds import SEDS, SEDSConfig
from slr_lib.trainer import distributed
from slr_lib.trainer.crossmodal import TrainConfig, train_crossmodal
from slr_lib.trainer.crossmodal import similarities as crossmodal_similarities
from slr_lib.trainer.seds import SEDSTrainConfig, train_seds
from slr_lib.trainer.seds import similarities as seds_similarities
from tests.seds_stand_ins import made_up_rgb, stand_in_text_encoder

# an odd global batch (13), so the two shards differ in size; a last batch of 4
CM = TrainConfig(clusters=4, out_dim=16, batch_size=13, epochs=2, lr=3e-3)
SEDS_TRAINING = SEDSTrainConfig(epochs=2, batch_size=7, lr=3e-3, lr_text=3e-3, warmup=0.2)


def cm_splits() -> tuple[RetrievalSplit, RetrievalSplit]:
    """Made-up word and clip sequences of different lengths, texts and videos related."""
    rng = np.random.default_rng(0)

    def split(n: int) -> RetrievalSplit:
        codes = rng.standard_normal((n, 6)).astype(np.float32)
        words = [np.repeat(c[None, :6], 2 + i % 4, 0) + 0.1 * rng.standard_normal((2 + i % 4, 6))
                 for i, c in enumerate(codes)]  # fmt: skip
        clips = [
            np.repeat(c[None], 3 + i % 5, 0) @ np.ones((6, 5)) / 6 for i, c in enumerate(codes)
        ]
        return RetrievalSplit([f"s{i}" for i in range(n)], ["t"] * n,
                              [c.astype(np.float32) for c in clips],
                              [w.astype(np.float32) for w in words])  # fmt: skip

    return split(30), split(10)


def train_both(corpus_dir: str) -> dict[str, object]:
    """The trained CM and SEDS models' state dicts, loss histories and similarity matrices."""
    torch.set_num_threads(1)
    train, val = cm_splits()
    cm = train_crossmodal(train, val, CM).model
    corpus = Corpus.load(corpus_dir)
    pairs = build_seds_split(corpus, "test", made_up_rgb(corpus), max_clips=8)
    torch.manual_seed(0)
    config = SEDSConfig.of_size("tiny", rgb_dim=8, max_clips=8, dropout=0.0)
    seds = train_seds(SEDS(config, stand_in_text_encoder(config.embed_dim)), pairs, SEDS_TRAINING)
    return {
        "cm": cm.state_dict(),
        "cm_sims": crossmodal_similarities(cm, val),
        "seds": seds.model.state_dict(),
        "seds_loss": seds.history["loss_total"].to_numpy(),
        "seds_sims": seds_similarities(seds.model, pairs)["t2v"],
    }


def main(corpus_dir: str, out: str) -> None:
    world = distributed.init_from_env()
    states = train_both(corpus_dir)
    if world.leader:
        torch.save(states, Path(out) / "ddp.pt")


if __name__ == "__main__":
    main(*sys.argv[1:])
