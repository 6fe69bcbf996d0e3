"""Nearest-neighbour search over video embeddings, built on FAISS.

Scores are inner products between a query and the stored vectors, highest first. For
L2-normalised embeddings, which is what the CM model produces, the inner product is the cosine
similarity, so the ranking equals the one of the similarity matrices in `slr_lib.metrics`.
Nothing here normalises vectors: pass normalised ones if you want cosine scores.

Four kinds of index:

* ``"flat"`` (`faiss.IndexFlatIP`): exhaustive, exact search, the reference for the other
  kinds; its cost grows linearly with the collection (scripts/benchmark_retrieval.py measures
  it up to a million videos). 4 x dim bytes per vector.
* ``"ivf"`` (`faiss.IndexIVFFlat` with the inner-product metric): the collection is split into
  `nlist` cells by k-means and a query visits only the `nprobe` cells closest to it. Faster on
  large collections, but approximate: with ``nprobe == nlist`` it is exact again. It needs
  training, either explicitly with `VideoIndex.train` or implicitly on the first batch passed
  to `VideoIndex.add` (which then needs at least `nlist` vectors).
* ``"ivfpq"`` (`faiss.IndexIVFPQ`): the same cells, but each vector is stored as a product
  quantisation code of `pq_m` bytes (the residual to its cell's centroid cut into `pq_m`
  sub-vectors, each replaced by the nearest of 256 learnt centroids), so a billion vectors fit
  in memory; scores are approximate even with every cell probed. Trained like "ivf" (it needs
  at least max(nlist, 256) vectors). Cells are found by exact search over the centroids, and
  through an HNSW graph over them (`faiss.IndexHNSWFlat`) only from `HNSW_COARSE_FROM` cells
  on: a typed query lies off the video manifold, where the graph misses cells (measured with
  the CM model's embeddings, 200k vectors, 4,096 cells, nprobe 16: recall@10 0.68 through the
  graph against 0.91 with 1,024 exact cells).
* ``"hnsw"`` (`faiss.IndexHNSWFlat`): a navigable small-world graph, `hnsw_m` links per vector,
  searched with a candidate list of `ef_search` (more is slower and closer to exact). No
  training; full vectors plus the graph (about 4 x dim + 8 x hnsw_m bytes per vector). FAISS has
  no GPU version of it: it stays on the CPU.

The GPU is used when FAISS sees one (`faiss.get_num_gpus() > 0`) and `use_gpu` is not False.
The faiss-gpu wheels import fine on a machine without a GPU, so the check is made before any
GPU call; `use_gpu=True` without a GPU raises a `RuntimeError` instead of falling back.

`brute_force_search` is a NumPy reference (matrix product, `argpartition`, then a sort of the
k best) with the same conventions, used by the tests and the retrieval benchmark.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

INDEX_KINDS = ("flat", "ivf", "ivfpq", "hnsw")
IVF_KINDS = ("ivf", "ivfpq")
HNSW_COARSE_FROM = 65_536  # "ivfpq" finds cells through an HNSW graph from this many cells on
PQ_CENTROIDS = 256  # 8-bit codes: every sub-quantiser learns 256 centroids
RERANKS = ("none", "sq8")
INDEX_FILE = "index.faiss"
META_FILE = "ids.json"
GPU_MAX_K = 2048  # FAISS GPU indices return at most this many neighbours per query
_FORMAT = 2
_READABLE_FORMATS = (1, 2)  # format 1 had no ivfpq/hnsw settings
_CHECK_ROWS = 65_536  # rows per block when checking vectors for NaN and inf
_SCORE_BLOCK = 2**26  # scores (4 bytes each) per block in brute_force_search: 256 MiB


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "VideoIndex needs FAISS: pip install 'slr-lib[faiss-cpu]' (or 'slr-lib[faiss-gpu]')"
        ) from err
    return faiss


def num_gpus() -> int:
    """GPUs FAISS can use: 0 with faiss-cpu, and with the GPU wheels on a machine without one."""
    get = getattr(_faiss(), "get_num_gpus", None)
    if get is None:
        return 0
    try:
        return int(get())
    except RuntimeError:  # pragma: no cover - a broken CUDA install reads as no GPU
        return 0


def _wants_gpu(use_gpu: bool | None) -> bool:
    if use_gpu is False:
        return False
    if num_gpus() > 0:
        return True
    if use_gpu:
        raise RuntimeError(
            "use_gpu=True but FAISS sees no GPU (faiss.get_num_gpus() == 0): install "
            "faiss-gpu-cu12 on a machine with a CUDA GPU, or pass use_gpu=None (GPU if there "
            "is one) or use_gpu=False"
        )
    return False


def _as_matrix(x: Any, dim: int, name: str) -> np.ndarray:
    """`x` as a C-contiguous float32 (n, dim) matrix of finite numbers, copied only if needed."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (n, {dim}) array, got shape {x.shape}")
    if x.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} columns (the index dimension), got {x.shape[1]}")
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise ValueError(f"{name} must hold real numbers, got dtype {x.dtype}")
    x = np.ascontiguousarray(x, dtype=np.float32)  # no copy when already float32 C-order
    for start in range(0, x.shape[0], _CHECK_ROWS):  # blockwise: no full-size boolean temp
        block = x[start : start + _CHECK_ROWS]
        if not np.isfinite(block).all():
            row = start + int(np.flatnonzero(~np.isfinite(block).all(axis=1))[0])
            raise ValueError(
                f"{name} must be finite: row {row} holds NaN or inf (after conversion to float32)"
            )
    return x


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class VideoIndex:
    """Inner-product search over video embeddings, keyed by string ids.

    Parameters
    ----------
    dim: length of every embedding.
    kind: "flat" (exact), "ivf", "ivfpq" or "hnsw" (approximate): see the module docstring.
    nlist: number of IVF cells (k-means centroids); "ivf" and "ivfpq".
    nprobe: cells visited per query, capped at `nlist`; "ivf" and "ivfpq". More is slower and
        closer to exact.
    pq_m: bytes per stored vector (sub-quantisers) of "ivfpq"; must divide `dim`.
    hnsw_m: graph links per vector of "hnsw".
    ef_search: candidate list length of an "hnsw" search (at least k is used).
    rerank: "none", or "sq8" to re-score "ivfpq" candidates from 8-bit scalar codes.
    rerank_factor: candidates re-scored per result wanted ("ivfpq" with a rerank).
    use_gpu: None uses a GPU when FAISS sees one, True demands one (RuntimeError without),
        False stays on the CPU.

    Scores are inner products (= cosine similarities for L2-normalised embeddings, as the CM
    model produces), returned highest first.
    """

    def __init__(
        self,
        dim: int,
        kind: str = "flat",
        nlist: int = 1024,
        nprobe: int = 16,
        use_gpu: bool | None = None,
        *,
        pq_m: int = 64,
        hnsw_m: int = 32,
        ef_search: int = 64,
        rerank: str = "none",
        rerank_factor: int = 10,
    ) -> None:
        if kind not in INDEX_KINDS:
            raise ValueError(f"kind must be one of {INDEX_KINDS}, got {kind!r}")
        self.dim = _positive_int(dim, "dim")
        self.kind = kind
        self.nlist = _positive_int(nlist, "nlist")
        self.nprobe = min(_positive_int(nprobe, "nprobe"), self.nlist)
        self.pq_m = _positive_int(pq_m, "pq_m")
        self.hnsw_m = _positive_int(hnsw_m, "hnsw_m")
        self.ef_search = _positive_int(ef_search, "ef_search")
        self.rerank_factor = _positive_int(rerank_factor, "rerank_factor")
        if rerank not in RERANKS or (rerank != "none" and kind != "ivfpq"):
            raise ValueError(f"rerank must be one of {RERANKS} ('sq8' with kind 'ivfpq' only)")
        self.rerank = rerank
        if kind == "ivfpq" and self.dim % self.pq_m:
            raise ValueError(f"pq_m={self.pq_m} must divide dim={self.dim} for kind 'ivfpq'")
        if (kind == "hnsw" or rerank != "none") and use_gpu:
            raise ValueError("FAISS has no GPU HNSW or re-ranked index: use kind='ivfpq' alone")
        self._on_gpu = kind != "hnsw" and rerank == "none" and _wants_gpu(use_gpu)
        self._gpu_resources: Any = None
        self._ids: list[str] = []
        self._id_set: set[str] = set()
        self._index = self._to_device(self._new_cpu_index())

    # -- construction ---------------------------------------------------------------------

    def _new_cpu_index(self) -> Any:
        faiss = _faiss()
        inner = faiss.METRIC_INNER_PRODUCT
        if self.kind == "flat":
            return faiss.IndexFlatIP(self.dim)
        if self.kind == "hnsw":
            index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, inner)
            index.hnsw.efSearch = self.ef_search
            return index
        if self.kind == "ivf":
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, self.nlist, inner)
        else:
            coarse = (
                faiss.IndexHNSWFlat(self.dim, 32, inner)
                if self.nlist >= HNSW_COARSE_FROM and not self._on_gpu
                else faiss.IndexFlatIP(self.dim)
            )
            index = faiss.IndexIVFPQ(coarse, self.dim, self.nlist, self.pq_m, 8, inner)
        index.nprobe = self.nprobe
        if self.rerank == "none":
            return index
        codes = faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_8bit, inner)
        refined = faiss.IndexRefine(index, codes)
        refined.k_factor = self.rerank_factor
        return refined

    def _to_device(self, cpu_index: Any) -> Any:
        if not self._on_gpu:
            return cpu_index
        faiss = _faiss()
        if self._gpu_resources is None:
            self._gpu_resources = faiss.StandardGpuResources()
        index = faiss.index_cpu_to_gpu(self._gpu_resources, 0, cpu_index)
        if self.kind in IVF_KINDS:
            index.nprobe = self.nprobe
        return index

    # -- state ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        extra = {
            "flat": "",
            "ivf": f", nlist={self.nlist}, nprobe={self.nprobe}",
            "ivfpq": f", nlist={self.nlist}, nprobe={self.nprobe}, pq_m={self.pq_m}"
            + (f", rerank={self.rerank!r} x{self.rerank_factor}" if self.rerank != "none" else ""),
            "hnsw": f", hnsw_m={self.hnsw_m}, ef_search={self.ef_search}",
        }[self.kind]
        where = "gpu" if self._on_gpu else "cpu"
        return f"VideoIndex(dim={self.dim}, kind={self.kind!r}{extra}, {where}, n={len(self)})"

    @property
    def ids(self) -> tuple[str, ...]:
        """Stored ids, in the order they were added."""
        return tuple(self._ids)

    @property
    def on_gpu(self) -> bool:
        return self._on_gpu

    @property
    def is_trained(self) -> bool:
        """Whether vectors can be added: always for "flat" and "hnsw", after training for the
        IVF kinds."""
        return bool(self._index.is_trained)

    def set_nprobe(self, nprobe: int) -> None:
        """Change the number of IVF cells visited per query (capped at `nlist`)."""
        self.nprobe = min(_positive_int(nprobe, "nprobe"), self.nlist)
        if self.kind in IVF_KINDS:
            self._ivf().nprobe = self.nprobe

    def set_rerank_factor(self, factor: int) -> None:
        """Change how many candidates per wanted result a re-ranked "ivfpq" re-scores."""
        self.rerank_factor = _positive_int(factor, "rerank_factor")
        if self.rerank != "none":
            self._index.k_factor = self.rerank_factor

    def _ivf(self) -> Any:
        """The IVF part of the index (itself, or the base of a re-ranked one)."""
        return self._index if self.rerank == "none" else _faiss().extract_index_ivf(self._index)

    def set_ef_search(self, ef_search: int) -> None:
        """Change the candidate list length of an "hnsw" search."""
        self.ef_search = _positive_int(ef_search, "ef_search")
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = self.ef_search

    @property
    def bytes_per_vector(self) -> float:
        """Memory the index holds per stored vector, measured by serialising it (CPU copy)."""
        if not len(self):
            raise RuntimeError("the index is empty: add vectors before measuring its size")
        faiss = _faiss()
        index = faiss.index_gpu_to_cpu(self._index) if self._on_gpu else self._index
        return faiss.serialize_index(index).size / len(self)

    # -- building -------------------------------------------------------------------------

    def vectors(self) -> np.ndarray:
        """The stored (n, dim) float32 vectors in the order of `ids` (a "flat" index only: the
        others keep codes, not vectors)."""
        if self.kind != "flat":
            raise ValueError(f"a {self.kind!r} index stores codes, not vectors: use kind 'flat'")
        if not len(self):
            return np.empty((0, self.dim), dtype=np.float32)
        index = _faiss().index_gpu_to_cpu(self._index) if self._on_gpu else self._index
        return np.asarray(index.reconstruct_n(0, len(self)), dtype=np.float32)

    def train(self, vectors: np.ndarray) -> None:
        """Learn the IVF cells (k-means with `nlist` centroids), and for "ivfpq" the PQ
        codebooks, from `vectors`.

        A no-op for "flat" and "hnsw". For the IVF kinds it must come before any vector is
        added, and needs at least `nlist` vectors (and 256 for "ivfpq"; FAISS advises about 40
        per cell, and subsamples above 256 per cell).
        """
        vectors = _as_matrix(vectors, self.dim, "vectors")
        if self.kind not in IVF_KINDS:
            return
        if len(self):
            raise RuntimeError("train the IVF index before adding vectors, not after")
        needed = max(self.nlist, PQ_CENTROIDS) if self.kind == "ivfpq" else self.nlist
        if vectors.shape[0] < needed:
            raise ValueError(
                f"training a {self.kind!r} index with nlist={self.nlist} needs at least "
                f"{needed} vectors, got {vectors.shape[0]}: lower nlist or use kind='flat'"
            )
        if self._index.is_trained:  # retraining an empty index: start from a fresh one
            self._index = self._to_device(self._new_cpu_index())
        self._index.train(vectors)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Store `vectors` (one row per id). Ids are strings, unique across the whole index.

        An untrained IVF index is first trained on `vectors`. Nothing is stored if a check fails.
        """
        if isinstance(ids, str):
            raise ValueError("ids must be a sequence of strings, not a single string")
        ids = list(ids)
        vectors = _as_matrix(vectors, self.dim, "vectors")
        if len(ids) != vectors.shape[0]:
            raise ValueError(f"got {len(ids)} ids for {vectors.shape[0]} vectors")
        not_str = next((i for i in ids if not isinstance(i, str)), None)
        if not_str is not None:
            raise ValueError(f"ids must be strings, got {not_str!r}")
        new = set(ids)
        if len(new) != len(ids):
            dup = next(i for i, n in Counter(ids).items() if n > 1)
            raise ValueError(f"duplicate id {dup!r} in this batch")
        clash = new & self._id_set
        if clash:
            raise ValueError(f"ids already in the index: {sorted(clash)[:5]}")
        if not ids:
            return
        if not self._index.is_trained:
            self.train(vectors)
        self._index.add(vectors)
        self._ids.extend(ids)
        self._id_set |= new

    # -- searching ------------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int) -> tuple[list[list[str]], np.ndarray]:
        """Top-`k` ids and inner-product scores for each query (row of `queries`), best first.

        `k` is capped at the number of stored vectors. Returns a list of id lists and a
        float32 (n_queries, k) score array. An IVF index whose `nprobe` cells hold fewer than
        `k` vectors returns shorter id lists, with -inf in the missing score slots. "ivfpq"
        scores are estimated from the codes; "hnsw" searches with max(ef_search, k)
        candidates.

        Search many queries per call for throughput: on the CPU, FAISS's flat search switches
        from a per-query scan to BLAS matrix products once n_queries * dim reaches
        `faiss.cvar.distance_compute_blas_threshold` (128,000 in FAISS 1.15: 250 queries of 512
        dimensions).
        """
        k = _positive_int(k, "k")
        if not len(self):
            raise RuntimeError("the index is empty: add vectors before searching")
        queries = _as_matrix(queries, self.dim, "queries")
        k = min(k, len(self))
        if self._on_gpu and k > GPU_MAX_K:
            raise ValueError(f"FAISS on the GPU returns at most k={GPU_MAX_K} neighbours")
        if queries.shape[0] == 0:
            return [], np.empty((0, k), dtype=np.float32)
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = max(self.ef_search, k)
        scores, labels = self._index.search(queries, k)
        scores = np.asarray(scores, dtype=np.float32)
        missing = labels < 0
        scores[missing] = -np.inf
        ids = self._ids
        return [[ids[j] for j in row if j >= 0] for row in labels.tolist()], scores

    # -- persistence ----------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the index to the folder `path`: index.faiss (faiss.write_index) and ids.json."""
        faiss = _faiss()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        index = faiss.index_gpu_to_cpu(self._index) if self._on_gpu else self._index
        faiss.write_index(index, str(path / INDEX_FILE))
        meta = {
            "format": _FORMAT,
            "dim": self.dim,
            "kind": self.kind,
            "nlist": self.nlist,
            "nprobe": self.nprobe,
            "pq_m": self.pq_m,
            "hnsw_m": self.hnsw_m,
            "ef_search": self.ef_search,
            "rerank": self.rerank,
            "rerank_factor": self.rerank_factor,
            "scores": "inner product",
            "ids": self._ids,
        }
        tmp = path / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(path / META_FILE)
        return path

    @classmethod
    def load(cls, path: str | Path, use_gpu: bool | None = None) -> VideoIndex:
        """Read an index written by `save` (`use_gpu` as in the constructor)."""
        faiss = _faiss()
        path = Path(path)
        for name in (INDEX_FILE, META_FILE):
            if not (path / name).is_file():
                raise FileNotFoundError(f"{path / name} is missing: not a saved VideoIndex")
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") not in _READABLE_FORMATS:
            raise ValueError(f"{path / META_FILE}: unknown format {meta.get('format')!r}")
        cpu_index = faiss.read_index(str(path / INDEX_FILE))
        ids = meta["ids"]
        if cpu_index.d != meta["dim"] or cpu_index.ntotal != len(ids):
            raise ValueError(
                f"{path}: index holds {cpu_index.ntotal} vectors of dim {cpu_index.d}, "
                f"ids.json {len(ids)} ids of dim {meta['dim']}"
            )
        if len(set(ids)) != len(ids):
            raise ValueError(f"{path / META_FILE} holds duplicate ids")
        optional = ("pq_m", "hnsw_m", "ef_search", "rerank", "rerank_factor")
        settings = {key: meta[key] for key in optional if key in meta}
        index = cls(
            meta["dim"], meta["kind"], meta["nlist"], meta["nprobe"], use_gpu=use_gpu, **settings
        )
        index._index = index._to_device(cpu_index)
        if index.kind in IVF_KINDS:
            index.set_nprobe(index.nprobe)
            index.set_rerank_factor(index.rerank_factor)
        elif index.kind == "hnsw":
            index.set_ef_search(index.ef_search)
        index._ids = list(ids)
        index._id_set = set(ids)
        return index


