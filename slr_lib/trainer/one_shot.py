"""Training a sign encoder with the combined sign spotting loss of the OSLWL fact sheet.

The seed team (ECCV 2022 sign spotting, track 2) trains each stream's model with "a triplet loss
and a cross-entropy loss as a combined loss", after their reference [3] (GaitGL, Lin et al.
2021): the triplet loss pulls windows of the same sign together and pushes other signs away, the
cross-entropy classifies them. Here:

- **samples** are the 16-frame windows of two sources: continuous signing around the SPOT-ALIGN
  spottings, and isolated dictionary exemplars, both labelled by gloss;
- **batches** hold `batch_size // per_class` glosses with `per_class` windows each (P x K
  sampling), drawn alternately from the gloss's exemplars and spottings where it has both, so
  anchor-positive pairs cross the dictionary/continuous domain gap the one-shot task must
  bridge; a gloss with fewer windows repeats them (each repeat is a different random crop). An
  epoch visits every gloss once, so frequent glosses do not dominate it;
- the **triplet loss** is the batch-all form of GaitGL: Euclidean distances between
  L2-normalised embeddings, hinge `d(a, p) - d(a, n) + margin` over every valid triplet of the
  batch, averaged over the triplets that still violate the margin;
- the **combined loss** is cross-entropy + `triplet_weight` x triplet.

Optimisation, crops and augmentation are those of `slr_lib.trainer.sign_recognition` (SGD with
momentum and a step schedule). An encoder to fine-tune gives the trunk, and optionally its own
classifier rows for the glosses it knows (`with_known_classes`), so that fine-tuning does not
start from a random classifier whose gradients would disturb the trained trunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from slr_lib.data_loader.sign_windows import WindowSet
from slr_lib.model.sign_recognition import SignRecognizer
from slr_lib.pipeline.timing import timed
from slr_lib.trainer.crossmodal import pick_device, seed_everything
from slr_lib.trainer.sign_recognition import (
    SignTrainConfig,
    sgd_schedule,
    start_model,
    training_crops,
)

HISTORY_COLUMNS = ("loss", "cross_entropy", "triplet", "train_acc")


@dataclass(frozen=True)
class CombinedLossConfig:
    """Settings of one training with the combined loss; `train.batch_size` is P x K."""

    train: SignTrainConfig = field(default_factory=SignTrainConfig)
    margin: float = 0.2
    triplet_weight: float = 1.0
    per_class: int = 4

    def __post_init__(self) -> None:
        if self.per_class < 2 or self.train.batch_size < 2 * self.per_class:
            raise ValueError("need per_class >= 2 and batch_size >= 2 * per_class")
        if self.margin < 0 or self.triplet_weight < 0:
            raise ValueError("margin and triplet_weight must be non-negative")


@dataclass(frozen=True)
class TrainingPlan:
    """One encoder to train: its stream, its settings and the model it starts from (if any)."""

    stream: str
    config: CombinedLossConfig
    init: SignRecognizer | None = None


@dataclass(frozen=True)
class LossParts:
    """The combined loss and its two terms (tensors; `total` carries the gradient)."""

    total: torch.Tensor
    cross_entropy: torch.Tensor
    triplet: torch.Tensor


def with_known_classes(
    model: SignRecognizer, known: Sequence[str], classes: Mapping[str, int]
) -> SignRecognizer:
    """A copy of `model` classifying `classes`; a gloss among `known` (the model's classes, in
    order) keeps its row of the model's classifier, the others get fresh rows."""
    out = model.with_classes(len(classes))
    position = {gloss: i for i, gloss in enumerate(known)}
    pairs = [(row, position[gloss]) for gloss, row in classes.items() if gloss in position]
    if pairs:
        new, old = (list(p) for p in zip(*pairs, strict=True))
        with torch.no_grad():
            out.head[2].weight[new] = model.head[2].weight[old]
            out.head[2].bias[new] = model.head[2].bias[old]
    return out


def triplet_loss(embeddings: torch.Tensor, labels: torch.Tensor, margin: float) -> torch.Tensor:
    """Batch-all triplet loss of embeddings (B, E): the mean over violating triplets (0 if none)."""
    unit = F.normalize(embeddings, dim=1)
    distances = torch.cdist(unit, unit)
    same = labels[:, None] == labels[None, :]
    positive = same & ~torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    valid = positive[:, :, None] & ~same[:, None, :]  # (anchor, positive, negative)
    hinge = F.relu(distances[:, :, None] - distances[:, None, :] + margin)[valid]
    violating = hinge > 0
    if not violating.any():
        return hinge.sum() * 0.0
    return hinge[violating].mean()


