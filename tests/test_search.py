"""VideoIndex against the NumPy brute-force reference, persistence, checks and the GPU switch."""

from __future__ import annotations

import json

import numpy as np
import pytest

from slr_lib.search import VideoIndex, brute_force_search

faiss = pytest.importorskip("faiss")

DIM = 32


def unit_rows(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    x = rng.standard_normal((n, dim), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def make_ids(n: int, prefix: str = "v") -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(n)]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(10)  # a seed whose top-11 scores are all > 1e-5 apart
    return unit_rows(rng, 2000), unit_rows(rng, 40)


def assert_no_near_ties(queries: np.ndarray, vectors: np.ndarray, k: int) -> None:
    """Precondition of exact comparisons: the k+1 best scores of every query are well apart."""
    _, scores = brute_force_search(queries, vectors, k + 1)
    assert np.diff(scores, axis=1).max() < -1e-5


def assert_same_as_brute_force(index: VideoIndex, queries, vectors, ids, k: int) -> None:
    found_ids, found_scores = index.search(queries, k)
    rows, scores = brute_force_search(queries, vectors, k)
    assert found_ids == [[ids[j] for j in row] for row in rows]
    assert found_scores.dtype == np.float32 and found_scores.shape == scores.shape
    np.testing.assert_allclose(found_scores, scores, rtol=1e-5, atol=1e-6)


# -- the reference itself ------------------------------------------------------------------


def test_brute_force_matches_a_full_sort_and_breaks_ties_by_index():
    rng = np.random.default_rng(0)
    vectors = unit_rows(rng, 300)
    vectors[[10, 50, 200]] = vectors[120]  # four identical rows: tied scores
    queries = np.concatenate([vectors[120:121], unit_rows(rng, 9)])
    rows, scores = brute_force_search(queries, vectors, 7)
    full = queries @ vectors.T
    for q in range(len(queries)):
        expected = sorted(range(300), key=lambda j, q=q: (-full[q, j], j))[:7]
        assert rows[q].tolist() == expected
        np.testing.assert_array_equal(scores[q], full[q, expected])
    assert rows[0, :4].tolist() == [10, 50, 120, 200]


def test_brute_force_caps_k_and_blocks_queries(monkeypatch):
    rng = np.random.default_rng(1)
    vectors, queries = unit_rows(rng, 5), unit_rows(rng, 30)
    rows, scores = brute_force_search(queries, vectors, 50)
    assert rows.shape == scores.shape == (30, 5)
    monkeypatch.setattr("slr_lib.search._SCORE_BLOCK", 12)  # blocks of 2 queries
    rows_blocked, scores_blocked = brute_force_search(queries, vectors, 50)
    np.testing.assert_array_equal(rows, rows_blocked)
    # a different block shape may take another BLAS kernel: equal up to float32 rounding
    np.testing.assert_allclose(scores, scores_blocked, rtol=1e-5, atol=1e-6)
    unchecked = brute_force_search(queries, vectors.astype(np.float64), 3, check_finite=False)
    np.testing.assert_array_equal(unchecked[0], rows[:, :3])


# -- exactness -----------------------------------------------------------------------------


@pytest.mark.parametrize("n_queries", [5, 40])  # FAISS's own loop below 20 queries, BLAS above
def test_flat_equals_brute_force(data, n_queries):
    vectors, queries = data
    queries = queries[:n_queries]
    assert_no_near_ties(queries, vectors, 10)
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, use_gpu=False)
    index.add(ids[:1500], vectors[:1500])
    index.add(ids[1500:], vectors[1500:].astype(np.float64))  # converted to float32
    assert len(index) == 2000 and index.ids == tuple(ids)
    assert_same_as_brute_force(index, queries, vectors, ids, 10)


def test_ivf_with_every_cell_probed_equals_brute_force(data):
    vectors, queries = data
    assert_no_near_ties(queries, vectors, 10)
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, kind="ivf", nlist=16, nprobe=16, use_gpu=False)
    assert not index.is_trained
    index.add(ids, vectors)  # trains on the added vectors
    assert index.is_trained
    assert_same_as_brute_force(index, queries, vectors, ids, 10)


