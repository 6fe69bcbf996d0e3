"""Training the sign language translator (`slr_lib.model.translation`) as the public setting of
Sign Language Transformers does, and scoring its translations with BLEU.

The public setting: Adam, learning rate 1e-3, betas (0.9, 0.998), weight decay 1e-3, batches of
32 sentences, cross-entropy on the next word (no label smoothing); after each epoch the
validation sentences are translated greedily and BLEU-4 is measured; the learning rate is
multiplied by 0.7 when validation BLEU-4 has not improved for 8 epochs, and the epoch with the
best validation BLEU-4 is kept. The public setting trains until the learning rate falls below
1e-6; here `epochs` bounds training (a CPU cannot run it to the end), a parameter the chapters
state. BLEU is `slr_lib.metrics.bleu` (sacrebleu, on the translator's lowercased words).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from slr_lib.logging_setup import get_logger
from slr_lib.model.padding import pad_sequences
from slr_lib.model.translation import (
    MAX_LENGTH,
    PAD,
    TRANSLATOR_SIZES,
    SignTranslator,
    Vocabulary,
    beam_decode,
    greedy_decode,
    teacher_forcing,
)
from slr_lib.pipeline.timing import timed
from slr_lib.trainer import optimisers
from slr_lib.translation_metrics import bleu

log = get_logger(__name__)


@dataclass(frozen=True)
class TranslationTrainConfig:
    """Model size and optimisation; defaults are the public setting's."""

    size: str = "slt"
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.998)
    weight_decay: float = 1e-3
    batch_size: int = 32
    epochs: int = 100
    plateau_factor: float = 0.7
    plateau_patience: int = 8
    max_length: int = MAX_LENGTH
    min_count: int = 1  # words seen fewer times in training are unknown
    seed: int = 0

    def __post_init__(self) -> None:
        if self.size not in TRANSLATOR_SIZES:
            raise ValueError(f"unknown size {self.size!r}; known: {', '.join(TRANSLATOR_SIZES)}")
        if self.epochs < 1 or self.batch_size < 2:
            raise ValueError("epochs must be at least 1 and batch_size at least 2")


@dataclass(frozen=True)
class TranslationSplit:
    """Clip features (T_i, D) and the sentence of each video."""

    features: Sequence[np.ndarray]
    sentences: Sequence[str]

    def __post_init__(self) -> None:
        if len(self.features) != len(self.sentences):
            raise ValueError(
                f"{len(self.features)} feature sequences but {len(self.sentences)} sentences"
            )
        if not self.sentences:
            raise ValueError("a translation split needs at least one video")
        empty = [i for i, f in enumerate(self.features) if len(f) == 0]
        if empty:
            raise ValueError(f"video {empty[0]} has no clip feature")


@dataclass
class TrainedTranslator:
    """The kept model, its vocabulary, and the per-epoch history."""

    model: SignTranslator
    vocabulary: Vocabulary
    history: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0

    def translate(
        self, features: Sequence[np.ndarray], beam_size: int = 1, alpha: float = -1.0,
        max_length: int = MAX_LENGTH, batch_size: int = 64,
    ) -> list[str]:  # fmt: skip
        """Sentences for each video's features: greedy for `beam_size` 1, else beam search."""
        out: list[str] = []
        for start in range(0, len(features), batch_size):
            x, mask = pad_sequences(list(features[start : start + batch_size]))
            if beam_size == 1:
                found = greedy_decode(self.model, x, mask, max_length)
            else:
                found = beam_decode(self.model, x, mask, beam_size, alpha, max_length)
            out.extend(self.vocabulary.decode(s) for s in found)
        return out


@timed("translator")
def train_translator(
    train: TranslationSplit, val: TranslationSplit, config: TranslationTrainConfig
) -> TrainedTranslator:
    """Train on `train`, keep the epoch with the best greedy BLEU-4 on `val`."""
    torch.manual_seed(config.seed)
    vocabulary = Vocabulary.build(train.sentences, config.min_count)
    targets = [vocabulary.encode(s) for s in train.sentences]
    model = SignTranslator(
        train.features[0].shape[1], len(vocabulary), TRANSLATOR_SIZES[config.size]
    )
    optimiser = optimisers.adam(
        model.parameters(), lr=config.lr, betas=config.betas, weight_decay=config.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimiser, mode="max", factor=config.plateau_factor, patience=config.plateau_patience
    )
    result = TrainedTranslator(model, vocabulary)
    best, best_state = -1.0, None
    rng = np.random.default_rng(config.seed)
    for epoch in tqdm(range(1, config.epochs + 1), desc="translation", leave=False):
        loss = _train_epoch(model, optimiser, train.features, targets, config.batch_size, rng)
        found = result.translate(val.features, max_length=config.max_length)
        scores = bleu(found, val.sentences)
        scheduler.step(scores["BLEU-4"])
        result.history.append({"epoch": epoch, "loss": loss, **scores,
                               "lr": optimiser.param_groups[0]["lr"]})  # fmt: skip
        if scores["BLEU-4"] > best:
            best, best_state, result.best_epoch = (
                scores["BLEU-4"],
                copy.deepcopy(model.state_dict()),
                epoch,
            )
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    return result


def _train_epoch(
    model: SignTranslator, optimiser: torch.optim.Optimizer, features: Sequence[np.ndarray],
    targets: Sequence[list[int]], batch_size: int, rng: np.random.Generator,
) -> float:  # fmt: skip
    """One pass over the training videos in a random order; the mean loss per word."""
    model.train()
    total, words = 0.0, 0
    order = rng.permutation(len(features))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        if len(batch) < 2:  # batch normalisation needs two videos
            continue
        x, mask = pad_sequences([features[i] for i in batch])
        inputs, outputs = teacher_forcing([targets[i] for i in batch], x.device)
        logits = model(x, mask, inputs)
        loss = F.cross_entropy(
            logits.flatten(0, 1), outputs.flatten(), ignore_index=PAD, reduction="sum"
        )
        n = int((outputs != PAD).sum())
        optimiser.zero_grad()
        (loss / len(batch)).backward()
        optimiser.step()
        total, words = total + loss.item(), words + n
    return total / max(words, 1)
