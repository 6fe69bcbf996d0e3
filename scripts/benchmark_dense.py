"""Dense sliding-window inference (16-frame windows, stride 1): one pass against a window loop.

Run from the project root after `dvc repro` (or at least the `corpora` stage):
    python scripts/benchmark_dense.py [--corpus data/corpora/main] [--videos 20]
Prints frames per second of both on the same videos with a small-profile-sized model, and
checks that both give the same embeddings.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.sign_windows import video_features
from slr_lib.model.dense import dense_outputs, window_loop_embeddings
from slr_lib.model.sign_recognition import SignRecognizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="data/corpora/main")
    parser.add_argument("--videos", type=int, default=20)
    parser.add_argument("--loop-frames", type=int, default=2000)
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
        f"loop, one window at a time: {len(sample)} frames in {loop_s:.2f} s = "
        f"{len(sample) / loop_s:,.0f} frames/s (embeddings only)"
    )
    print(f"speed-up {frames / dense_s / (len(sample) / loop_s):.0f}x; max difference {same:.1e}")


if __name__ == "__main__":
    main()