def test_ivf_explicit_training_and_partial_probing(data):
    vectors, queries = data
    index = VideoIndex(DIM, kind="ivf", nlist=16, nprobe=64, use_gpu=False)
    assert index.nprobe == 16  # capped at nlist
    index.train(vectors)
    ids = make_ids(len(vectors))
    index.add(ids[:1000], vectors[:1000])
    index.add(ids[1000:], vectors[1000:])
    assert_same_as_brute_force(index, queries, vectors, ids, 10)
    with pytest.raises(RuntimeError, match="before adding"):
        index.train(vectors)
    index.set_nprobe(2)
    found, _ = index.search(queries, 10)
    truth, _ = brute_force_search(queries, vectors, 10)
    hits = [len(set(f) & {ids[j] for j in t}) for f, t in zip(found, truth, strict=True)]
    recall = np.mean(hits) / 10
    assert 0.2 < recall <= 1.0


def test_ivf_returns_short_lists_when_probed_cells_hold_fewer_than_k():
    vectors = unit_rows(np.random.default_rng(2), 160)
    index = VideoIndex(DIM, kind="ivf", nlist=16, nprobe=1, use_gpu=False)
    index.add(make_ids(160), vectors)
    found, scores = index.search(vectors[:3], 100)
    assert scores.shape == (3, 100)
    for row, row_scores in zip(found, scores, strict=True):
        assert 0 < len(row) < 100
        assert np.isfinite(row_scores[: len(row)]).all()
        assert np.isneginf(row_scores[len(row) :]).all()


def recall_at(index: VideoIndex, queries, vectors, ids, k: int = 10) -> float:
    found, _ = index.search(queries, k)
    truth, _ = brute_force_search(queries, vectors, k)
    hits = [len(set(f) & {ids[j] for j in t}) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) / k


def clustered(rng: np.random.Generator, n: int, centres: int = 40) -> np.ndarray:
    """Unit vectors around a few centres: structure product quantisation can learn."""
    x = unit_rows(rng, centres)[rng.integers(0, centres, n)] + 0.15 * unit_rows(rng, n)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_ivfpq_stores_codes_and_approaches_exact_search_with_more_probes():
    rng = np.random.default_rng(12)
    vectors, queries = clustered(rng, 3000), clustered(rng, 40)
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, kind="ivfpq", nlist=32, nprobe=1, pq_m=16, use_gpu=False)
    index.add(ids, vectors)
    assert index.is_trained and len(index) == 3000
    assert index.bytes_per_vector < 4 * DIM / 2  # 16 code bytes + an 8-byte id, not 128
    few = recall_at(index, queries, vectors, ids)
    index.set_nprobe(32)
    every = recall_at(index, queries, vectors, ids)
    assert every >= few and every >= 0.7


def test_reranking_ivfpq_candidates_from_scalar_codes_restores_the_order(tmp_path):
    rng = np.random.default_rng(14)
    vectors, queries = clustered(rng, 3000), clustered(rng, 40)
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, kind="ivfpq", nlist=32, nprobe=32, pq_m=4, rerank="sq8",
                       rerank_factor=1, use_gpu=False)  # fmt: skip
    index.add(ids, vectors)
    codes_only = recall_at(index, queries, vectors, ids)  # factor 1: the codes' own top 10
    index.set_rerank_factor(20)
    reranked = recall_at(index, queries, vectors, ids)
    assert reranked > codes_only and reranked >= 0.9
    assert index.bytes_per_vector > DIM  # the 8-bit coordinates are kept too
    loaded = VideoIndex.load(index.save(tmp_path / "idx"), use_gpu=False)
    assert (loaded.rerank, loaded.rerank_factor, loaded.nprobe) == ("sq8", 20, 32)
    assert loaded.search(queries, 10)[0] == index.search(queries, 10)[0]


def test_ivfpq_training_needs_256_vectors_for_its_codebooks():
    index = VideoIndex(DIM, kind="ivfpq", nlist=8, pq_m=8, use_gpu=False)
    with pytest.raises(ValueError, match="at least 256 vectors"):
        index.train(unit_rows(np.random.default_rng(13), 100))


def coarse_quantiser(index: VideoIndex) -> str:
    return type(faiss.downcast_index(index._index.quantizer)).__name__


def test_only_a_very_large_ivfpq_finds_its_cells_through_an_hnsw_graph():
    assert coarse_quantiser(VideoIndex(DIM, "ivfpq", nlist=4096, pq_m=8, use_gpu=False)) == (
        "IndexFlatIP"
    )
    assert "HNSW" in coarse_quantiser(VideoIndex(DIM, "ivfpq", nlist=65_536, pq_m=8, use_gpu=False))


