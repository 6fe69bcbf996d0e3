"""Synthetic collections from real embeddings, chunked exact search, recall, the deployment plan."""

from __future__ import annotations

import numpy as np
import pytest

from slr_lib.index_scale import (
    CoarseCost,
    EmbeddingSampler,
    LatencyModel,
    RunningTopK,
    deployment_plan,
    exact_top_k,
    recall_at_k,
)
from slr_lib.search import brute_force_search


@pytest.fixture(scope="module")
def real() -> np.ndarray:
    """Anisotropic 'embeddings': most spread along a few directions."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 24)) * np.r_[np.full(4, 3.0), np.full(20, 0.3)]
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_draws_are_unit_vectors_repeatable_by_seed_and_follow_the_real_spread(real):
    sampler = EmbeddingSampler(real)
    a, b = sampler.draw(5000, seed=3), sampler.draw(5000, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    assert not np.array_equal(a, sampler.draw(5000, seed=4))
    spread = a.std(axis=0)
    assert spread[:4].mean() > 3 * spread[4:].mean()  # the real anisotropy is kept


def test_without_noise_every_draw_is_a_real_embedding(real):
    drawn = EmbeddingSampler(real, noise=0.0).draw(50, seed=1)
    nearest = (drawn @ real.T.astype(np.float32)).max(axis=1)
    np.testing.assert_allclose(nearest, 1, atol=1e-5)


def test_chunks_cover_the_size_and_exact_top_k_over_chunks_is_brute_force(real):
    sampler = EmbeddingSampler(real)
    chunks = list(sampler.chunks(1030, 200, seed=2))
    assert [len(c) for c in chunks] == [200] * 5 + [30]
    whole = np.concatenate(chunks)
    queries = sampler.draw(9, seed=8)
    expected, _ = brute_force_search(queries, whole, 10)
    np.testing.assert_array_equal(exact_top_k(queries, chunks, 10), expected)
    top = RunningTopK(queries, 10)
    for chunk in sampler.chunks(1030, 200, seed=2):
        top.update(chunk)
    np.testing.assert_array_equal(top.rows, expected)
    with pytest.raises(ValueError, match="empty"):
        exact_top_k(queries, [], 10)


def test_recall_counts_the_true_neighbours_found():
    truth = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert recall_at_k([[4, 3, 2, 1], [5, 9, 9, 9]], truth) == pytest.approx((1 + 0.25) / 2)
    with pytest.raises(ValueError, match="result lists"):
        recall_at_k([[1]], truth)


@pytest.mark.parametrize("bad", [np.zeros((1, 4)), np.full((3, 4), np.nan), np.zeros(4)])
def test_bad_real_embeddings_are_refused(bad):
    with pytest.raises(ValueError, match="real embeddings"):
        EmbeddingSampler(bad)


def test_the_latency_line_and_the_plan_follow_the_measured_costs():
    model = LatencyModel.fit([1e5, 2e5, 4e5], [1.5, 2.5, 4.5])
    assert model.fixed_ms == pytest.approx(0.5) and model.ms_per_million_codes == pytest.approx(10)
    coarse = CoarseCost(ms_per_centroid=1e-4, measured_cells=4096)
    plan = deployment_plan(
        1_000_000_000, bytes_per_vector=600, vectors_per_cell=2500, nprobe=16, latency=model,
        coarse=coarse,
    )  # fmt: skip
    assert plan.memory_gib == pytest.approx(1e9 * 600 / 2**30)
    assert plan.hosts == 12  # 559 GiB over 48 usable GiB per host
    assert plan.vectors_per_host == 83_333_334
    assert plan.cells_per_host == round(83_333_334 / 2500)
    extra = 1e-4 * (plan.cells_per_host - 4096)
    assert plan.latency_ms == pytest.approx(0.5 + 10 * 16 * 2500 / 1e6 + extra, rel=1e-3)
    with pytest.raises(ValueError, match="two different scan sizes"):
        LatencyModel.fit([1e5, 1e5], [1, 2])
    with pytest.raises(ValueError, match="must be > 0"):
        deployment_plan(0, 600, 2500, 16, model, coarse)
