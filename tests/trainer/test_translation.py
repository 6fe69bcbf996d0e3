"""Training the translator: a task it can learn is learnt, bad inputs are refused."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.trainer.translation import (
    TranslationSplit,
    TranslationTrainConfig,
    train_translator,
)
from slr_lib.translation_metrics import bleu

WORDS = ["sun", "rain", "wind", "snow", "cloud", "north", "south", "warm", "cold", "fog"]


def split(n: int, seed: int) -> TranslationSplit:
    """Videos whose clips show their sentence's words in order (three noisy clips a word)."""
    rng = np.random.default_rng(seed)
    features, sentences = [], []
    for _ in range(n):
        chosen = list(rng.choice(WORDS, size=rng.integers(3, 6)))
        clips = np.concatenate([np.repeat(np.eye(12)[[WORDS.index(w)]], 3, axis=0) for w in chosen])
        features.append((clips + 0.1 * rng.normal(size=clips.shape)).astype(np.float32))
        sentences.append(" ".join(chosen))
    return TranslationSplit(features, sentences)


def test_a_learnable_task_is_learnt_and_the_best_epoch_kept(one_thread):
    config = TranslationTrainConfig(size="tiny", epochs=30, batch_size=16)
    trained = train_translator(split(160, 0), split(40, 1), config)
    test = split(40, 2)
    assert bleu(trained.translate(test.features), test.sentences)["BLEU-4"] > 80
    assert bleu(trained.translate(test.features, beam_size=3), test.sentences)["BLEU-4"] > 80
    best = max(trained.history, key=lambda h: h["BLEU-4"])
    assert trained.best_epoch == best["epoch"] and len(trained.history) == 30
    untrained = train_translator(
        split(160, 0), split(40, 1), config.__class__(size="tiny", epochs=1)
    )
    assert bleu(untrained.translate(test.features), test.sentences)["BLEU-4"] < 50


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="2 feature sequences but 1 sentences"):
        TranslationSplit([np.zeros((2, 3))] * 2, ["a"])
    with pytest.raises(ValueError, match="video 1 has no clip feature"):
        TranslationSplit([np.zeros((2, 3)), np.zeros((0, 3))], ["a", "b"])
    with pytest.raises(ValueError, match="unknown size"):
        TranslationTrainConfig(size="huge")
