"""Benchmark retrieval: the vectorised metrics against a sort-every-row reference, and top-k
search over stored embeddings (FAISS flat and IVF against NumPy brute force).

Usage: .venv/bin/python scripts/benchmark_retrieval.py [--metrics-size 20000]
    [--sizes 100000 1000000] [--queries 1000] [--skip-million] [--skip-metrics] [--skip-search]

Metrics: `slr_lib.metrics.t2v_metrics` and `v2t_metrics` on a random (seeded) n x n float32
similarity matrix, timed against a straightforward implementation run in the same process on
the same matrix: argsort every row (every column for v2t), find the ground truth's position,
average tied positions. Both must give identical ranks (asserted, and also on a small matrix
full of ties with several captions per video). Target: the vectorised version >= 5x faster;
below that the script says so and prints a profile. It is also compared with issue 17's
yardstick, one NumPy comparison pass over the matrix against the queries' targets (along rows
for t2v, columns for v2t; the boolean matrix, nothing counted): target within 2x.

Search: queries per second for top-k over n stored L2-normalised float32 embeddings, FAISS flat
(`VideoIndex`) and NumPy brute force (`brute_force_search`: matrix product + argpartition) in
the same run, then IVF on the largest size (training time, adding time, qps and recall@k
against the exact flat result for several nprobe). Embeddings are random: isotropic Gaussian
(the worst case for IVF, no cluster structure) or, with `--data clustered`, noisy copies of
random centres. 1M x 512 float32 is 2 GB; the vectors are generated in place and the flat
index is freed before the IVF one is built (peak about 4.5 GB).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import time
from collections.abc import Callable, Sequence

import numpy as np

from slr_lib import metrics
from slr_lib.search import VideoIndex, brute_force_search, num_gpus

ROWS: list[tuple[str, str, str, str]] = []
TARGET_SPEEDUP = 5.0
TARGET_OVER_ONE_PASS = 2.0  # issue 17: within 2x of one comparison pass over the matrix


def report(what: str, value: float, unit: str, note: str = "") -> None:
    """Print one measured figure at once and keep it for the summary table."""
    text = f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    ROWS.append((what, text, unit, note))
    print(f"  {text:>10} {unit:<6} {what}" + (f"  [{note}]" if note else ""), flush=True)


def timed(fn: Callable, *args, repeats: int = 1, **kwargs):
    """(result of the last call, best wall time in seconds over `repeats` calls)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


# -- metrics -------------------------------------------------------------------------------


def _tied_position(sorted_desc: np.ndarray, target: float) -> float:
    """Mean 0-based position of the entries equal to `target` in a descending array."""
    return float(np.flatnonzero(sorted_desc == target).mean())


def naive_t2v_ranks(sims: np.ndarray, caption_video: np.ndarray) -> np.ndarray:
    """Sort every row, find the ground-truth video's (average tied) position."""
    ranks = np.empty(sims.shape[0])
    for i, row in enumerate(sims):
        sorted_desc = row[np.argsort(-row, kind="stable")]
        ranks[i] = _tied_position(sorted_desc, row[caption_video[i]])
    return ranks


def naive_v2t_ranks(sims: np.ndarray, caption_video: np.ndarray) -> np.ndarray:
    """Sort every column (one contiguous transpose first, so the sorts read contiguous memory),
    find each caption's position in its video's column, keep each video's best caption."""
    columns = np.ascontiguousarray(sims.T)
    captions_of = [[] for _ in range(sims.shape[1])]
    for caption, video in enumerate(caption_video):
        captions_of[video].append(caption)
    ranks = np.empty(sims.shape[1])
    for video, column in enumerate(columns):
        sorted_desc = column[np.argsort(-column, kind="stable")]
        ranks[video] = min(_tied_position(sorted_desc, column[c]) for c in captions_of[video])
    return ranks


def naive_metrics(ranks_fn: Callable, sims: np.ndarray, caption_video: np.ndarray):
    """(ranks, metrics) of the straightforward implementation."""
    ranks = ranks_fn(sims, caption_video)
    return ranks, metrics.rank_metrics(ranks)


