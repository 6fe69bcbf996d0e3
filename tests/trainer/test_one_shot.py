"""The combined triplet + cross-entropy loss, its P x K batches and a tiny training."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from slr_lib.data_loader.sign_windows import WindowSet, centre_crops
from slr_lib.model.sign_recognition import SignRecognizer
from slr_lib.trainer.one_shot import (
    CombinedLossConfig,
    TrainingPlan,
    class_batches,
    combined_loss,
    train_combined,
    train_plans,
    triplet_loss,
    with_known_classes,
)
from slr_lib.trainer.sign_recognition import SignTrainConfig


def test_triplet_loss_on_a_worked_case():
    embeddings = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]])  # normalised: e0 = e2
    labels = torch.tensor([0, 0, 1])
    # triplets (a, p, n): (0, 1, 2): sqrt2 - 0 + 0.2; (1, 0, 2): sqrt2 - sqrt2 + 0.2
    expected = (math.sqrt(2) + 0.2 + 0.2) / 2
    assert float(triplet_loss(embeddings, labels, 0.2)) == pytest.approx(expected, abs=1e-6)
    separated = torch.tensor([[1.0, 0.0], [1.0, 0.01], [-1.0, 0.0]])
    assert float(triplet_loss(separated, labels, 0.2)) == 0.0  # no triplet violates the margin


def test_triplets_only_count_those_that_violate_the_margin():
    embeddings = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    labels = torch.tensor([0, 0, 1, 1])
    # anchors 0 and 1: negative 2 satisfies the margin, negative 3 gives 0.5; anchor 2 (positive
    # at sqrt2): both negatives at sqrt2 give 0.5; anchor 3: both negatives at 0 give sqrt2 + 0.5
    expected = (0.5 * 4 + 2 * (math.sqrt(2) + 0.5)) / 6
    assert float(triplet_loss(embeddings, labels, 0.5)) == pytest.approx(expected, abs=1e-6)


def test_combined_loss_adds_weighted_terms():
    embeddings = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    logits = torch.tensor([[2.0, 0.0], [0.5, 0.5], [0.0, 3.0]])
    labels = torch.tensor([0, 0, 1])
    parts = combined_loss(embeddings, logits, labels, margin=0.2, triplet_weight=0.5)
    assert float(parts.cross_entropy) == pytest.approx(float(F.cross_entropy(logits, labels)))
    assert float(parts.triplet) == pytest.approx(float(triplet_loss(embeddings, labels, 0.2)))
    assert float(parts.total) == pytest.approx(float(parts.cross_entropy + 0.5 * parts.triplet))


def test_class_batches_are_p_by_k_and_cross_domains():
    labels = np.r_[np.repeat(np.arange(5), 6), np.arange(5)]
    domains = np.r_[np.zeros(30, int), np.ones(5, int)]
    batches = class_batches(labels, domains, 8, 4, np.random.default_rng(0))
    assert [len(np.unique(labels[b])) for b in batches] == [2, 3]  # a lone last class is merged
    assert sorted(np.concatenate([np.unique(labels[b]) for b in batches])) == list(range(5))
    for batch in batches:
        assert set(np.unique(labels[batch], return_counts=True)[1]) == {4}
        for c in np.unique(labels[batch]):
            assert set(domains[batch][labels[batch] == c]) == {0, 1}


def windows(rng: np.random.Generator, n_per_class: int, shift: float) -> WindowSet:
    """Three classes, each a distinct frame pattern with noise; 20 frames a window."""
    patterns = np.eye(3, 6, dtype=np.float32) * 2 + shift
    labels = np.repeat(np.arange(3), n_per_class)
    frames = patterns[labels][:, None, :] + rng.normal(0, 0.5, (len(labels), 20, 6))
    return WindowSet(frames.astype(np.float32), np.full(len(labels), 20), labels)


def loss_on(model, data: WindowSet) -> float:
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(centre_crops(data))
        embeddings = model.embed(x)[:, 0]
        labels = torch.from_numpy(data.labels).long()
        return float(combined_loss(embeddings, model.classify(embeddings), labels).total)


def test_a_tiny_training_lowers_the_combined_loss():
    rng = np.random.default_rng(0)
    continuous, exemplars = windows(rng, 8, 0.0), windows(rng, 2, 0.3)
    train = SignTrainConfig(
        epochs=1, batch_size=12, lr=0.05, width=8, embed_dim=8, augment=False, dropout=0.0
    )
    start, _ = train_combined(continuous, exemplars, 3, CombinedLossConfig(train, per_class=4))
    config = CombinedLossConfig(SignTrainConfig(**{**train.__dict__, "epochs": 15}), per_class=4)
    model, history = train_combined(continuous, exemplars, 3, config, init=start, keep_head=True)
    held_out = windows(np.random.default_rng(1), 4, 0.0)
    assert loss_on(model, held_out) < 0.7 * loss_on(start, held_out)
    assert history[-1]["loss"] < history[0]["loss"]
    assert set(history[0]) == {"epoch", "loss", "cross_entropy", "triplet", "train_acc"}


def test_plans_train_in_order_and_keep_the_head_of_their_start():
    rng = np.random.default_rng(0)
    data = {"a": (windows(rng, 4, 0.0), windows(rng, 2, 0.3))}
    train = SignTrainConfig(epochs=2, batch_size=8, width=8, embed_dim=8, augment=False)
    config = CombinedLossConfig(train, per_class=4)
    scratch = train_combined(*data["a"], 3, config)[0]
    plans = {"new": TrainingPlan("a", config), "tuned": TrainingPlan("a", config, scratch)}
    models, history = train_plans(plans, data, 3)
    assert list(models) == ["new", "tuned"]
    assert history["model"].tolist() == ["new", "new", "tuned", "tuned"]
    assert history.columns[0] == "model" and history["epoch"].tolist() == [1, 2, 1, 2]
    for name, param in models["new"].state_dict().items():  # same seed, same training
        torch.testing.assert_close(param, scratch.state_dict()[name])
    tuned, _ = train_combined(*data["a"], 3, config, scratch, keep_head=True)
    for name, param in models["tuned"].state_dict().items():
        torch.testing.assert_close(param, tuned.state_dict()[name])


def test_known_classes_keep_their_classifier_rows():
    model = SignRecognizer(3, 3, width=4, embed_dim=4)
    narrowed = with_known_classes(model, ["a", "b", "c"], {"c": 0, "new": 1, "a": 2})
    assert narrowed.n_classes == 3
    weight, old = narrowed.head[2].weight.detach(), model.head[2].weight.detach()
    torch.testing.assert_close(weight[[0, 2]], old[[2, 0]])
    assert not torch.allclose(weight[1], old[1])
    torch.testing.assert_close(narrowed.frame[0].weight, model.frame[0].weight)  # same trunk


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="per_class"):
        CombinedLossConfig(per_class=1)
    one_class = WindowSet(np.zeros((4, 16, 3), np.float32), np.full(4, 16), np.zeros(4, int))
    with pytest.raises(ValueError, match="keep_head"):
        train_combined(one_class, one_class, 1, CombinedLossConfig(), keep_head=True)
    with pytest.raises(ValueError, match="two classes"):
        train_combined(one_class, one_class, 1, CombinedLossConfig(SignTrainConfig(batch_size=8)))