def combined_loss(
    embeddings: torch.Tensor,
    logits: torch.Tensor,
    labels: torch.Tensor,
    margin: float = 0.2,
    triplet_weight: float = 1.0,
) -> LossParts:
    """Cross-entropy of the logits plus `triplet_weight` x the triplet loss of the embeddings."""
    cross_entropy = F.cross_entropy(logits, labels)
    triplet = triplet_loss(embeddings, labels, margin)
    return LossParts(cross_entropy + triplet_weight * triplet, cross_entropy, triplet)


def class_batches(
    labels: np.ndarray,
    domains: np.ndarray,
    batch_size: int,
    per_class: int,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """One epoch: every class once, `batch_size // per_class` classes of `per_class` windows a
    batch (at least two classes each), the class's domains taken in turn."""
    classes = rng.permutation(np.unique(labels))
    per_batch = max(2, batch_size // per_class)
    groups = [classes[i : i + per_batch] for i in range(0, len(classes), per_batch)]
    if len(groups) > 1 and len(groups[-1]) < 2:
        groups[-2:] = [np.concatenate(groups[-2:])]
    pools = {
        c: [rng.permutation(np.flatnonzero((labels == c) & (domains == d))) for d in (0, 1)]
        for c in classes
    }
    return [np.concatenate([_class_sample(pools[c], per_class, rng) for c in g]) for g in groups]


def _class_sample(pools: list[np.ndarray], k: int, rng: np.random.Generator) -> np.ndarray:
    """`k` windows of one class, taken in turn from its non-empty domain pools."""
    filled = [p for p in pools if len(p)]
    picks = []
    for i in range(k):
        pool, turn = filled[i % len(filled)], i // len(filled)
        picks.append(pool[turn] if turn < len(pool) else rng.choice(pool))
    return np.asarray(picks)


@timed("one-shot stream encoders")
def train_combined(
    continuous: WindowSet,
    exemplars: WindowSet,
    n_classes: int,
    config: CombinedLossConfig,
    init: SignRecognizer | None = None,
    keep_head: bool = False,
    desc: str = "combined loss",
) -> tuple[SignRecognizer, list[dict[str, float]]]:
    """Train (or fine-tune `init`) on continuous-signing and exemplar windows (labels < n_classes).

    `init` gives the trunk and, with `keep_head`, also its classifier (see `with_known_classes`).
    The history has, per epoch, the mean combined loss, its terms and the training accuracy.
    """
    if keep_head and init is None:
        raise ValueError("keep_head needs an init model")
    train = config.train
    windows = WindowSet.concat([continuous, exemplars])
    domains = np.r_[np.zeros(len(continuous), int), np.ones(len(exemplars), int)]
    if len(np.unique(windows.labels)) < 2:
        raise ValueError("the triplet loss needs windows of at least two classes")
    seed_everything(train.seed)
    rng = np.random.default_rng(train.seed)
    device = pick_device(train.device)
    model = start_model(windows, n_classes, train, init)
    if keep_head:
        model.head.load_state_dict(init.head.state_dict())
    model = model.to(device)
    optimiser, scheduler = sgd_schedule(model, train)
    history = []
    for epoch in tqdm(range(train.epochs), desc=desc, leave=False):
        model.train()
        sums = np.zeros(4)
        batches = class_batches(windows.labels, domains, train.batch_size, config.per_class, rng)
        for index in batches:
            x = torch.from_numpy(training_crops(windows, index, train, rng)).to(device)
            y = torch.from_numpy(windows.labels[index]).long().to(device)
            embeddings = model.embed(x)[:, 0]
            logits = model.classify(embeddings)
            loss = combined_loss(embeddings, logits, y, config.margin, config.triplet_weight)
            optimiser.zero_grad()
            loss.total.backward()
            optimiser.step()
            accuracy = float((logits.argmax(1) == y).float().mean())
            parts = (loss.total, loss.cross_entropy, loss.triplet)
            sums += [*(float(p.detach()) for p in parts), accuracy]
        scheduler.step()
        means = dict(zip(HISTORY_COLUMNS, (sums / len(batches)).tolist(), strict=True))
        history.append({"epoch": epoch + 1, **means})
    return model.cpu().eval(), history


def train_plans(
    plans: Mapping[str, TrainingPlan],
    windows: Mapping[str, tuple[WindowSet, WindowSet]],
    n_classes: int,
) -> tuple[dict[str, SignRecognizer], pd.DataFrame]:
    """Train every plan, in order, on its stream's (continuous, exemplar) windows.

    A plan with an `init` model fine-tunes it and keeps its classifier (`keep_head`). The history
    has one row per model and epoch: `model`, then the columns of `train_combined`'s history.
    """
    models, histories = {}, []
    for name, plan in plans.items():
        model, history = train_combined(
            *windows[plan.stream],
            n_classes,
            plan.config,
            plan.init,
            keep_head=plan.init is not None,
            desc=name,
        )
        models[name] = model
        histories += [{"model": name, **h} for h in history]
    return models, pd.DataFrame(histories)
