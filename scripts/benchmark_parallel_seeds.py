"""Seeds side by side: two CM training seeds one after the other, then in two processes.

Run from the project root after `dvc repro spot_align`:
    .venv/bin/python scripts/benchmark_parallel_seeds.py [--seeds 0 1]
Every stage runs on one thread and `dvc repro` runs stages one at a time, so on a 2-core machine
half of it idles. This measures what training the seeds of one configuration in parallel
processes (one thread each, forked after the data are loaded) would save, and checks that each
seed's trained weights are identical to the sequential run's: `train_crossmodal` seeds
everything it draws from at its start, so a seed does not depend on the ones trained before it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

os.environ["OMP_NUM_THREADS"] = "1"  # as every stage runs (ONE_THREAD), set before torch loads

import torch  # noqa: E402

from slr_lib.experiments import spotalign_fusion  # noqa: E402
from slr_lib.experiments.crossmodal_setup import load_pairs, train_config  # noqa: E402
from slr_lib.trainer.crossmodal import train_crossmodal  # noqa: E402

_LOADED: dict = {}  # the pairs and settings, loaded once before forking


def train(seed: int) -> dict[str, torch.Tensor]:
    """The selected weights of one seed."""
    torch.set_num_threads(1)
    pairs, settings = _LOADED["pairs"], _LOADED["settings"]
    result = train_crossmodal(
        pairs.splits["train"], pairs.splits["val"], replace(settings, seed=seed)
    )
    return {k: v.clone() for k, v in result.model.state_dict().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    config = spotalign_fusion.Config.resolve(None, "small")
    _LOADED["pairs"] = load_pairs(config, config.embedding)
    _LOADED["settings"] = train_config(config)
    start = time.perf_counter()
    sequential = [train(seed) for seed in args.seeds]
    sequential_s = time.perf_counter() - start
    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(args.seeds), mp_context=context) as pool:
        parallel = list(pool.map(train, args.seeds))
    parallel_s = time.perf_counter() - start
    identical = all(
        torch.equal(a[name], b[name])
        for a, b in zip(sequential, parallel, strict=True)
        for name in a
    )
    print(
        f"{len(args.seeds)} CM seeds (spotalign_fusion, small): one after the other "
        f"{sequential_s:.1f} s, in {len(args.seeds)} processes {parallel_s:.1f} s "
        f"({sequential_s / parallel_s:.2f}x); weights identical: {identical}"
    )


if __name__ == "__main__":
    main()
