from dataclasses import replace

import numpy as np
import pytest
import torch

from slr_lib.data_loader.retrieval import RetrievalSplit
from slr_lib.losses import max_margin_ranking_loss
from slr_lib.trainer import crossmodal as crossmodal_trainer
from slr_lib.trainer.crossmodal import (
    TrainConfig,
    collect,
    evaluate,
    pick_device,
    seed_run,
    similarities,
    train_crossmodal,
)


def synthetic_split(n: int, seed: int, codes: np.ndarray) -> RetrievalSplit:
    """Pairs whose words and clips are noisy views of two halves of one latent code."""
    rng = np.random.default_rng(seed)
    words, clips = [], []
    for i in rng.integers(len(codes), size=n):
        n_words, n_clips = int(rng.integers(2, 6)), int(rng.integers(3, 7))
        words.append(codes[i, :12] + 0.1 * rng.standard_normal((n_words, 12)))
        clips.append(codes[i, 12:] + 0.1 * rng.standard_normal((n_clips, 10)))
    as32 = [w.astype(np.float32) for w in words], [c.astype(np.float32) for c in clips]
    return RetrievalSplit([f"s{i}" for i in range(n)], ["t"] * n, as32[1], as32[0])


CODES = np.random.default_rng(42).standard_normal((60, 22))
CONFIG = TrainConfig(clusters=4, out_dim=32, lr=1e-2, batch_size=32, epochs=8)


def test_training_beats_chance_and_selects_an_epoch(tmp_path):
    train, val, test = (synthetic_split(n, s, CODES) for n, s in ((240, 0), (60, 1), (60, 2)))
    result = train_crossmodal(train, val, CONFIG, checkpoint=tmp_path / "cm.pt")
    assert len(result.history) == CONFIG.epochs
    assert result.history["loss"].iloc[-1] < result.history["loss"].iloc[0]
    best = result.history.loc[
        result.history["epoch"] == result.best_epoch, "val_geometric_mean_R1_R5_R10"
    ]
    assert float(best.iloc[0]) == result.history["val_geometric_mean_R1_R5_R10"].max()
    t2v = evaluate(result.model, test)["t2v"]
    assert t2v["R10"] > 3 * 100 * 10 / 60  # well above chance (16.7 %)
    saved = torch.load(tmp_path / "cm.pt")
    assert saved["epoch"] == result.best_epoch and saved["config"]["clusters"] == 4


def test_same_seed_same_model():
    train, val = synthetic_split(64, 0, CODES), synthetic_split(16, 1, CODES)
    short = TrainConfig(clusters=2, out_dim=8, batch_size=16, epochs=2)
    a = similarities(train_crossmodal(train, val, short).model, val)
    b = similarities(train_crossmodal(train, val, short).model, val)
    np.testing.assert_allclose(a, b)


def test_seed_runs_give_one_row_per_seed_and_its_ranks():
    train, val = synthetic_split(64, 0, CODES), synthetic_split(16, 1, CODES)
    test = synthetic_split(12, 2, CODES)
    config = TrainConfig(clusters=2, out_dim=8, batch_size=16, epochs=1)
    found = collect([seed_run(train, val, test, replace(config, seed=s)) for s in (0, 1)], 12)
    rows = found.rows
    assert rows["seed"].tolist() == [0, 1] and {"R1", "MedR", "best_epoch"} <= set(rows.columns)
    assert found.ranks.test.shape == (2, 12) and found.ranks.val.shape == (2, 16)
    assert found.ranks.n_videos == 12
    assert rows.loc[1, "R10"] == pytest.approx(100.0 * np.mean(found.ranks.test[1] < 10))


@pytest.mark.parametrize("normalisation", ["batch", "pairs"])
def test_the_loss_normalisation_reaches_the_loss(normalisation, monkeypatch):
    seen = []

    def spy(sims, margin, how):
        seen.append(how)
        return max_margin_ranking_loss(sims, margin, how)

    monkeypatch.setattr(crossmodal_trainer, "max_margin_ranking_loss", spy)
    train = synthetic_split(32, 0, CODES)
    config = TrainConfig(clusters=2, out_dim=8, batch_size=16, epochs=1,
                         loss_normalisation=normalisation)  # fmt: skip
    train_crossmodal(train, train, config)
    assert seen and set(seen) == {normalisation}


def test_too_small_splits_and_device():
    one = synthetic_split(1, 0, CODES)
    with pytest.raises(ValueError, match="at least two pairs"):
        train_crossmodal(one, one, CONFIG)
    assert pick_device("cpu").type == "cpu"


def test_a_query_of_unknown_words_still_gets_a_ranking():
    train, val = synthetic_split(64, 0, CODES), synthetic_split(16, 1, CODES)
    model = train_crossmodal(
        train, val, TrainConfig(clusters=2, out_dim=8, batch_size=16, epochs=1)
    ).model
    val.words[0] = np.zeros((1, 12), np.float32)  # the embedders' unknown vector
    sims = similarities(model, val)
    assert np.isfinite(sims).all()
    assert 0 <= evaluate(model, val)["t2v"]["MedR"] <= 16


def test_one_typed_query_scores_like_the_split_matrix():
    from slr_lib.trainer.crossmodal import encode_videos, query_similarities

    train, val = synthetic_split(64, 0, CODES), synthetic_split(16, 1, CODES)
    model = train_crossmodal(train, val, TrainConfig(clusters=2, out_dim=8, epochs=1)).model
    videos = encode_videos(model, val)
    assert videos.shape == (16, 8)
    np.testing.assert_allclose(
        query_similarities(model, val.words[3], videos), similarities(model, val)[3], atol=1e-5
    )
