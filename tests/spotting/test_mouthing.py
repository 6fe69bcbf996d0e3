"""Tests of the mouthing-based keyword spotter and its learnt lip reader."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from slr_lib.data import layout
from slr_lib.spotting import mouthing
from slr_lib.spotting.mouthing import (
    SPOTTING_COLUMNS,
    calibrate,
    fit_lip_reader,
    learn_reader,
    mouth_shape,
    mouth_track,
    mouthing_precision,
    spot_mouthings,
)
from slr_lib.text import PHONEME_TO_VISEME
from tests.conftest import make


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """(main, pre-training) corpora; the pre-training one large enough to learn a lip reader."""
    _, main, pretrain = make(tmp_path_factory, "mouthing", pretrain_sentences=240)
    return main, pretrain


@pytest.fixture(scope="module")
def reader(corpora):
    return learn_reader(corpora[1])


@pytest.fixture(scope="module")
def candidates(corpora, reader) -> pd.DataFrame:
    """Every candidate word's best location in the training subtitles (no threshold)."""
    return spot_mouthings(corpora[0], "train", threshold=0.0, reader=reader)


@pytest.fixture(scope="module")
def every_candidate(corpora, reader, candidates) -> pd.DataFrame:
    """The same in every split: enough locations to tell the reader from chance."""
    main = corpora[0]
    others = [spot_mouthings(main, s, threshold=0.0, reader=reader) for s in main.splits[1:]]
    return pd.concat([candidates, *others], ignore_index=True)


def _random_precision(spottings: pd.DataFrame, corpus, seeds: int = 20) -> float:
    """Precision of the same spottings placed at uniformly random frames of their spans."""
    values = [
        mouthing_precision(mouthing.random_locations(spottings, corpus, seed=s), corpus.signs)
        for s in range(seeds)
    ]
    return float(np.mean(values))


def test_the_reader_is_learnt_from_the_annotated_corpus(reader, corpora):
    assert reader.classes == tuple(sorted(set(PHONEME_TO_VISEME.values())))
    assert reader.means.shape == (len(reader.classes), reader.dim) and 2 <= reader.dim <= 6
    assert np.isfinite(reader.means).all() and np.isfinite(reader.background_precision).all()
    assert reader.n_signs > 100 and reader.n_frames > 1000
    assert 0.05 < reader.mouthed_share < 0.95  # estimated: the annotations do not say
    assert list(reader.durations) == sorted(set(reader.durations)) and reader.durations[0] >= 2
    assert reader.calibration.n_samples > 0 and reader.calibration.slope > 0
    assert set(reader.summary()) >= {"frames", "signs", "mouthed_share", "calibration"}
    # the open vowel is the most distinct viseme from a mouth at rest; a closed mouth is not
    away = np.linalg.norm(reader.means - reader.background_mean, axis=1)
    assert away[reader.classes.index("open")] > np.median(away)
    assert reader.means is not fit_lip_reader(corpora[1]).means  # learnt again, not stored


def test_template_of_a_known_word(reader):
    template = reader.template("maggie")  # M AE G IY
    names = ("bilabial", "open", "velar", "close_front")
    expected = reader.means[[reader.classes.index(v) for v in names]]
    np.testing.assert_allclose(template, expected)
    assert reader.template("qzxvwq") is None
    assert reader.stretched("maggie", 8).shape == (8 * reader.dim,)


def test_mouth_track_without_lips_or_hands_has_no_nan(corpora):
    main, _ = corpora
    data, conf = main.video_pose(main.videos["video_id"].iloc[0])
    data, conf = np.array(data[:60], np.float32), np.array(conf[:60], np.float32)
    for part in (layout.LEFT_HAND, layout.RIGHT_HAND):
        conf[:, part] = 0
        data[:, part] = 0
    gappy = conf.copy()
    gappy[10:20, layout.MOUTH] = 0
    track = mouth_track(data, gappy)
    assert track.shape == (60, mouthing.N_SHAPE) and track.dtype == np.float32
    assert np.isfinite(track).all()
    conf[:, layout.MOUTH] = 0
    data[:, layout.MOUTH] = np.nan
    blind = mouth_track(data, conf)
    assert np.isfinite(blind).all() and not blind.any()