def test_hnsw_needs_no_training_and_is_near_exact_with_a_long_candidate_list(data):
    vectors, queries = data
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, kind="hnsw", hnsw_m=16, ef_search=8, use_gpu=False)
    assert index.is_trained
    index.add(ids, vectors)
    short = recall_at(index, queries, vectors, ids)
    index.set_ef_search(400)
    assert recall_at(index, queries, vectors, ids) >= max(short, 0.95)
    assert index.bytes_per_vector > 4 * DIM  # full vectors plus the graph


def test_hnsw_or_reranking_on_a_gpu_is_refused():
    with pytest.raises(ValueError, match="no GPU HNSW"):
        VideoIndex(DIM, kind="hnsw", use_gpu=True)
    with pytest.raises(ValueError, match="re-ranked"):
        VideoIndex(DIM, kind="ivfpq", pq_m=8, rerank="sq8", use_gpu=True)


def test_ivf_training_needs_nlist_vectors():
    index = VideoIndex(DIM, kind="ivf", nlist=64, use_gpu=False)
    with pytest.raises(ValueError, match="at least 64 vectors"):
        index.add(make_ids(10), unit_rows(np.random.default_rng(3), 10))
    assert len(index) == 0


def test_k_larger_than_the_collection_is_capped():
    rng = np.random.default_rng(4)
    vectors = unit_rows(rng, 6)
    index = VideoIndex(DIM, use_gpu=False)
    index.add(make_ids(6), vectors)
    found, scores = index.search(unit_rows(rng, 3), 1000)
    assert scores.shape == (3, 6)
    assert all(sorted(row) == make_ids(6) for row in found)
    found, scores = index.search(np.empty((0, DIM), dtype=np.float32), 3)
    assert found == [] and scores.shape == (0, 3)


# -- persistence ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["flat", "ivf", "ivfpq", "hnsw"])
def test_save_load_round_trip(tmp_path, data, kind):
    vectors, queries = data
    ids = make_ids(len(vectors))
    index = VideoIndex(DIM, kind=kind, nlist=16, nprobe=4, use_gpu=False, pq_m=8, ef_search=20)
    index.add(ids, vectors)
    before = index.search(queries, 10)
    index.save(tmp_path / "idx")
    meta = json.loads((tmp_path / "idx" / "ids.json").read_text())
    assert meta["ids"] == ids and meta["scores"] == "inner product"
    loaded = VideoIndex.load(tmp_path / "idx", use_gpu=False)
    assert (loaded.kind, loaded.dim, loaded.nlist, loaded.nprobe) == (kind, DIM, 16, 4)
    assert (loaded.pq_m, loaded.hnsw_m, loaded.ef_search) == (8, 32, 20)
    assert len(loaded) == len(index) and loaded.ids == index.ids
    after = loaded.search(queries, 10)
    assert after[0] == before[0]
    np.testing.assert_array_equal(after[1], before[1])
    with pytest.raises(ValueError, match="already in the index"):
        loaded.add(ids[:1], vectors[:1])


