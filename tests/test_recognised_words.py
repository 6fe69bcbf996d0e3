import time

import numpy as np
import pytest

from slr_lib.recognised_words import (
    iou_similarity,
    query_words,
    recognised_words,
    sr_similarity,
    unmatched_queries,
)

VOCAB = ["running", "dog", "cat", "7", "thank you"]


def test_query_words_lemmatises_and_keeps_function_words():
    assert query_words("The dogs were running, 7 times!") == {
        "the", "dog", "be", "run", "seven", "time",
    }  # fmt: skip
    assert query_words("...") == frozenset()


def test_recognised_words_thresholds_maps_lemmatises_and_deduplicates():
    labels = np.array([0, 0, 1, 2, 3, 4])
    probs = np.array([0.9, 0.6, 0.5, 0.2, 0.51, 0.7])
    # 0.5 itself is not above the threshold; "running" -> "run", twice -> once
    assert recognised_words(labels, probs, VOCAB) == {"run", "seven", "thank", "you"}
    assert recognised_words(labels, probs, VOCAB, threshold=0.0) == {
        "run", "dog", "cat", "seven", "thank", "you",
    }  # fmt: skip
    assert recognised_words(labels, probs, VOCAB, threshold=0.95) == frozenset()
    assert recognised_words(np.array([], int), np.array([]), VOCAB) == frozenset()


def test_recognised_words_checks_input():
    with pytest.raises(ValueError, match="alike"):
        recognised_words(np.array([0, 1]), np.array([0.9]), VOCAB)
    with pytest.raises(ValueError, match="vocabulary"):
        recognised_words(np.array([5]), np.array([0.9]), VOCAB)


def test_iou_on_hand_computed_cases():
    queries = [query_words("the dog is running"), frozenset(), frozenset({"cat"})]
    videos = [
        frozenset({"run", "dog"}),  # 2 / 4 with query 0
        frozenset({"run", "cat", "house"}),  # 1 / 6
        frozenset(),
    ]
    sims = iou_similarity(queries, videos)
    assert sims.dtype == np.float32 and sims.shape == (3, 3)
    expected = [[2 / 4, 1 / 6, 0.0], [0.0, 0.0, 0.0], [0.0, 1 / 3, 0.0]]
    np.testing.assert_allclose(sims, expected, rtol=1e-6)
    assert iou_similarity([frozenset({"a"})], [frozenset({"a"})])[0, 0] == 1.0
    assert iou_similarity([], videos).shape == (0, 3)


def test_iou_matches_python_sets_on_random_sets():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]

    def sets(n):
        return [frozenset(rng.choice(words, rng.integers(0, 8))) for _ in range(n)]

    queries, videos = sets(20), sets(15)
    expected = [[len(q & v) / len(q | v) if q | v else 0.0 for v in videos] for q in queries]
    np.testing.assert_allclose(iou_similarity(queries, videos), expected, rtol=1e-6)


def test_iou_is_fast_on_a_test_set():
    rng = np.random.default_rng(1)
    vocab = np.array([f"w{i}" for i in range(2000)])
    queries = [frozenset(rng.choice(vocab, 12)) for _ in range(2000)]
    videos = [frozenset(rng.choice(vocab, 30)) for _ in range(2000)]
    start = time.perf_counter()
    sims = iou_similarity(queries, videos)
    assert time.perf_counter() - start < 1.0
    assert sims.shape == (2000, 2000)


def test_query_without_vocabulary_words_gets_zeros_and_a_warning(warnings_seen):
    video_words = [frozenset({"run", "dog"}), frozenset({"cat"})]
    sims = sr_similarity(["dogs running", "a purple giraffe"], video_words, VOCAB)
    np.testing.assert_array_equal(sims[1], 0.0)
    assert sims[0, 0] == 1.0
    assert "no word in the recognisable vocabulary" in warnings_seen.text
    assert unmatched_queries([query_words("a purple giraffe")], VOCAB).tolist() == [0]
    assert unmatched_queries([query_words("cats")], VOCAB).size == 0
