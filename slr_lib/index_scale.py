"""Searching millions of videos: synthetic collections shaped like the CM model's embeddings,
exact ground truth in chunks, recall, and a deployment plan from measured per-vector costs.

SPOT-ALIGN's introduction argues for retrieval by embeddings because an index of billions of
videos can be searched approximately in milliseconds. The simulated corpus has a few thousand
test videos, so `scripts/benchmark_index.py` measures `slr_lib.search.VideoIndex` on larger
collections drawn from the trained model's own test embeddings by one rule, fixed before any
measurement (`EmbeddingSampler`):

    x = normalise(e + NOISE * C^(1/2) z),   e a real embedding drawn uniformly, z ~ N(0, I)

where C is the covariance of the real embeddings. The noise follows the real embeddings'
anisotropy (isotropic noise in 512 dimensions has no cluster structure and is the worst case
of every cell-based index), and its scale, half the real spread, keeps the copies of one video
apart from each other as well as from other videos. Queries are drawn the same way from the
model's test text embeddings: a cross-modal query lies off the video manifold, as a typed
sentence does.

`deployment_plan` turns measured costs into a 100M or 1B plan: memory from the measured bytes
per vector, hosts from the memory, latency from a line fitted to the measured latency against
the codes a query scans, plus the scan of the centroids beyond those measured. It assumes that
recall at a given number of probed cells stays as measured when each shard keeps the measured
vectors per cell: an assumption, said where the plan is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from slr_lib.search import brute_force_search

NOISE = 0.5
"""Scale of the noise around each real embedding, in units of the real spread (fixed first)."""


def _normalised(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class EmbeddingSampler:
    """Noisy copies of real embeddings with the real set's covariance (see the module doc)."""

    def __init__(self, real: np.ndarray, noise: float = NOISE) -> None:
        real = np.asarray(real, dtype=np.float64)
        if real.ndim != 2 or real.shape[0] < 2:
            raise ValueError(f"real embeddings must be (n >= 2, dim), got {real.shape}")
        if not np.isfinite(real).all():
            raise ValueError("real embeddings must be finite")
        if noise < 0:
            raise ValueError(f"noise must be >= 0, got {noise}")
        self.real = real.astype(np.float32)
        self.noise = noise
        centred = real - real.mean(axis=0)
        _, spread, axes = np.linalg.svd(centred, full_matrices=False)
        # z @ root has covariance C: root = diag(s / sqrt(n - 1)) V^T
        self._root = (spread[:, None] / math.sqrt(len(real) - 1) * axes).astype(np.float32)

    @property
    def dim(self) -> int:
        return self.real.shape[1]

    def draw(self, n: int, seed: int) -> np.ndarray:
        """`n` unit vectors (float32), the same for the same `seed`."""
        rng = np.random.default_rng(seed)
        centres = self.real[rng.integers(0, len(self.real), n)]
        z = rng.standard_normal((n, self._root.shape[0]), dtype=np.float32)
        return _normalised(centres + self.noise * (z @ self._root))

    def chunks(self, n: int, chunk: int, seed: int) -> Iterable[np.ndarray]:
        """`n` vectors in chunks of at most `chunk` rows, chunk i drawn with seed (seed, i)."""
        for i, start in enumerate(range(0, n, chunk)):
            yield self.draw(min(chunk, n - start), seed * 1_000_003 + i)


class RunningTopK:
    """The exact top-`k` by inner product over a collection seen in consecutive chunks (never
    held whole): row numbers and scores per query, best first, ties to the lower row."""

    def __init__(self, queries: np.ndarray, k: int) -> None:
        self.queries = np.ascontiguousarray(queries, dtype=np.float32)
        self.k = k
        self.seen = 0
        self.rows = np.empty((len(self.queries), 0), dtype=np.int64)
        self.scores = np.empty((len(self.queries), 0), dtype=np.float32)

    def update(self, block: np.ndarray) -> None:
        """Take the next `block` of rows into account."""
        rows, scores = brute_force_search(self.queries, block, self.k, check_finite=False)
        all_rows = np.concatenate([self.rows, rows + self.seen], axis=1)
        all_scores = np.concatenate([self.scores, scores], axis=1)
        order = np.lexsort((all_rows, -all_scores), axis=1)[:, : self.k]
        self.rows = np.take_along_axis(all_rows, order, axis=1)
        self.scores = np.take_along_axis(all_scores, order, axis=1)
        self.seen += len(block)


