"""Dense sliding-window inference (16-frame windows, stride 1): one pass against its baselines.

Run from the project root after `dvc repro` (or at least the `corpora` stage):
    python scripts/benchmark_dense.py [--corpus data/corpora/main] [--videos 20]
Prints frames per second, on the same videos with a small-profile-sized model, of the one pass
per video and of two baselines: every window cut out and run in batches of `--batch` windows
(the fair baseline: what a model that is not convolutional in time would do) and a loop of one
window at a time; and checks that all three give the same embeddings.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.sign_windows import video_features
from slr_lib.model.dense import batch_embeddings, dense_outputs, window_loop_embeddings
from slr_lib.model.padding import pad_frames
from slr_lib.model.sign_recognition import WINDOW, SignRecognizer


def batched_windows(model: SignRecognizer, frames: np.ndarray, batch: int) -> np.ndarray:
    """Every 16-frame window of `frames` cut out and embedded, `batch` windows at a time."""
    frames = pad_frames(np.asarray(frames, dtype=np.float32), WINDOW)
    windows = np.lib.stride_tricks.sliding_window_view(frames, WINDOW, axis=0)
    windows = np.moveaxis(windows, -1, 1)  # (W, 16, F)
    return np.concatenate(
        [
            batch_embeddings(model, windows[i : i + batch])[:, 0]
            for i in range(0, len(windows), batch)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="data/corpora/main")
    parser.add_argument("--videos", type=int, default=20)
    parser.add_argument("--loop-frames", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=256, help="windows per batch (baseline)")
    args = parser.parse_args()
    corpus = Corpus.load(args.corpus)
    ids = corpus.videos["video_id"].tolist()[: args.videos]
    features = video_features(corpus, ids)
    torch.manual_seed(0)
    model = SignRecognizer(92, 1000, width=128, embed_dim=256).eval()
    frames = sum(len(f) for f in features.values())
    start = time.perf_counter()
    for f in features.values():
        dense_outputs(model, f)
    dense_s = time.perf_counter() - start
    start = time.perf_counter()
    batched = {v: batched_windows(model, f, args.batch) for v, f in features.items()}
    batched_s = time.perf_counter() - start
    batched_diff = max(
        np.abs(batched[v] - dense_outputs(model, f).embeddings).max() for v, f in features.items()
    )
    sample = next(iter(features.values()))[: args.loop_frames]
    start = time.perf_counter()
    loop = window_loop_embeddings(model, sample)
    loop_s = time.perf_counter() - start
    same = np.abs(loop - dense_outputs(model, sample).embeddings).max()
    print(f"torch threads: {torch.get_num_threads()}")
    print(
        f"dense, one pass per video: {frames} frames in {dense_s:.2f} s = "
        f"{frames / dense_s:,.0f} frames/s (embeddings, class probabilities)"
    )
    print(
        f"batched windows ({args.batch} a batch): {frames} frames in {batched_s:.2f} s = "
        f"{frames / batched_s:,.0f} frames/s (embeddings only); max difference {batched_diff:.1e}"
    )
    print(
        f"loop, one window at a time: {len(sample)} frames in {loop_s:.2f} s = "
        f"{len(sample) / loop_s:,.0f} frames/s (embeddings only)"
    )
    print(
        f"speed-up of the one pass: {batched_s / dense_s:.1f}x over batched windows, "
        f"{frames / dense_s / (len(sample) / loop_s):.0f}x over the loop (max difference "
        f"{same:.1e})"
    )


if __name__ == "__main__":
    main()
