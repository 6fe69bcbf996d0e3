"""Benchmark one-shot sign spotting: challenge scoring time and spotting throughput on CPU.

Usage: .venv/bin/python scripts/benchmark_spotting.py [--videos 10000]
    [--corpus data/corpora/main] [--split test] [--gallery 20] [--window 16] [--repeats 3]

Scoring: `slr_lib.metrics.spotting_f1` on `--videos` synthetic videos (seeded: 1-3 ground-truth
segments and 1-3 predictions each, 20 classes), best of `--repeats` runs.

Spotting: the OSLWL benchmark of the corpus split (every candidate query clip), with the
stand-in embedding (`FixedClipEncoder` window statistics over `pose_frames`, stride 1): query
frames per second for frame features plus every stride-1 window's feature, then the time to
spot all queries and to run Top-K transferring (K = 5, one round), with the F1 of both.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from slr_lib.data.clip_features import FixedClipEncoder, pose_frames
from slr_lib.data.corpus import Corpus
from slr_lib.metrics import spotting_f1
from slr_lib.spotting import one_shot
from slr_lib.spotting.oslwl import build_oslwl


def best_time(run: Callable[[], object], repeats: int) -> float:
    """The fastest of `repeats` wall-clock timings of `run()`, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_tables(n_videos: int, seed: int = 0) -> tuple[dict, dict]:
    """Ground truth and noisy predictions for `n_videos` videos."""
    rng = np.random.default_rng(seed)
    truth, predictions = {}, {}
    for i in range(n_videos):
        starts = rng.integers(0, 8000, int(rng.integers(1, 4)))
        classes = rng.integers(0, 20, len(starts))
        truth[f"v{i:05d}"] = [
            [int(c), int(s), int(s + rng.integers(300, 900))]
            for c, s in zip(classes, starts, strict=True)
        ]
        shifted = starts[: int(rng.integers(1, 4))] + rng.integers(-300, 300, 1)
        predictions[f"v{i:05d}"] = [
            [int(classes[0]), int(max(0, s)), int(max(0, s) + 640)] for s in shifted
        ]
    return truth, predictions


def spotting_rows(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Throughput and F1 of the stand-in spotter on the corpus's OSLWL benchmark."""
    corpus = Corpus.load(args.corpus)
    bench = build_oslwl(corpus, args.split, args.gallery, None, seed=0)
    encoder = FixedClipEncoder(window=args.window, stride=1)
    rows = list(bench.queries.itertuples())
    poses = {q.key: bench.query_pose(corpus, q.key) for q in rows}
    n_frames = sum(len(data) for data, _ in poses.values())

    def embed_all() -> dict[str, one_shot.QueryWindows]:
        return {
            q.key: one_shot.embed_query(
                pose_frames(*poses[q.key]), q.class_id, encoder.encode, q.fps, args.window
            )
            for q in rows
        }

    seconds = best_time(embed_all, args.repeats)
    queries = embed_all()
    gallery = np.stack(
        [
            one_shot.exemplar_feature(
                pose_frames(*one_shot.trim_exemplar(*bench.exemplar_pose(corpus, c))),
                encoder.encode,
                args.window,
            )
            for c in bench.gallery["class_id"]
        ]
    )
    spot_s = best_time(lambda: one_shot.spot_queries(queries, gallery, args.window), args.repeats)
    plain = one_shot.spot_queries(queries, gallery, args.window)
    transfer_s = best_time(lambda: one_shot.top_k_transfer(queries, gallery), args.repeats)
    moved = one_shot.spot_queries(queries, one_shot.top_k_transfer(queries, gallery), args.window)
    f1 = spotting_f1(bench.ground_truth, one_shot.predictions(plain))[2]
    f1_top_k = spotting_f1(bench.ground_truth, one_shot.predictions(moved))[2]
    return [
        ("query clips / frames", f"{len(queries)} / {n_frames}"),
        ("embedding (frames + all stride-1 windows)", f"{n_frames / seconds:,.0f} frames/s"),
        ("spotting all queries (cosine + argmax)", f"{spot_s * 1000:.1f} ms"),
        ("Top-K transferring (K=5, 1 round)", f"{transfer_s * 1000:.1f} ms"),
        ("F1 stand-in / with Top-K", f"{f1:.3f} / {f1_top_k:.3f}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=Path("data/corpora/main"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--gallery", type=int, default=20)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    truth, predictions = synthetic_tables(args.videos)
    n_entries = sum(len(v) for v in truth.values()) + sum(len(v) for v in predictions.values())
    scoring = best_time(lambda: spotting_f1(truth, predictions), args.repeats)
    rows = [
        ("machine", f"{platform.processor() or platform.machine()}, numpy {np.__version__}"),
        (f"scoring {args.videos:,} videos ({n_entries:,} entries)", f"{scoring * 1000:.1f} ms"),
    ]
    if args.corpus.is_dir():
        rows += spotting_rows(args)
    else:
        rows.append(("spotting", f"skipped: no corpus at {args.corpus}"))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
