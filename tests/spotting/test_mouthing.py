"""Tests of the mouthing-based keyword spotter on the tiny simulated corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slr_lib.data import layout
from slr_lib.spotting import mouthing
from slr_lib.spotting.mouthing import (
    SPOTTING_COLUMNS,
    calibrate,
    keyword_template,
    mouth_track,
    mouthing_precision,
    spot_mouthings,
)
from slr_lib.text import VISEME_SHAPES


@pytest.fixture(scope="module")
def spottings(generated) -> pd.DataFrame:
    _, main, _ = generated
    return spot_mouthings(main, "train")


def _random_precision(spottings: pd.DataFrame, corpus, seeds: int = 20) -> float:
    """Precision of the same spottings placed at uniformly random frames of their spans."""
    sentences = corpus.sentences.set_index("sentence_id")
    n_frames = dict(zip(corpus.videos["video_id"], corpus.videos["n_frames"], strict=True))
    spans = [
        mouthing.search_span(sentences.loc[s], "sign", corpus.fps, n_frames[v], 0.5)
        for s, v in zip(spottings["sentence_id"], spottings["video_id"], strict=True)
    ]
    rng = np.random.default_rng(0)
    values = []
    for _ in range(seeds):
        frames = [int(rng.integers(a, max(b, a + 1))) for a, b in spans]
        values.append(mouthing_precision(spottings.assign(frame=frames), corpus.signs))
    return float(np.mean(values))


def test_template_of_a_known_word():
    template = keyword_template("maggie")  # M AE G IY
    names = ("bilabial", "open", "velar", "close_front")
    expected = np.array([VISEME_SHAPES[v] for v in names]) @ mouthing._LIP_MATRIX.T
    np.testing.assert_allclose(template, expected + mouthing._LIP_OFFSET)
    assert template[1, 0] > template[0, 0]  # the open vowel opens the mouth more than M
    assert keyword_template("qzxvwq") is None


def test_mouth_track_without_lips_or_hands_has_no_nan(generated):
    _, main, _ = generated
    data, conf = main.video_pose(main.videos["video_id"].iloc[0])
    data, conf = np.array(data[:60], np.float32), np.array(conf[:60], np.float32)
    for part in (layout.LEFT_HAND, layout.RIGHT_HAND):
        conf[:, part] = 0
        data[:, part] = 0
    gappy = conf.copy()
    gappy[10:20, layout.MOUTH] = 0
    track = mouth_track(data, gappy)
    assert track.shape == (60, 3) and track.dtype == np.float32
    assert np.isfinite(track).all()
    conf[:, layout.MOUTH] = 0
    data[:, layout.MOUTH] = np.nan
    blind = mouth_track(data, conf)
    assert np.isfinite(blind).all()
    np.testing.assert_allclose(blind, np.tile(mouthing.rest_features(), (60, 1)), atol=1e-6)


def test_mouth_track_reads_an_open_mouth_as_open(generated):
    _, main, _ = generated
    data, conf = (np.array(a[:30], np.float32) for a in main.video_pose(main.videos["video_id"][0]))
    opened = data.copy()
    opened[:, layout.MOUTH.start + 1 : layout.MOUTH.start + 10, 1] += 0.02  # drop the lower lip
    assert mouth_track(opened, conf)[:, 0].mean() > mouth_track(data, conf)[:, 0].mean()


def test_spottings_beat_random_locations(generated, spottings):
    _, main, _ = generated
    assert list(spottings.columns) == list(SPOTTING_COLUMNS)
    assert len(spottings) >= 10
    assert (spottings["confidence"] > 0.5).all() and (spottings["confidence"] <= 1).all()
    assert (spottings["source"] == "mouthing").all()
    precision = mouthing_precision(spottings, main.signs)
    baseline = _random_precision(spottings, main)
    assert precision > max(2 * baseline, baseline + 0.2)


def test_vocabulary_filter(generated, spottings):
    _, main, _ = generated
    vocabulary = set(sorted(set(spottings["gloss"]))[::2])
    filtered = spot_mouthings(main, "train", vocabulary=vocabulary)
    assert set(filtered["gloss"]) <= vocabulary
    expected = spottings[spottings["gloss"].isin(vocabulary)].reset_index(drop=True)
    pd.testing.assert_frame_equal(filtered, expected)
    assert spot_mouthings(main, "train", vocabulary=set()).empty


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


def test_calibration_on_the_pretraining_corpus(generated):
    _, _, pretrain = generated
    fitted = calibrate(pretrain)
    assert fitted.slope > 0 and fitted.n_samples > 0
    low, high = fitted.confidence(np.array([0.0, 1.0]))
    assert 0 <= low < high <= 1


def test_bad_inputs(generated):
    _, main, _ = generated
    with pytest.raises(ValueError, match="split"):
        spot_mouthings(main, "dev")
    with pytest.raises(ValueError, match="timing"):
        spot_mouthings(main, "train", timing="audio")
    with pytest.raises(ValueError, match="threshold"):
        spot_mouthings(main, "train", threshold=1.5)
    with pytest.raises(ValueError, match="data must be"):
        mouth_track(np.zeros((5, 3)), np.zeros((5, 3)))
