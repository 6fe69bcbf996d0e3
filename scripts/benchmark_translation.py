"""The sign language translator's cost on both corpora at the `small` profile's settings.

Run from the project root after `dvc repro phoenix_corpus features`:
    OMP_NUM_THREADS=1 python scripts/benchmark_translation.py [--epochs 1]
For the PHOENIX-like corpus and the How2Sign-like one (pose-view clip features, the
phoenix_retrieval chapter's inputs), prints training target words per second, greedy decoding
sentences per second, the seconds of one chapter seed (epochs x (train + greedy validation) +
greedy val and test), and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import torch

from slr_lib.experiments import phoenix_retrieval as chapter
from slr_lib.experiments.crossmodal_setup import load_clips
from slr_lib.model.translation import TRANSLATOR_SIZES, SignTranslator, Vocabulary
from slr_lib.paths import project_path
from slr_lib.trainer import translation


def measure(name: str, text: dict, config: chapter.Config, epochs: int) -> None:
    """Train `epochs` epochs and decode val, reporting rates."""
    train, val = text["train"], text["val"]
    vocabulary = Vocabulary.build(train.sentences)
    targets = [vocabulary.encode(s) for s in train.sentences]
    model = SignTranslator(
        train.features[0].shape[1], len(vocabulary), TRANSLATOR_SIZES[config.translator_size]
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(epochs):
        translation._train_epoch(
            model, optimiser, train.features, targets, config.translator_batch_size, rng
        )
    train_s = (time.perf_counter() - start) / epochs
    words = sum(len(t) + 1 for t in targets)
    trained = translation.TrainedTranslator(model, vocabulary)
    start = time.perf_counter()
    trained.translate(val.features)
    decode_s = time.perf_counter() - start
    per_sentence = decode_s / len(val.features)
    n_decoded = len(val.features) + len(text["test"].features)
    seed_s = config.translator_epochs * (train_s + decode_s) + per_sentence * n_decoded
    print(
        f"{name}: {len(train.sentences)} training sentences, vocabulary {len(vocabulary)}; "
        f"training {words / train_s:,.0f} target words/s ({train_s:.1f} s per epoch); greedy "
        f"decoding {len(val.features) / decode_s:.0f} sentences/s; one seed of the chapter "
        f"about {seed_s:.0f} s ({config.translator_epochs} epochs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    config = chapter.Config.resolve(None, "small")
    weather = chapter.translation_splits(chapter.load_pairs(config).clips)
    measure("PHOENIX-like", weather, config, args.epochs)
    open_domain = chapter.translation_splits(
        load_clips(config.open_domain_dir, project_path(config.open_domain_features))
    )
    measure("How2Sign-like", open_domain, config, args.epochs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:,.0f} MB")


if __name__ == "__main__":
    main()