def test_mouth_shape_reads_an_open_mouth_as_open(corpora):
    main, _ = corpora
    data, conf = (np.array(a[:30], np.float32) for a in main.video_pose(main.videos["video_id"][0]))
    opened = data.copy()
    opened[:, layout.MOUTH.start + 1 : layout.MOUTH.start + 10, 1] += 0.02  # drop the lower lip
    height = lambda shape: np.ptp(shape[0][:, 1::2], axis=1)  # noqa: E731
    assert (height(mouth_shape(opened, conf)) > height(mouth_shape(data, conf))).all()


def test_mouth_track_removes_a_signers_lip_size_and_position(corpora):
    main, _ = corpora
    data, conf = (np.array(a[:80], np.float64) for a in main.video_pose(main.videos["video_id"][0]))
    lips = data[:, layout.MOUTH, :2]
    centre = lips.mean(axis=(0, 1))
    other = data.copy()
    other[:, layout.MOUTH, :2] = centre + 1.4 * (lips - centre) + np.array([0.01, -0.005])
    np.testing.assert_allclose(mouth_track(other, conf), mouth_track(data, conf), atol=1e-4)


def test_best_locations_beat_random_locations(corpora, every_candidate):
    main, _ = corpora
    assert list(every_candidate.columns) == list(SPOTTING_COLUMNS)
    assert len(every_candidate) >= 100 and (every_candidate["source"] == "mouthing").all()
    precision = mouthing_precision(every_candidate, main.signs)
    assert precision > 1.5 * _random_precision(every_candidate, main)


def test_confidence_ranks_right_locations_first(corpora, every_candidate):
    main, _ = corpora
    hits = mouthing.spotting_hits(every_candidate, main.signs)
    confident = (every_candidate["confidence"] >= every_candidate["confidence"].median()).to_numpy()
    assert hits[confident].mean() > 2 * hits[~confident].mean()


def test_threshold_keeps_the_confident_candidates(corpora, reader, candidates):
    main, _ = corpora
    kept = spot_mouthings(main, "train", threshold=0.5, reader=reader)
    expected = candidates[candidates["confidence"] > 0.5].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, expected)


def test_vocabulary_filter(corpora, reader, candidates):
    main, _ = corpora
    vocabulary = set(sorted(set(candidates["gloss"]))[::2])
    filtered = spot_mouthings(main, "train", threshold=0.0, vocabulary=vocabulary, reader=reader)
    assert set(filtered["gloss"]) <= vocabulary
    expected = candidates[candidates["gloss"].isin(vocabulary)].reset_index(drop=True)
    pd.testing.assert_frame_equal(filtered, expected)
    assert spot_mouthings(main, "train", vocabulary=set(), reader=reader).empty


def test_precision_counts_tolerance_and_sentence():
    signs = pd.DataFrame(
        {"sentence_id": ["s0", "s0", "s1"], "gloss": ["house", "walk", "house"],
         "start_frame": [10, 40, 100], "end_frame": [25, 55, 120]}
    )  # fmt: skip
    spots = pd.DataFrame(
        {"sentence_id": ["s0", "s0", "s0", "s1"], "word": ["houses", "houses", "walking", "x"],
         "gloss": ["house", "house", "walk", "walk"], "frame": [29, 30, 50, 110]}
    )  # fmt: skip
    assert mouthing_precision(spots, signs) == pytest.approx(2 / 4)
    assert mouthing_precision(spots, signs, tolerance=5) == pytest.approx(3 / 4)


def test_calibration_on_the_pretraining_corpus(corpora, reader):
    _, pretrain = corpora
    fitted = calibrate(pretrain, reader)
    assert fitted.slope > 0 and fitted.n_samples > 0
    low, high = fitted.confidence(np.array([-1.0, 2.0]))
    assert 0 <= low < high <= 1


def test_learning_needs_annotations_and_a_reader_is_needed(corpora):
    main, pretrain = corpora
    with pytest.raises(ValueError, match="annotations"):
        fit_lip_reader(replace(main, signs=None))
    with pytest.raises(ValueError, match="lip reader"):
        spot_mouthings(main, "train")
    with pytest.raises(ValueError, match="folds"):
        learn_reader(pretrain, folds=1)


def test_bad_inputs(corpora, reader):
    main, _ = corpora
    with pytest.raises(ValueError, match="split"):
        spot_mouthings(main, "dev", reader=reader)
    with pytest.raises(ValueError, match="timing"):
        spot_mouthings(main, "train", timing="audio", reader=reader)
    with pytest.raises(ValueError, match="threshold"):
        spot_mouthings(main, "train", threshold=1.5, reader=reader)
    with pytest.raises(ValueError, match="data must be"):
        mouth_track(np.zeros((5, 3)), np.zeros((5, 3)))