def check_ties(seed: int) -> None:
    """Vectorised and naive ranks agree on a tie-heavy matrix with 3 captions per video."""
    rng = np.random.default_rng(seed)
    caption_video = rng.permutation(np.repeat(np.arange(500), 3))
    sims = np.round(rng.standard_normal((1500, 500)), 1).astype(np.float32)  # many ties
    np.testing.assert_array_equal(
        metrics.t2v_ranks(sims, caption_video), naive_t2v_ranks(sims, caption_video)
    )
    np.testing.assert_array_equal(
        metrics.v2t_ranks(sims, caption_video), naive_v2t_ranks(sims, caption_video)
    )


def one_pass(sims: np.ndarray, direction: str) -> np.ndarray:
    """The issue's yardstick: one NumPy comparison of every score with its query's target (the
    whole boolean matrix, nothing counted), the targets along rows (t2v) or columns (v2t)."""
    target = np.diagonal(sims)
    return sims > (target[:, None] if direction == "t2v" else target[None, :])


def profile(fn: Callable, *args) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(fn, *args)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(8)
    return out.getvalue()


def bench_metrics(n: int, seed: int, repeats: int, force_profile: bool) -> None:
    print(f"\n== Metrics: {n:,} x {n:,} float32 similarity matrix, standard normal, seed {seed}")
    check_ties(seed)
    report("ranks identical on a 1500 x 500 tie-heavy matrix, 3 captions/video", 1, "check")
    sims = np.random.default_rng(seed).standard_normal((n, n), dtype=np.float32)
    sims[np.diag_indices(n)] += 1.0  # some signal, so the metrics are not all at chance
    caption_video = np.arange(n)
    below_target = []
    for direction, fast, fast_ranks, naive_ranks in (
        ("t2v", metrics.t2v_metrics, metrics.t2v_ranks, naive_t2v_ranks),
        ("v2t", metrics.v2t_metrics, metrics.v2t_ranks, naive_v2t_ranks),
    ):
        fast_result, fast_s = timed(fast, sims, repeats=repeats)
        (reference, naive), naive_s = timed(naive_metrics, naive_ranks, sims, caption_video)
        np.testing.assert_array_equal(fast_ranks(sims), reference)
        assert fast_result == naive, (fast_result, naive)
        speedup = naive_s / fast_s
        report(f"{direction}_metrics, slr_lib (vectorised)", fast_s, "s", f"best of {repeats}")
        report(f"{direction} reference: argsort every row, average tied positions", naive_s, "s")
        met = "met" if speedup >= TARGET_SPEEDUP else "NOT MET"
        report(f"{direction} speed-up, ranks asserted identical", speedup, "x",
               f"target >= {TARGET_SPEEDUP:g}x: {met}")  # fmt: skip
        if speedup < TARGET_SPEEDUP:
            below_target.append(direction)
        _, pass_s = timed(one_pass, sims, direction, repeats=repeats)
        over = fast_s / pass_s
        report(f"{direction} yardstick: one comparison pass over the matrix", pass_s, "s")
        report(f"{direction}_metrics over one comparison pass", over, "x",
               f"target <= {TARGET_OVER_ONE_PASS:g}x: "
               f"{'met' if over <= TARGET_OVER_ONE_PASS else 'NOT MET'}")  # fmt: skip
    print(f"  (R@1 t2v {fast_result['R1']:.2f}%, MedR {fast_result['MedR']:.1f} on this matrix)")
    for direction in below_target or (["t2v", "v2t"] if force_profile else []):
        fn = metrics.t2v_metrics if direction == "t2v" else metrics.v2t_metrics
        print(f"\n  Profile of {direction}_metrics (top functions by own time):")
        print("\n".join("    " + line for line in profile(fn, sims).splitlines()[:30]))
    del sims
    gc.collect()


# -- search --------------------------------------------------------------------------------


def unit_embeddings(
    n: int, dim: int, rng: np.random.Generator, centres: np.ndarray | None, noise: float = 0.7
) -> np.ndarray:
    """n L2-normalised float32 rows, generated and normalised in place, block by block."""
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 65_536):
        block = out[start : start + 65_536]
        rng.standard_normal(block.shape, dtype=np.float32, out=block)
        if centres is not None:  # noise of norm ~`noise` around a unit centre
            block *= np.float32(noise / np.sqrt(dim))
            block += centres[rng.integers(len(centres), size=len(block))]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
    return out


