"""The one-shot spotter: trimming, windowing, spotting, Top-K transferring and fusion."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.data import layout
from slr_lib.data.clip_features import FixedClipEncoder, pose_frames
from slr_lib.metrics import SPOTTING_IOU_THRESHOLDS, spotting_counts, spotting_f1
from slr_lib.spotting import one_shot
from slr_lib.spotting.oslwl import build_oslwl

WINDOW = 16
ENCODER = FixedClipEncoder(window=WINDOW, stride=1)


@pytest.fixture(scope="module")
def corpus(generated):
    return generated[1]


def heights(data: np.ndarray) -> np.ndarray:
    data = np.asarray(data, dtype=np.float64)
    left = data[:, layout.body_index("LEFT_SHOULDER"), :2]
    right = data[:, layout.body_index("RIGHT_SHOULDER"), :2]
    width = np.linalg.norm(left - right, axis=1)
    wrists = data[:, [layout.body_index("LEFT_WRIST"), layout.body_index("RIGHT_WRIST")], 1]
    return (((left + right) / 2)[:, 1:2] - wrists).max(axis=1) / width


def test_trim_drops_the_rest_frames_of_exemplars(corpus):
    cut = []
    for item in range(0, len(corpus.exemplar_poses), 7):
        data, conf = corpus.exemplar_poses.frames(item)
        span = one_shot.hands_up_span(data, conf)
        trimmed, trimmed_conf = one_shot.trim_exemplar(data, conf)
        assert len(trimmed) == len(trimmed_conf) == span.stop - span.start >= 8
        cut.append(span.start > 0 and span.stop < len(data))  # rest at both ends is cut
        if cut[-1]:
            h = heights(data)
            assert h[span.start] > h[: span.start].min() + 0.05  # the hands have risen
    # a low sign whose hands the detector never finds is kept whole (documented)
    assert np.mean(cut) >= 0.9


def static_pose(corpus, n: int) -> tuple[np.ndarray, np.ndarray]:
    data, conf = corpus.exemplar_poses.frames(0)
    return np.repeat(np.asarray(data[:1]), n, axis=0), np.repeat(np.asarray(conf[:1]), n, axis=0)


def test_trim_rules_for_still_and_short_exemplars(corpus):
    data, conf = static_pose(corpus, 30)
    conf[:] = 1
    assert one_shot.hands_up_span(data, conf) == slice(0, 30)  # never rose: all kept
    raised = data.copy()
    wrist, shoulder = layout.body_index("RIGHT_WRIST"), layout.body_index("RIGHT_SHOULDER")
    raised[14:16, wrist, 1] = raised[14:16, shoulder, 1] - 0.01  # above the shoulders
    span = one_shot.hands_up_span(raised, conf, min_frames=8)
    assert span.stop - span.start == 8 and span.start <= 14 and span.stop >= 16
    assert one_shot.hands_up_span(raised[:5], conf[:5], min_frames=8) == slice(0, 5)
    unseen = conf.copy()
    unseen[:, layout.RIGHT_HAND] = 0
    assert one_shot.hands_up_span(raised, unseen) == slice(0, 30)  # unseen hands do not count


def test_window_features_batches_pads_and_checks():
    frames = np.random.default_rng(0).normal(size=(50, 92)).astype(np.float32)
    full = one_shot.window_features(frames, ENCODER.encode, WINDOW)
    assert full.shape == (35, ENCODER.dim)
    np.testing.assert_allclose(
        one_shot.window_features(frames, ENCODER.encode, WINDOW, batch=4), full, atol=1e-5
    )
    short = one_shot.window_features(frames[:5], ENCODER.encode, WINDOW)
    padded = np.concatenate([frames[:5], np.repeat(frames[4:5], WINDOW - 5, axis=0)])
    np.testing.assert_allclose(short, ENCODER.encode(padded), atol=1e-5)
    with pytest.raises(ValueError, match="one feature per stride-1 window of 8"):
        one_shot.window_features(frames, ENCODER.encode, 8)
    with pytest.raises(ValueError, match="empty"):
        one_shot.window_features(frames[:0], ENCODER.encode, WINDOW)


def test_planted_exemplar_is_found_exactly():
    rng = np.random.default_rng(1)
    exemplar = rng.normal(size=(WINDOW, 92))
    gallery = one_shot.exemplar_feature(exemplar, ENCODER.encode, WINDOW)[None]
    clip = rng.normal(size=(120, 92))
    clip[57 : 57 + WINDOW] = exemplar
    query = one_shot.embed_query(clip, 0, ENCODER.encode, fps=25.0, window=WINDOW)
    spotting = one_shot.spot(query, gallery, WINDOW)
    assert spotting.first_frame == 57 and spotting.score == pytest.approx(1.0)
    assert (spotting.start_ms, spotting.end_ms) == (2280, 2920)
    assert spotting.curve.shape == (120 - WINDOW + 1,)
    assert one_shot.predictions({"q": spotting}) == {"q": [[0, 2280, 2920]]}


def test_short_clip_prediction_is_cut_to_the_clip():
    clip = np.random.default_rng(2).normal(size=(6, 92))
    query = one_shot.embed_query(clip, 0, ENCODER.encode, fps=24.0, window=WINDOW)
    spotting = one_shot.spot(query, query.features[:1], WINDOW)
    assert (spotting.start_ms, spotting.end_ms) == (0, 250)
    with pytest.raises(ValueError, match="class id 3 has no gallery feature"):
        one_shot.spot(one_shot.QueryWindows(3, 6, 24.0, query.features), query.features[:1])


def test_top_k_transfer_averages_the_best_retrieved_clips():
    gallery = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    best = {  # each query's best window for class 0, with decreasing similarity
        f"q{i}": one_shot.QueryWindows(
            0, 20, 24.0, np.array([[-1.0, 0.0, 0.0], [2.0 * (1 + i), 0.5 * i, 0.0]])
        )
        for i in range(4)
    }
    best["r"] = one_shot.QueryWindows(1, 20, 24.0, np.array([[0.0, 3.0, 4.0]]))
    new = one_shot.top_k_transfer(best, gallery, k=2, rounds=1)
    top = np.array([[1.0, 0.0, 0.0], [4.0, 0.5, 0.0] / np.linalg.norm([4.0, 0.5, 0.0])])
    np.testing.assert_allclose(new[0], top.mean(axis=0))
    np.testing.assert_allclose(new[1], [0.0, 0.6, 0.8])  # fewer than k: all it has
    np.testing.assert_allclose(new[2], gallery[2])  # no query clip: unchanged
    np.testing.assert_allclose(one_shot.top_k_transfer(best, gallery, rounds=0), gallery)


def test_feature_fusion_equals_score_fusion():
    rng = np.random.default_rng(4)
    pose, rgb = rng.normal(size=(30, 8)), rng.normal(size=(30, 5))
    pose_g, rgb_g = rng.normal(size=8), rng.normal(size=5)
    for weights in (None, [3.0, 1.0]):
        fused = one_shot.similarity_curve(
            one_shot.fuse_features([pose, rgb], weights),
            one_shot.fuse_features([pose_g, rgb_g], weights),
        )
        curves = [one_shot.similarity_curve(pose, pose_g), one_shot.similarity_curve(rgb, rgb_g)]
        np.testing.assert_allclose(fused, one_shot.fuse_curves(curves, weights))
    with pytest.raises(ValueError, match="non-negative"):
        one_shot.fuse_curves(curves, [1.0])
    streams = [
        {"q": one_shot.QueryWindows(0, 45, 24.0, pose)},
        {"q": one_shot.QueryWindows(0, 45, 24.0, rgb)},
    ]
    assert one_shot.fuse_queries(streams)["q"].features.shape == (30, 13)
    galleries = np.stack([pose_g, pose_g]), np.stack([rgb_g, rgb_g])
    queries, gallery = one_shot.fuse_embedded(list(zip(streams, galleries, strict=True)))
    np.testing.assert_array_equal(
        queries["q"].features, one_shot.fuse_queries(streams)["q"].features
    )
    np.testing.assert_array_equal(gallery, one_shot.fuse_features(galleries))


def random_window_f1(bench, queries) -> float:
    """Expected F1 of predicting a uniformly random window per query (exact)."""
    expected_tp = 0.0
    for key, query in queries.items():
        n = len(query.features)
        to_ms = 1000 / query.fps
        gt = {f"{w}": bench.ground_truth[key] for w in range(n)}
        every = {
            f"{w}": [
                [query.class_id, round(w * to_ms), round(min(w + WINDOW, query.n_frames) * to_ms)]
            ]
            for w in range(n)
        }
        expected_tp += spotting_counts(gt, every)[:, 0].sum() / n
    n_gt = sum(len(v) for v in bench.ground_truth.values())
    return 2 * expected_tp / (len(SPOTTING_IOU_THRESHOLDS) * (len(queries) + n_gt))


def test_spotting_recovers_planted_signs_far_above_random_windows(corpus):
    found, chance, with_transfer = [], [], []
    for split in ("train", "val", "test"):
        bench = build_oslwl(corpus, split, n_gallery=8, n_queries=None, seed=0)
        gallery = np.stack(
            [
                one_shot.exemplar_feature(
                    pose_frames(*one_shot.trim_exemplar(*bench.exemplar_pose(corpus, c))),
                    ENCODER.encode,
                    WINDOW,
                )
                for c in bench.gallery["class_id"]
            ]
        )
        queries = {
            q.key: one_shot.embed_query(
                pose_frames(*bench.query_pose(corpus, q.key)), q.class_id, ENCODER.encode, q.fps
            )
            for q in bench.queries.itertuples()
        }
        spottings = one_shot.spot_queries(queries, gallery, WINDOW)
        found.append(spotting_f1(bench.ground_truth, one_shot.predictions(spottings))[2])
        chance.append(random_window_f1(bench, queries))
        moved = one_shot.top_k_transfer(queries, gallery, k=5, rounds=1)
        transferred = one_shot.spot_queries(queries, moved, WINDOW)
        with_transfer.append(spotting_f1(bench.ground_truth, one_shot.predictions(transferred))[2])
    assert np.mean(found) > 3 * np.mean(chance)
    assert np.mean(with_transfer) > 3 * np.mean(chance)
