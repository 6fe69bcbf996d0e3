import numpy as np
import pytest

from slr_lib.metrics import t2v_ranks
from slr_lib.score_fusion import late_fusion, tune_fusion_weight


def test_late_fusion_arithmetic():
    sr = np.array([[1.0, 0.0], [0.5, 0.25]])
    cm = np.array([[0.0, 1.0], [-0.5, 0.75]])
    np.testing.assert_allclose(late_fusion(sr, cm), [[0.5, 0.5], [0.0, 0.5]])
    np.testing.assert_allclose(late_fusion(sr, cm, weight=0.25), 0.25 * sr + 0.75 * cm)
    np.testing.assert_array_equal(late_fusion(sr, cm, weight=1.0), sr)
    np.testing.assert_array_equal(late_fusion(sr, cm, weight=0.0), cm)


def test_late_fusion_checks_shapes_and_weight():
    with pytest.raises(ValueError, match="differ in shape"):
        late_fusion(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        late_fusion(np.zeros(2), np.zeros(2), weight=1.5)


def test_query_without_sr_evidence_is_ranked_by_cm_alone():
    rng = np.random.default_rng(0)
    cm = rng.normal(size=(4, 6))
    sr = rng.random((4, 6))
    sr[2] = 0.0
    fused = late_fusion(sr, cm)
    np.testing.assert_array_equal(np.argsort(-fused[2]), np.argsort(-cm[2]))


def _sr_helps_case(
    n: int = 40, distractor: float = 0.9, sr_match: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """CM ranks every query's video second behind a distractor that SR scores zero."""
    rng = np.random.default_rng(1)
    cm = rng.uniform(0.0, 0.5, size=(n, n))
    cm[np.arange(n), np.arange(n)] = 0.8
    cm[np.arange(n), (np.arange(n) + 1) % n] = distractor
    sr = np.zeros((n, n))
    sr[np.arange(n), np.arange(n)] = sr_match
    return sr, cm


def test_tuned_weight_uses_sr_where_it_helps():
    sr, cm = _sr_helps_case()
    assert (t2v_ranks(cm) == 1).all()
    weight, table = tune_fusion_weight(sr, cm)
    assert 0.0 < weight < 1.0
    assert (t2v_ranks(late_fusion(sr, cm, weight)) == 0).all()
    assert list(table.index) == pytest.approx(np.linspace(0, 1, 11))
    assert table.loc[0.0, "R1"] == 0.0 and table["R1"].max() == 100.0
    # weights 0.3 .. 1.0 all reach R@1 = 100; the one closest to the paper's 0.5 wins
    assert weight == pytest.approx(0.5)


def test_tuned_weight_moves_away_from_equal_weights_when_needed():
    sr, cm = _sr_helps_case(distractor=1.0, sr_match=0.1)  # 0.1 w must beat 0.2 (1 - w): w > 2/3
    weight, table = tune_fusion_weight(sr, cm)
    assert weight == pytest.approx(0.7)
    assert table["R1"].iloc[5] == 0.0 and table["R1"].iloc[7] == 100.0  # weights 0.5, 0.7


def test_tune_checks_grid():
    sr, cm = _sr_helps_case(5)
    with pytest.raises(ValueError, match="grid"):
        tune_fusion_weight(sr, cm, grid=[])