def brute_force_search(
    queries: np.ndarray, vectors: np.ndarray, k: int, *, check_finite: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-`k` by inner product in NumPy: (row indices, scores), each (n_queries, k).

    Scores are float32 inner products, highest first; equal scores are ordered by row index.
    `k` is capped at the number of vectors. The score matrix is computed in blocks of queries
    (about 256 MiB each), then `argpartition` picks the k best of each row and only those are
    sorted. `check_finite=False` skips the NaN/inf scan of `vectors` (a full pass over them,
    as costly as the search itself for a single query) when they are known to be clean.
    """
    k = _positive_int(k, "k")
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] == 0:
        raise ValueError(f"vectors must be a non-empty 2-D (n, dim) array, got {vectors.shape}")
    dim = vectors.shape[1]
    if check_finite:
        vectors = _as_matrix(vectors, dim, "vectors")
    else:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = _as_matrix(queries, dim, "queries")
    n = vectors.shape[0]
    k = min(k, n)
    nq = queries.shape[0]
    indices = np.empty((nq, k), dtype=np.int64)
    scores = np.empty((nq, k), dtype=np.float32)
    step = max(1, _SCORE_BLOCK // n)
    for start in range(0, nq, step):
        rows = slice(start, start + step)
        block = queries[rows] @ vectors.T
        if k < n:
            top = np.argpartition(block, n - k, axis=1)[:, n - k :]
        else:
            top = np.broadcast_to(np.arange(n), block.shape)
        top = np.sort(top, axis=1)  # by index first, so the stable sort breaks ties by index
        top_scores = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(top, order, axis=1)
        scores[rows] = np.take_along_axis(top_scores, order, axis=1)
    return indices, scores
