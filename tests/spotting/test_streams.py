"""Streams of multi-stream one-shot spotting: window embedders, benchmark embedding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slr_lib.data_loader.sign_windows import exemplar_features, video_features
from slr_lib.model.dense import dense_embeddings
from slr_lib.model.sign_recognition import SignRecognizer
from slr_lib.spotting import one_shot
from slr_lib.spotting.oslwl import build_oslwl
from slr_lib.spotting.streams import (
    HAND_SHAPE_COLUMNS,
    StreamFrames,
    embed_benchmark,
    encoder_embed,
    stream_frames,
)


@pytest.fixture(scope="module")
def model() -> SignRecognizer:
    return SignRecognizer(6, 3, width=8, embed_dim=5).eval()


def test_sixteen_frame_windows_are_the_dense_embeddings(model):
    frames = np.random.default_rng(0).normal(size=(40, 6)).astype(np.float32)
    dense = dense_embeddings(model, frames)
    np.testing.assert_allclose(encoder_embed(model, 16)(frames), dense, atol=1e-6)
    longer = encoder_embed(model, 20)(frames)
    assert longer.shape == (21, 5)
    np.testing.assert_allclose(longer[3], dense[3:8].mean(axis=0), atol=1e-5)


def test_short_windows_are_stretched_to_sixteen_frames(model):
    frames = np.random.default_rng(1).normal(size=(30, 6)).astype(np.float32)
    short = encoder_embed(model, 6)(frames)
    assert short.shape == (25, 5)
    # window 6 spans 16 samples at a third of a frame apart: window 4 is frames 4..9 resampled
    times = 4 + np.arange(16) / 3
    resampled = np.stack([np.interp(times, np.arange(30), f) for f in frames.T], axis=1)
    expected = dense_embeddings(model, resampled.astype(np.float32))[0]
    np.testing.assert_allclose(short[4], expected, atol=1e-5)
    assert encoder_embed(model, 8)(frames).shape == (23, 5)
    with pytest.raises(ValueError, match="at least 2"):
        encoder_embed(model, 1)


def test_benchmark_embedding(generated):
    corpus = generated[1]
    bench = build_oslwl(corpus, "train", n_gallery=4, n_queries=None, seed=0)
    pose = StreamFrames(video_features(corpus), exemplar_features(corpus))
    hands = pose.columns(HAND_SHAPE_COLUMNS)
    assert next(iter(hands.videos.values())).shape[1] == 86
    model = SignRecognizer(86, 2, width=8, embed_dim=5).eval()
    queries, gallery = embed_benchmark(bench, corpus, hands, encoder_embed(model), 16)
    assert gallery.shape == (4, 5) and set(queries) == set(bench.ground_truth)
    first = bench.queries.iloc[0]
    assert queries[first["key"]].n_frames == first["end_frame"] - first["start_frame"]
    spotted = one_shot.spot_queries(queries, gallery)
    assert all(s.curve.shape == (queries[k].n_frames - 15,) for k, s in spotted.items())


def test_training_windows_of_both_sources(generated):
    corpus = generated[1]
    pose = StreamFrames(video_features(corpus), exemplar_features(corpus))
    glosses = sorted(corpus.exemplars["gloss"].unique())[:3]
    signs = corpus.signs[corpus.signs["gloss"].isin(glosses)].head(5)
    spottings = pd.DataFrame(
        {"video_id": signs["video_id"], "frame": signs["start_frame"], "gloss": signs["gloss"],
         "source": "dictionary"}
    )  # fmt: skip
    classes = {g: i for i, g in enumerate(glosses)}
    continuous, exemplars = pose.training_windows(spottings, corpus.exemplars, classes)
    assert len(continuous) == len(spottings)
    assert len(exemplars) == corpus.exemplars["gloss"].isin(glosses).sum()


def test_stream_frames(generated):
    corpus = generated[1]
    videos = sorted(corpus.videos["video_id"])[:2]
    exemplar = corpus.exemplars["exemplar_id"].iloc[0]
    frames = stream_frames(corpus, videos, {exemplar}, image_size=16, pooled=4)
    assert list(frames) == ["pose", "hands", "rgb"]
    assert set(frames["pose"].videos) == set(frames["rgb"].videos) == set(videos)
    assert set(frames["rgb"].exemplars) == {exemplar}
    assert len(frames["pose"].exemplars) == len(corpus.exemplars)
    hands = frames["pose"].videos[videos[0]][:, HAND_SHAPE_COLUMNS]
    np.testing.assert_array_equal(frames["hands"].videos[videos[0]], hands)
    assert frames["rgb"].videos[videos[0]].shape == (len(hands), 16)
    assert "rgb" not in stream_frames(corpus, videos, set(), with_rgb=False)
