"""Retrieval by translated sentences, and the translation path on a real-format PHOENIX copy."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.data.phoenix import build_phoenix_corpus, read_feature_files
from slr_lib.metrics import t2v_metrics
from slr_lib.score_fusion import late_fusion
from slr_lib.trainer.translation import (
    TranslationSplit,
    TranslationTrainConfig,
    train_translator,
)
from slr_lib.translation_metrics import bleu
from slr_lib.translation_retrieval import sentence_lemmas, translation_similarity
from tests.real_tiny import needs_realdata, phoenix_folder


def test_german_words_are_lemmatised_and_english_numbers_spelled_out():
    assert {"regen", "kommen"} <= sentence_lemmas("der regen kommt", "de")
    assert "ten" in sentence_lemmas("It is 10 degrees")


def test_a_query_finds_the_video_whose_translation_says_the_same():
    queries = ["morgen regen im norden", "sonne im süden"]
    translations = ["im süden scheint die sonne", "im norden regnet es morgen"]
    sims = translation_similarity(queries, translations, "de")
    assert sims.shape == (2, 2) and sims[0].argmax() == 1 and sims[1].argmax() == 0
    assert sims[1, 0] == pytest.approx(3 / 5)  # {in, sonne, süden} of {der, scheinen, ...}


@needs_realdata
def test_the_translation_path_runs_on_a_real_format_phoenix_copy(tmp_path, one_thread):
    real = phoenix_folder(tmp_path / "phoenix")
    corpus = build_phoenix_corpus(real.tables, features=real.features)
    features = read_feature_files(real.features)
    splits = {}
    for split in ("train", "val", "test"):
        sentences = corpus.split_sentences(split)
        splits[split] = TranslationSplit(
            [features[v] for v in sentences["video_id"]], list(sentences["text"])
        )
    config = TranslationTrainConfig(size="tiny", epochs=2, batch_size=16, max_length=12)
    trained = train_translator(splits["train"], splits["val"], config)
    test = splits["test"]
    found = trained.translate(test.features, beam_size=2, max_length=12)
    assert len(found) == len(test.sentences)
    assert all(0 <= v <= 100 for v in bleu(found, test.sentences).values())
    sims = translation_similarity(test.sentences, found, "de")
    fused = late_fusion(sims, np.random.default_rng(0).normal(size=sims.shape))
    for matrix in (sims, fused):
        metrics = t2v_metrics(matrix)
        assert 0 <= metrics["R1"] <= metrics["R10"] <= 100
