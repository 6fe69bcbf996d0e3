"""SEDS and CiCo training throughput (text-video pairs per second) and peak memory.

Run from the project root after `dvc repro` (or at least the `corpus` and `features` stages):
    python scripts/benchmark_seds.py [--size small] [--max-clips 16] [--batch 64] [--steps 5]
        [--device cpu|cuda] [--finetune-text]
For each model (SEDS with CGAF, CiCo = the RGB stream alone, pose only) it times `--steps`
training steps on random train batches after one warm-up step (`slr_lib.trainer.seds.
measure_throughput`), with the frozen MiniLM text encoder's per-caption cache warmed over the
split first (as in the chapters) unless `--finetune-text`. On a GPU use `--size full
--max-clips 64 --batch 128 --finetune-text` for the paper's model size.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from slr_lib.data.clip_features import read_meta
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data_loader.seds import build_seds_splits
from slr_lib.model.seds import SEDSConfig
from slr_lib.trainer.seds import SEDSTrainConfig, measure_throughput
from slr_lib.trainer.seds_study import (
    CICO_VARIANT,
    POSE_VARIANT,
    SEDS_VARIANT,
    MiniLMText,
    build_variant,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="data/corpora/main")
    parser.add_argument("--features", default="data/features/rgb_signs")
    parser.add_argument("--size", default="small", choices=("tiny", "small", "full"))
    parser.add_argument("--max-clips", type=int, default=16)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--device", default=None)
    parser.add_argument("--finetune-text", action="store_true")
    args = parser.parse_args()
    corpus = Corpus.load(args.corpus)
    rgb = read_ce_features(f"{args.features}/main_videos.pkl")
    train = build_seds_splits(
        corpus, rgb, read_meta(args.features), max_clips=args.max_clips, splits=("train",)
    )["train"]
    base = SEDSConfig.of_size(args.size, rgb_dim=train.rgb_dim, max_clips=args.max_clips)
    text = MiniLMText(finetune=args.finetune_text, device=args.device or "cpu")
    if not args.finetune_text:
        start = time.perf_counter()
        text.fill_cache(train.texts)
        print(f"text cache: {len(train)} captions in {time.perf_counter() - start:.1f} s")
    config = SEDSTrainConfig(batch_size=args.batch)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {len(train)} pairs")
    for variant in (SEDS_VARIANT, CICO_VARIANT, POSE_VARIANT):
        model = build_variant(variant, base, text)
        stats = measure_throughput(model, train, config, steps=args.steps, device=args.device)
        print(json.dumps({"model": variant.name, "size": args.size, **stats}))


if __name__ == "__main__":
    main()