def test_load_rejects_incomplete_or_inconsistent_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a saved VideoIndex"):
        VideoIndex.load(tmp_path)
    index = VideoIndex(DIM, use_gpu=False)
    index.add(make_ids(3), unit_rows(np.random.default_rng(5), 3))
    index.save(tmp_path)
    meta = json.loads((tmp_path / "ids.json").read_text())
    meta["ids"] = meta["ids"][:2]
    (tmp_path / "ids.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="2 ids"):
        VideoIndex.load(tmp_path)


# -- checks --------------------------------------------------------------------------------


def test_bad_vectors_and_ids_are_rejected_and_nothing_is_stored():
    rng = np.random.default_rng(6)
    index = VideoIndex(DIM, use_gpu=False)
    good = unit_rows(rng, 4)
    bad = good.copy()
    bad[2, 5] = np.nan
    cases = [
        (make_ids(4), bad, "row 2 holds NaN or inf"),
        (make_ids(4), np.where(bad == bad, bad, np.inf), "finite"),
        (make_ids(4), good[:, :-1], f"must have {DIM} columns"),
        (make_ids(1), good[0], "2-D"),
        (make_ids(3), good, "3 ids for 4 vectors"),
        (["a", "b", "a", "c"], good, "duplicate id 'a'"),
        (["a", "b", 3, "c"], good, "must be strings"),
        ("abcd", good, "not a single string"),
        (make_ids(4), good.astype(np.complex64), "real numbers"),
    ]
    for ids, vectors, message in cases:
        with pytest.raises(ValueError, match=message):
            index.add(ids, vectors)
    assert len(index) == 0
    index.add(make_ids(4), good)
    with pytest.raises(ValueError, match=r"already in the index: \['v00001'\]"):
        index.add(["new", "v00001"], unit_rows(rng, 2))
    assert len(index) == 4


def test_bad_queries_and_k_are_rejected():
    rng = np.random.default_rng(8)
    index = VideoIndex(DIM, use_gpu=False)
    with pytest.raises(RuntimeError, match="empty"):
        index.search(unit_rows(rng, 1), 5)
    index.add(make_ids(4), unit_rows(rng, 4))
    queries = unit_rows(rng, 2)
    queries[1, 0] = np.inf
    with pytest.raises(ValueError, match="queries must be finite"):
        index.search(queries, 2)
    with pytest.raises(ValueError, match="columns"):
        index.search(unit_rows(rng, 2, DIM + 1), 2)
    with pytest.raises(ValueError, match="2-D"):
        index.search(queries[0], 2)
    for k in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="k must be a positive integer"):
            index.search(queries[:1], k)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dim": 0}, "dim"),
        ({"kind": "lsh"}, "kind must be one of"),
        ({"kind": "ivfpq", "pq_m": 5}, "must divide dim"),
        ({"kind": "hnsw", "hnsw_m": 0}, "hnsw_m"),
        ({"kind": "hnsw", "ef_search": 0}, "ef_search"),
        ({"kind": "ivf", "rerank": "sq8"}, "rerank must be one of"),
        ({"kind": "ivfpq", "pq_m": 8, "rerank": "exact"}, "rerank must be one of"),
        ({"kind": "ivfpq", "pq_m": 8, "rerank": "sq8", "rerank_factor": 0}, "rerank_factor"),
        ({"kind": "ivf", "nlist": 0}, "nlist"),
        ({"kind": "ivf", "nprobe": -1}, "nprobe"),
    ],
)
def test_bad_construction_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        VideoIndex(**{"dim": DIM, "use_gpu": False, **kwargs})


def test_brute_force_checks_its_inputs():
    rng = np.random.default_rng(9)
    with pytest.raises(ValueError, match="non-empty 2-D"):
        brute_force_search(unit_rows(rng, 1), np.empty((0, DIM)), 3)
    with pytest.raises(ValueError, match="columns"):
        brute_force_search(unit_rows(rng, 1, DIM + 1), unit_rows(rng, 5), 3)
    with pytest.raises(ValueError, match="finite"):
        brute_force_search(np.full((1, DIM), np.nan), unit_rows(rng, 5), 3)


# -- GPU switch ----------------------------------------------------------------------------


def test_gpu_request_without_a_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(faiss, "get_num_gpus", lambda: 0, raising=False)
    with pytest.raises(RuntimeError, match=r"use_gpu=True but FAISS sees no GPU"):
        VideoIndex(DIM, use_gpu=True)
    index = VideoIndex(DIM)  # use_gpu=None: the CPU, silently
    assert not index.on_gpu
    index.add(["a"], np.ones((1, DIM)))
    assert index.search(np.ones((1, DIM)), 1)[0] == [["a"]]


def test_use_gpu_false_never_touches_the_gpu(monkeypatch):
    def no_gpu_calls(*args, **kwargs):
        raise AssertionError("index_cpu_to_gpu called")

    monkeypatch.setattr(faiss, "get_num_gpus", lambda: 1, raising=False)
    monkeypatch.setattr(faiss, "StandardGpuResources", object, raising=False)
    monkeypatch.setattr(faiss, "index_cpu_to_gpu", no_gpu_calls, raising=False)
    index = VideoIndex(DIM, use_gpu=False)
    assert not index.on_gpu
    with pytest.raises(AssertionError, match="index_cpu_to_gpu"):
        VideoIndex(DIM, use_gpu=None)  # a GPU is seen, so it is used