def exact_top_k(queries: np.ndarray, chunks: Iterable[np.ndarray], k: int) -> np.ndarray:
    """Row numbers (n_queries, k) of the exact top-`k` over a collection given in chunks."""
    top = RunningTopK(queries, k)
    for block in chunks:
        top.update(block)
    if not top.seen:
        raise ValueError("the collection is empty")
    return top.rows


def recall_at_k(found: Sequence[Sequence[int]], truth: np.ndarray) -> float:
    """Mean share of each query's exact top-k (rows of `truth`) among its found ids."""
    truth = np.asarray(truth)
    if len(found) != len(truth):
        raise ValueError(f"{len(found)} result lists for {len(truth)} queries")
    k = truth.shape[1]
    return float(
        np.mean([len(set(f) & set(t.tolist())) / k for f, t in zip(found, truth, strict=True)])
    )


@dataclass(frozen=True)
class LatencyModel:
    """Latency of one query = `fixed_ms` + `ms_per_million_codes` x codes scanned / 1e6."""

    fixed_ms: float
    ms_per_million_codes: float

    @classmethod
    def fit(cls, codes_scanned: Sequence[float], latency_ms: Sequence[float]) -> LatencyModel:
        """Least-squares line through measured (codes scanned, ms per query) points."""
        x = np.asarray(codes_scanned, dtype=float) / 1e6
        y = np.asarray(latency_ms, dtype=float)
        if len(x) < 2 or np.ptp(x) == 0:
            raise ValueError("fitting a latency line needs two different scan sizes")
        slope, intercept = np.polyfit(x, y, 1)
        return cls(max(float(intercept), 0.0), float(slope))

    def ms(self, codes_scanned: float) -> float:
        return self.fixed_ms + self.ms_per_million_codes * codes_scanned / 1e6


@dataclass(frozen=True)
class Plan:
    """One collection size served by IVF-PQ shards."""

    vectors: int
    memory_gib: float
    hosts: int
    vectors_per_host: int
    cells_per_host: int
    latency_ms: float  # one query, every host scanning its shard at once


@dataclass(frozen=True)
class CoarseCost:
    """The exact search over the cells' centroids: `ms_per_centroid` (a flat scan's measured
    cost per vector), already inside the latency line at `measured_cells`."""

    ms_per_centroid: float
    measured_cells: int


def deployment_plan(
    vectors: int,
    bytes_per_vector: float,
    vectors_per_cell: float,
    nprobe: int,
    latency: LatencyModel,
    coarse: CoarseCost,
    host_memory_gib: float = 64.0,
    usable_share: float = 0.75,
) -> Plan:
    """Shards of an IVF-PQ index of `vectors` on hosts of `host_memory_gib` (using
    `usable_share` of it), each keeping the measured `vectors_per_cell` and probing `nprobe`
    cells per query, all hosts in parallel. A host with more cells than were measured also
    pays for scanning its extra centroids."""
    if vectors < 1 or bytes_per_vector <= 0 or vectors_per_cell <= 0 or nprobe < 1:
        raise ValueError("vectors, bytes per vector, vectors per cell and nprobe must be > 0")
    if not 0 < usable_share <= 1 or host_memory_gib <= 0:
        raise ValueError("host memory must be > 0 and its usable share in (0, 1]")
    memory = vectors * bytes_per_vector
    per_host_bytes = host_memory_gib * usable_share * 2**30
    hosts = max(1, math.ceil(memory / per_host_bytes))
    per_host = math.ceil(vectors / hosts)
    cells = max(1, round(per_host / vectors_per_cell))
    scanned = nprobe * per_host / cells
    extra_cells = max(0, cells - coarse.measured_cells)
    ms = latency.ms(scanned) + coarse.ms_per_centroid * extra_cells
    return Plan(vectors, memory / 2**30, hosts, per_host, cells, ms)