def index_top(index: VideoIndex, k: int) -> Callable:
    return lambda q: index.search(q, k)[0]


def numpy_top(vectors: np.ndarray, k: int) -> Callable:
    return lambda q: brute_force_search(q, vectors, k, check_finite=False)[0]


def describe(args: argparse.Namespace) -> str:
    if args.data == "gaussian":
        return "isotropic Gaussian, normalised"
    return f"{args.centres:,} random unit centres + noise of norm {args.noise:g}, normalised"


def batched(fn: Callable, queries: np.ndarray, batch: int) -> list:
    return [fn(queries[s : s + batch]) for s in range(0, len(queries), batch)]


def latency_ms(fn: Callable, queries: np.ndarray, n: int) -> float:
    """Median wall time in milliseconds of `fn` on single queries (the first `n`)."""
    times = []
    for i in range(min(n, len(queries))):
        start = time.perf_counter()
        fn(queries[i : i + 1])
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def recall_at_k(found: Sequence[Sequence[int]], truth: np.ndarray) -> float:
    k = truth.shape[1]
    return float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth, strict=True)]))


def rows_of(ids: list[list[str]]) -> list[list[int]]:
    return [[int(i[1:]) for i in row] for row in ids]  # ids are f"v{row}"


def bench_search(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed)
    dim, k, nq, batch, reps = args.dim, args.k, args.queries, args.batch, args.search_repeats
    centres = None
    if args.data == "clustered":
        centres = unit_embeddings(args.centres, dim, rng, None)
    queries = unit_embeddings(nq, dim, rng, centres, args.noise)
    sizes = sorted(s for s in args.sizes if not (args.skip_million and s >= 1_000_000))
    ivf_size = max(sizes) if args.ivf else None
    for n in sizes:
        print(f"\n== Search: top-{k} of {nq:,} queries (batches of {batch}) over {n:,} x {dim} "
              f"unit float32 embeddings ({describe(args)})")  # fmt: skip
        vectors, gen_s = timed(unit_embeddings, n, dim, rng, centres, args.noise)
        print(f"  (generated in {gen_s:.1f} s, {vectors.nbytes / 2**30:.2f} GiB)")
        ids = [f"v{i}" for i in range(n)]
        flat = VideoIndex(dim, "flat", use_gpu=args.use_gpu)
        _, add_s = timed(flat.add, ids, vectors)
        report(f"flat: add {n:,} vectors (incl. checks)", add_s, "s", repr(flat))
        flat.search(queries[:batch], k)  # warm-up
        found, flat_s = timed(batched, index_top(flat, k), queries, batch, repeats=reps)
        flat_rows = rows_of([row for part in found for row in part])
        report(
            f"flat qps, n={n:,}",
            nq / flat_s,
            "q/s",
            f"best of {reps}: {flat_s:.2f} s for {nq:,} queries",
        )
        flat_ms = latency_ms(index_top(flat, k), queries, args.latency)
        report(f"flat latency of 1 query, n={n:,}", flat_ms, "ms", f"median of {args.latency}")
        del flat
        gc.collect()

        numpy_top(vectors, k)(queries[:batch])  # warm-up
        parts, np_s = timed(batched, numpy_top(vectors, k), queries, batch, repeats=reps)
        np_rows = np.concatenate(parts)
        report(f"NumPy brute force qps, n={n:,}", nq / np_s, "q/s",
               f"best of {reps}: {np_s:.2f} s; matmul + argpartition + sort of k")  # fmt: skip
        np_ms = latency_ms(numpy_top(vectors, k), queries, args.latency)
        report(f"NumPy latency of 1 query, n={n:,}", np_ms, "ms", f"median of {args.latency}")
        report(f"FAISS flat / NumPy speed-up, n={n:,}", np_s / flat_s, "x",
               f"batches of {batch}; {np_ms / flat_ms:.2g}x for single queries")  # fmt: skip
        same = np.mean([list(f) == list(t) for f, t in zip(flat_rows, np_rows, strict=True)])
        report(f"flat vs NumPy: recall@{k}", 100 * recall_at_k(flat_rows, np_rows), "%",
               f"{100 * same:.1f}% of queries in identical order")  # fmt: skip
        if n == ivf_size:
            bench_ivf(args, ids, vectors, queries, np_rows)
        del vectors, ids
        gc.collect()


