"""What the CM chapters share: the trainer's config, the pairs, training variants over seeds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from slr_lib.experiments import crossmodal_setup as setup
from slr_lib.experiments.crossmodal_pooling import Config as PoolingConfig
from slr_lib.trainer.crossmodal import TrainConfig, collect, seed_run

KNOBS = dict(
    corpus_dir="data/corpora/main",
    spotalign_dir="data/spotalign",
    clusters=2,
    out_dim=8,
    margin=0.2,
    loss_normalisation="batch",
    lr=0.001,
    weight_decay=1e-5,
    batch_size=8,
    epochs=1,
    seeds=[0, 1],
    word2vec_dim=8,
)


@pytest.fixture(scope="module")
def clips(generated) -> setup.ClipCorpus:
    """The small corpus with one random 5-d clip feature per 4 frames of each video."""
    main = generated[1]
    rng = np.random.default_rng(0)
    features = {
        row.video_id: rng.normal(size=(row.n_frames // 4, 5)).astype(np.float32)
        for row in main.videos.itertuples()
    }
    return setup.ClipCorpus(main, features, {"view": "pose", "window": 16, "stride": 4})


def test_train_config_takes_the_section_knobs():
    config = PoolingConfig(**KNOBS, embedding="word2vec", poolings=["avg", "max"])
    train = setup.train_config(config, "max")
    assert train == TrainConfig(
        pooling="max", clusters=2, out_dim=8, margin=0.2, lr=0.001, weight_decay=1e-5,
        batch_size=8, epochs=1,
    )  # fmt: skip
    assert setup.train_config(config).pooling == "avg"


def test_embed_pairs_gives_one_pair_per_sentence(clips):
    data = setup.embed_pairs(clips, "random", 8)
    counts = data.pair_counts()
    for split in ("train", "val", "test"):
        assert counts[split] == clips.pairs_in(split) == len(data.splits[split])
    assert data.embedder.dim == 8 and data.splits["train"].word_dim == 8
    assert data.meta["view"] == "pose"
    assert clips.train_texts() == clips.corpus.split_sentences("train")["text"].tolist()


def test_train_over_seeds_gives_a_row_per_variant_and_seed(clips):
    data = setup.embed_pairs(clips, "random", 8)
    config = PoolingConfig(**KNOBS, embedding="random", poolings=["avg", "max"])
    variants = (
        setup.Variant(p, data, setup.train_config(config, p), extra={"tag": p.upper()})
        for p in config.poolings
    )
    result = setup.train_over_seeds(variants, config.seeds, "pooling")
    assert list(result.runs["pooling"]) == ["avg", "avg", "max", "max"]
    assert list(result.runs["seed"]) == [0, 1, 0, 1]
    assert list(result.runs["tag"]) == ["AVG", "AVG", "MAX", "MAX"]
    assert list(result.summary.index) == ["avg", "max"]
    assert {f"{m}_{s}" for m in setup.SUMMARISED for s in ("mean", "std")} == set(
        result.summary.columns
    )
    metrics = result.metrics()
    assert all(type(v) is float for per in metrics.values() for v in per.values())


@pytest.mark.usefixtures("one_thread")
def test_variant_seed_runs_side_by_side_equal_each_variant_alone(clips, monkeypatch):
    data = setup.embed_pairs(clips, "random", 8)
    config = PoolingConfig(**KNOBS, embedding="random", poolings=["avg", "max"])
    variants = [setup.Variant(p, data, setup.train_config(config, p)) for p in config.poolings]
    seeds = [0, 1, 2]  # 6 runs: with 2 workers, a variant's last seed shares a round
    found = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SLR_WORKERS", workers)
        found[workers] = setup.train_over_seeds(variants, seeds, "pooling")
    pd.testing.assert_frame_equal(found["1"].runs, found["2"].runs)
    splits = data.splits
    for variant in variants:
        alone = collect(
            [
                seed_run(
                    splits["train"], splits["val"], splits["test"], replace(variant.train, seed=s)
                )
                for s in seeds
            ],
            len(splits["test"]),
        )
        for side_by_side in found.values():
            ranks = side_by_side.ranks[variant.name]
            np.testing.assert_array_equal(ranks.test, alone.ranks.test)
            np.testing.assert_array_equal(ranks.val, alone.ranks.val)
