"""Dictionary spotting, the SPOT-ALIGN loop and scoring against the hidden truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slr_lib.data_loader.sign_windows import (
    class_index,
    exemplar_features,
    truth_windows,
    video_features,
)
from slr_lib.spotting.dictionary import dictionary_candidates, query_words, spot_dictionary
from slr_lib.spotting.evaluation import correct_spottings, spotting_summary
from slr_lib.spotting.spot_align import (
    EmptySpottingError,
    SpotAlignConfig,
    embedding_model,
    run_spot_align,
)
from slr_lib.trainer.sign_recognition import SignTrainConfig, train_sign_recognizer

TINY = SignTrainConfig(epochs=3, batch_size=32, width=16, embed_dim=32)


@pytest.fixture(scope="module")
def setting(generated):
    _, main, _ = generated
    features, exemplars = video_features(main), exemplar_features(main)
    classes = class_index(main.exemplars["gloss"].unique())
    model, _ = train_sign_recognizer(
        truth_windows(main.signs, features, classes), len(classes), TINY
    )
    return main, features, exemplars, model


def _random_locations(spottings: pd.DataFrame, main, seed: int = 0) -> pd.DataFrame:
    """The same queries at a random frame of their subtitle's span."""
    rng = np.random.default_rng(seed)
    sentences = main.sentences.set_index("sentence_id")
    starts = (sentences.loc[spottings["sentence_id"], "start_sign"] * 24).to_numpy()
    ends = (sentences.loc[spottings["sentence_id"], "end_sign"] * 24).to_numpy()
    return spottings.assign(frame=rng.uniform(starts, np.maximum(ends - 16, starts)).astype(int))


def test_query_words_match_forms_and_lemmas():
    assert query_words("The dogs were running home", {"dog", "run", "cat"}) == {
        "dog": "dogs",
        "run": "running",
    }


def test_dictionary_spotting_finds_signs_far_above_chance(setting):
    main, features, exemplars, model = setting
    candidates = dictionary_candidates(model, main, features, exemplars, "train")
    assert len(candidates) >= 10
    assert candidates["confidence"].between(-1, 1).all()
    ours = correct_spottings(candidates, main.signs).mean()
    chance = np.mean(
        [correct_spottings(_random_locations(candidates, main, s), main.signs).mean()
         for s in range(5)]
    )  # fmt: skip
    assert ours > 2 * chance
    assert len(spot_dictionary(candidates, 0.75)) <= len(candidates)


def test_summary_counts_yield_vocabulary_and_precision(setting):
    main = setting[0]
    truth = main.signs.head(3)
    spottings = pd.DataFrame(
        {
            "video_id": truth["video_id"], "sentence_id": truth["sentence_id"],
            "word": truth["gloss"], "gloss": truth["gloss"],
            "frame": truth["end_frame"].to_numpy() + 5, "confidence": 1.0, "source": "mouthing",
        }
    )  # fmt: skip
    summary = spotting_summary(spottings, main.signs)
    assert summary["annotations"] == 3 and summary["precision"] == 100.0
    far = spottings.assign(frame=spottings["frame"] + 200)
    assert spotting_summary(far, main.signs)["precision"] < 100.0


def _mouthings_from_truth(main) -> pd.DataFrame:
    split = main.videos.set_index("video_id")["split"]
    signs = main.signs[main.signs["video_id"].map(split).eq("train") & main.signs["mouthed"]]
    return pd.DataFrame(
        {
            "video_id": signs["video_id"], "sentence_id": signs["sentence_id"],
            "word": signs["gloss"], "gloss": signs["gloss"], "frame": signs["end_frame"],
            "confidence": 1.0, "source": "mouthing",
        }
    )  # fmt: skip


def test_the_loop_runs_and_trains_embedding_models(setting):
    main, features, exemplars, model = setting
    mouthings = _mouthings_from_truth(main)
    run = run_spot_align(
        main, mouthings, features, exemplars, model,
        SpotAlignConfig(iterations=2, dictionary_threshold=0.0, train=TINY),
    )  # fmt: skip
    assert set(run.spottings) == {"M", "D1", "D2"} and run.stopped is None
    assert set(run.restricted) <= set(main.exemplars["gloss"])
    assert set(run.vocabulary("D2", expanded=True)) >= set(run.restricted)
    final = embedding_model(run, "D2", True, features, model, TINY)
    assert final.classes == run.vocabulary("D2", expanded=True)
    assert final.annotations == len(run.spottings["M"]) + len(run.spottings["D2"])


def test_an_empty_iteration_stops_the_loop_cleanly(setting, warnings_seen):
    main, features, exemplars, model = setting
    run = run_spot_align(
        main, _mouthings_from_truth(main), features, exemplars, model,
        SpotAlignConfig(iterations=3, dictionary_threshold=1.01, train=TINY),
    )  # fmt: skip
    assert run.stopped == "D1" and set(run.spottings) == {"M"}
    assert "loop stops" in warnings_seen.text


def test_no_mouthing_of_a_dictionary_word_is_an_error(setting):
    main, features, exemplars, model = setting
    nothing = _mouthings_from_truth(main).assign(gloss="zzz-not-a-sign")
    with pytest.raises(EmptySpottingError, match="nothing to start"):
        run_spot_align(main, nothing, features, exemplars, model, SpotAlignConfig(train=TINY))
