import numpy as np
import pytest

from slr_lib import metrics


def reference_rank(scores: np.ndarray, target: int) -> float:
    """The sorting-based definition: mean position of the target's score in the sorted row."""
    ordered = np.sort(scores)[::-1]
    return float(np.mean(np.flatnonzero(ordered == scores[target])))


def test_toy_ranks_under_each_tie_rule():
    toy = np.array(
        [[0.9, 0.9, 0.1, 0.9], [0.2, 0.5, 0.5, 0.1], [0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.3, 0.8]]
    )
    assert metrics.t2v_ranks(toy).tolist() == [1.0, 0.5, 1.5, 0.0]
    assert metrics.t2v_ranks(toy, ties="optimistic").tolist() == [0, 0, 0, 0]
    assert metrics.t2v_ranks(toy, ties="pessimistic").tolist() == [2, 1, 3, 0]


@pytest.mark.parametrize("seed", range(5))
def test_t2v_ranks_match_sorting_definition_with_ties(seed, monkeypatch):
    monkeypatch.setattr(metrics, "_CHUNK_ROWS", 7)  # several chunks, one of them partial
    rng = np.random.default_rng(seed)
    sims = rng.integers(0, 4, size=(30, 30)).astype(float)  # many ties
    expected = [reference_rank(sims[i], i) for i in range(30)]
    np.testing.assert_allclose(metrics.t2v_ranks(sims), expected)


def test_v2t_takes_best_caption_and_ranks_among_all_captions(monkeypatch):
    monkeypatch.setattr(metrics, "_CHUNK_ROWS", 2)
    rng = np.random.default_rng(3)
    caption_video = np.array([0, 0, 1, 2, 2, 2, 3])
    sims = rng.integers(0, 5, size=(7, 4)).astype(float)
    expected = []
    for video in range(4):
        column = sims[:, video]
        expected.append(
            min(reference_rank(column, c) for c in np.flatnonzero(caption_video == video))
        )
    np.testing.assert_allclose(metrics.v2t_ranks(sims, caption_video), expected)


def test_t2v_with_several_captions_per_video():
    sims = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    ranks = metrics.t2v_ranks(sims, caption_video=[0, 1, 1])
    assert ranks.tolist() == [0.0, 0.0, 1.0]


def test_recall_counts_exact_zero_for_r1_but_below_k_for_larger_k():
    out = metrics.rank_metrics(np.array([0.0, 0.5, 4.5, 5.0]))
    assert out["R1"] == 25.0  # 0.5 is not a hit at 1
    assert out["R5"] == 75.0  # 4.5 < 5 is a hit at 5
    assert out["MedR"] == pytest.approx(np.median([0, 0.5, 4.5, 5]) + 1)
    assert out["MeanR"] == pytest.approx(np.mean([0, 0.5, 4.5, 5]) + 1)
    assert out["geometric_mean_R1_R5_R10"] == pytest.approx((25 * 75 * 100) ** (1 / 3))


def test_perfect_and_all_tied_matrices():
    perfect = metrics.t2v_metrics(np.eye(10))
    assert perfect["R1"] == 100.0 and perfect["MedR"] == 1.0
    tied = metrics.t2v_metrics(np.zeros((2348, 2348)))
    assert tied["MedR"] == 1174.5 and tied["R10"] == 0.0
    assert metrics.t2v_metrics(np.zeros((5, 5)), ties="optimistic")["R1"] == 100.0


def test_chance_metrics_match_uniform_ranks():
    chance = metrics.chance_metrics(100)
    exact = metrics.rank_metrics(np.arange(100, dtype=float))
    for key in ("R1", "R5", "R10", "R50", "MedR", "MeanR"):
        assert chance[key] == pytest.approx(exact[key])


@pytest.mark.parametrize(
    ("sims", "caption_video", "message"),
    [
        (np.zeros(3), None, "2-D"),
        (np.zeros((2, 3)), None, "caption_video"),
        (np.array([[np.nan, 0.0], [0.0, 0.0]]), None, "finite"),
        (np.zeros((2, 2)), [0, 2], r"\[0, 2\)"),
        (np.zeros((2, 2)), [0], "one per row"),
    ],
)
def test_bad_input_is_rejected_with_a_reason(sims, caption_video, message):
    with pytest.raises(ValueError, match=message):
        metrics.t2v_metrics(sims, caption_video)


def test_v2t_needs_a_caption_for_every_video():
    with pytest.raises(ValueError, match="at least one caption"):
        metrics.v2t_metrics(np.zeros((2, 3)), caption_video=[0, 1])


def test_unknown_tie_rule():
    with pytest.raises(ValueError, match="ties must be one of"):
        metrics.t2v_ranks(np.eye(2), ties="random")


def test_worst_ranking_puts_every_match_last():
    sims = -np.eye(6)  # each query scores its own video lowest
    t2v = metrics.t2v_metrics(sims)
    assert t2v["R1"] == 0.0 and t2v["R5"] == 0.0 and t2v["MedR"] == 6.0 and t2v["MeanR"] == 6.0
    assert metrics.v2t_metrics(sims)["MedR"] == 6.0