def bench_ivf(args, ids, vectors, queries, truth) -> None:
    n, k, nq, batch = len(ids), args.k, len(queries), args.batch
    print(f"\n== IVF (IndexIVFFlat, inner product): nlist={args.nlist}, n={n:,}")
    ivf = VideoIndex(args.dim, "ivf", nlist=args.nlist, nprobe=1, use_gpu=args.use_gpu)
    _, train_s = timed(ivf.train, vectors)
    report(f"IVF train (k-means, {args.nlist} cells, FAISS samples <= {256 * args.nlist:,})",
           train_s, "s")  # fmt: skip
    _, add_s = timed(ivf.add, ids, vectors)
    report(f"IVF add {n:,} vectors (assign to cells)", add_s, "s")
    for nprobe in args.nprobe:
        ivf.set_nprobe(nprobe)
        ivf.search(queries[:batch], k)  # warm-up
        found, ivf_s = timed(
            batched, index_top(ivf, k), queries, batch, repeats=args.search_repeats
        )
        ivf_rows = rows_of([row for part in found for row in part])
        report(
            f"IVF qps, nprobe={ivf.nprobe}",
            nq / ivf_s,
            "q/s",
            f"best of {args.search_repeats}: {ivf_s:.2f} s",
        )
        report(
            f"IVF recall@{k} vs exact, nprobe={ivf.nprobe}", 100 * recall_at_k(ivf_rows, truth), "%"
        )
        ms = latency_ms(index_top(ivf, k), queries, args.latency)
        report(
            f"IVF latency of 1 query, nprobe={ivf.nprobe}", ms, "ms", f"median of {args.latency}"
        )


# -- driver --------------------------------------------------------------------------------


def environment() -> str:
    import faiss

    threads = f"faiss OpenMP threads {faiss.omp_get_max_threads()}"
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()]
        threads += f", BLAS threads: {', '.join(blas)}"
    except ImportError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {load}; "
        f"numpy {np.__version__}, faiss {faiss.__version__}, GPUs seen by FAISS {num_gpus()}; "
        f"{threads}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics-size", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the vectorised metrics")
    parser.add_argument("--profile", action="store_true", help="profile the metrics anyway")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip-million", action="store_true", help="drop sizes >= 1,000,000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000, help="queries per search call")
    parser.add_argument("--search-repeats", type=int, default=2, help="best of, for the qps")
    parser.add_argument("--latency", type=int, default=20, help="single queries timed")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--data", choices=["gaussian", "clustered"], default="gaussian")
    parser.add_argument("--centres", type=int, default=4096, help="for --data clustered")
    parser.add_argument("--noise", type=float, default=0.7, help="for --data clustered")
    parser.add_argument("--nlist", type=int, default=1024)
    parser.add_argument("--nprobe", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument("--no-ivf", dest="ivf", action="store_false")
    parser.add_argument("--cpu", dest="use_gpu", action="store_const", const=False,
                        default=None, help="FAISS on the CPU even if it sees a GPU")  # fmt: skip
    parser.add_argument("--skip-metrics", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(environment())
    start = time.perf_counter()
    if not args.skip_metrics:
        bench_metrics(args.metrics_size, args.seed, args.repeats, args.profile)
    if not args.skip_search:
        bench_search(args)
    print(f"\n== Summary (total {time.perf_counter() - start:.0f} s)")
    width = max(len(r[0]) for r in ROWS) if ROWS else 0
    print(f"{'measured':<{width}}  {'value':>10}  {'unit':<5}  note")
    for what, value, unit, note in ROWS:
        print(f"{what:<{width}}  {value:>10}  {unit:<5}  {note}")


if __name__ == "__main__":
    main()
