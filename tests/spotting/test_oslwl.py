"""The OSLWL benchmark built from the tiny simulated corpus: its invariants and its errors."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from slr_lib.data.spotting_pickle import spotting_arrays
from slr_lib.spotting.oslwl import QUERY_COLUMNS, build_oslwl


@pytest.fixture(scope="module")
def corpus(generated):
    return generated[1]


@pytest.fixture(scope="module")
def bench(corpus):
    return build_oslwl(corpus, "train", n_gallery=6, n_queries=None, seed=1)


def test_gallery_has_one_exemplar_per_sign(corpus, bench):
    gallery = bench.gallery
    assert gallery["class_id"].tolist() == list(range(6))
    assert gallery["gloss"].is_unique and gallery["gloss"].is_monotonic_increasing
    exemplars = corpus.exemplars.set_index("exemplar_id")
    assert (exemplars.loc[gallery["exemplar_id"], "gloss"].to_numpy() == gallery["gloss"]).all()
    for class_id in gallery["class_id"]:
        data, _ = bench.exemplar_pose(corpus, class_id)
        assert len(data) > 0


def test_each_query_contains_its_sign(corpus, bench):
    queries = bench.queries
    assert list(queries.columns) == list(QUERY_COLUMNS) and queries["key"].is_unique
    assert set(bench.ground_truth) == set(queries["key"])
    glosses = dict(zip(bench.gallery["class_id"], bench.gallery["gloss"], strict=True))
    signs = corpus.signs
    for q in queries.itertuples():
        assert q.gloss == glosses[q.class_id]
        truth = bench.ground_truth[q.key]
        assert truth and all(c == q.class_id for c, _, _ in truth)
        hidden = signs[
            (signs["sentence_id"] == q.sentence_id)
            & (signs["gloss"] == q.gloss)
            & (signs["kind"] == "sign")
        ]
        expected = [
            [round((s - q.start_frame) * 1000 / q.fps), round((e - q.start_frame) * 1000 / q.fps)]
            for s, e in zip(hidden["start_frame"], hidden["end_frame"], strict=True)
        ]
        assert sorted([s, e] for _, s, e in truth) == sorted(expected)
        duration_ms = (q.end_frame - q.start_frame) * 1000 / q.fps
        assert all(0 <= s < e <= duration_ms + 1 for _, s, e in truth)
        data, _ = bench.query_pose(corpus, q.key)
        assert len(data) == q.end_frame - q.start_frame
    spotting_arrays(bench.ground_truth)  # the challenge's format


def test_query_clips_are_the_subtitles_spans(corpus, bench):
    sentences = corpus.sentences.set_index("sentence_id")
    for q in bench.queries.itertuples():
        row = sentences.loc[q.sentence_id]
        data, _ = corpus.sentence_pose(row)
        clip, _ = bench.query_pose(corpus, q.key)
        np.testing.assert_array_equal(np.asarray(data), np.asarray(clip))


def test_sizes_balance_and_seed(corpus, bench):
    n = len(bench.queries) - 3
    small = build_oslwl(corpus, "train", n_gallery=6, n_queries=n, seed=1)
    assert len(small.queries) == n
    assert small.gallery.equals(bench.gallery)
    available = bench.queries["class_id"].value_counts()
    taken = small.queries["class_id"].value_counts()
    # round-robin: a class is short of its available clips only if it holds the most taken
    assert all(taken[c] == available[c] or taken[c] >= taken.max() - 1 for c in taken.index)
    again = build_oslwl(corpus, "train", n_gallery=6, n_queries=n, seed=1)
    assert again.queries.equals(small.queries) and again.ground_truth == small.ground_truth
    other = build_oslwl(corpus, "train", n_gallery=6, n_queries=None, seed=2)
    assert not other.gallery.equals(bench.gallery)


def test_val_and_test_galleries_can_be_disjoint(corpus):
    val = build_oslwl(corpus, "val", n_gallery=4, n_queries=None, seed=0)
    test = build_oslwl(
        corpus, "test", n_gallery=4, n_queries=None, seed=0, exclude_glosses=val.gallery["gloss"]
    )
    assert not set(val.gallery["gloss"]) & set(test.gallery["gloss"])
    assert set(test.queries["video_id"]) <= set(
        corpus.videos.loc[corpus.videos["split"] == "test", "video_id"]
    )


def test_dictionary_choice(corpus):
    bench = build_oslwl(corpus, "train", n_gallery=3, n_queries=None, dictionary="msasl")
    dictionaries = corpus.exemplars.set_index("exemplar_id").loc[
        bench.gallery["exemplar_id"], "dictionary"
    ]
    assert set(dictionaries) == {"msasl"}


def test_errors(corpus):
    with pytest.raises(ValueError, match="fewer than n_queries"):
        build_oslwl(corpus, "train", n_gallery=2, n_queries=10_000)
    with pytest.raises(ValueError, match="fewer than n_gallery"):
        build_oslwl(corpus, "train", n_gallery=10_000)
    with pytest.raises(ValueError, match="positive"):
        build_oslwl(corpus, "train", n_gallery=0)
    with pytest.raises(ValueError, match="no hidden ground truth"):
        build_oslwl(replace(corpus, signs=None), "train", n_gallery=2)
    with pytest.raises(ValueError, match="no sentences in split 'dev'"):
        build_oslwl(corpus, "dev", n_gallery=2)
    bench = build_oslwl(corpus, "train", n_gallery=2, n_queries=None)
    with pytest.raises(KeyError):
        bench.query_pose(corpus, "nope")
