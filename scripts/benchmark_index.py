"""Searching a million (and ten million) videos: FAISS flat, IVF-PQ and HNSW through
`slr_lib.search.VideoIndex`, on collections drawn from the trained CM model's test embeddings.

Run from the project root after `dvc repro spot_align` (it trains one CM model, seed 0, with
the `spotalign_fusion` section's settings, and caches its test embeddings in logs/):
    .venv/bin/python scripts/benchmark_index.py [--sizes 1000000 10000000] [--queries 1000]
It writes book/scale/benchmark.json, then the page book/scale.md and its figure
(`python -m slr_lib.scale_page` redraws them from the JSON alone). At the largest size only
IVF-PQ is built: a flat 10M x 512 float32 index (20 GB) does not fit beside the rest; its
vectors are drawn chunk by chunk, added, and folded into the exact top-10 as they come.

For each index: build seconds (training, adding), bytes per vector (the serialised index over
its vectors), and for each search setting (nprobe, efSearch) the median milliseconds of one
query searched alone, queries per second when all are searched in one call, and recall@10
against exact search. FAISS uses every core (2 here); one query at a time is what `slr-search`
does.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import torch

from slr_lib.data_loader.retrieval import batches
from slr_lib.experiments import spotalign_fusion
from slr_lib.experiments.crossmodal_setup import load_pairs, train_config
from slr_lib.index_scale import EmbeddingSampler, RunningTopK, exact_top_k, recall_at_k
from slr_lib.model.padding import pad_sequences
from slr_lib.scale_page import BENCHMARK_FILE, write_page
from slr_lib.search import VideoIndex, num_gpus
from slr_lib.trainer.crossmodal import encode_videos, train_crossmodal

CACHE = Path("logs/cm_test_embeddings.npz")
K = 10
CHUNK = 500_000
NPROBES = (1, 2, 4, 8, 16, 32, 64, 128)
EF_SEARCHES = (16, 32, 64, 128, 256)
SINGLE_QUERIES = 200  # queries timed one at a time (fewer for flat: each scans everything)
PQ_M = 64  # 64 bytes per vector (8 dimensions per sub-quantiser)
NLIST = 4096
TRAIN_PER_CELL = 30  # training vectors per IVF cell (FAISS advises 39 or more; k-means is slow)
RERANKS = (1, 10, 50)  # candidates re-scored from the 8-bit codes per result (1: the codes' own)
HNSW_M = 32


def real_embeddings() -> tuple[np.ndarray, np.ndarray, dict]:
    """The trained CM model's test video and test text embeddings (cached)."""
    if CACHE.is_file():
        with np.load(CACHE) as saved:
            return saved["videos"], saved["texts"], json.loads(str(saved["meta"]))
    config = spotalign_fusion.Config.resolve(None, "small")
    pairs = load_pairs(config, config.embedding)
    train, val, test = (pairs.splits[s] for s in ("train", "val", "test"))
    model = train_crossmodal(train, val, replace(train_config(config), seed=0)).model
    videos = encode_videos(model, test)
    with torch.no_grad():
        texts = torch.cat(
            [model.encode_text(*pad_sequences([test.words[i] for i in index]))
             for index in batches(len(test), 256)]
        ).numpy()  # fmt: skip
    meta = {"embedding": config.embedding, "test_videos": len(test), "epochs": config.epochs}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, videos=videos, texts=texts, meta=json.dumps(meta))
    return videos, texts, meta


def timed_searches(index: VideoIndex, queries: np.ndarray, truth: np.ndarray, n_single: int):
    """Median ms of one query alone, queries per second in one call, recall@K."""
    single = []
    for q in queries[:n_single]:
        start = time.perf_counter()
        index.search(q[None], K)
        single.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    found, _ = index.search(queries, K)
    batch_s = time.perf_counter() - start
    rows = [[int(i) for i in f] for f in found]
    return {
        "ms_per_query": float(np.median(single)),
        "qps_batch": len(queries) / batch_s,
        "recall_at_10": recall_at_k(rows, truth),
    }


def build(index: VideoIndex, train: np.ndarray | None, chunks) -> dict:
    """Train (when the kind needs it) and add the chunks; seconds and bytes per vector."""
    start = time.perf_counter()
    if train is not None:
        index.train(train)
    trained = time.perf_counter()
    for block in chunks:
        index.add([str(len(index) + i) for i in range(len(block))], block)
    added = time.perf_counter()
    return {"train_s": trained - start, "add_s": added - trained,
            "bytes_per_vector": index.bytes_per_vector}  # fmt: skip


def ivfpq_entries(index: VideoIndex, built: dict, queries, truth, size: int) -> list[dict]:
    """The nprobe sweep with the codes' own top 10 (factor 1) and re-ranked."""
    entries = []
    for factor in RERANKS:
        index.set_rerank_factor(factor)
        sweep = []
        for nprobe in NPROBES:
            index.set_nprobe(nprobe)
            point = timed_searches(index, queries, truth, SINGLE_QUERIES)
            codes = nprobe * size / index.nlist
            sweep.append({"nprobe": nprobe, "codes_scanned": codes, **point})
            print(f"    ivfpq x{factor} nprobe {nprobe}: {point}", flush=True)
        entries.append({"kind": "ivfpq", "nlist": index.nlist, "pq_m": index.pq_m,
                        "rerank_factor": factor, **built, "sweep": sweep})  # fmt: skip
    return entries


def new_ivfpq(dim: int) -> VideoIndex:
    return VideoIndex(dim, "ivfpq", nlist=NLIST, pq_m=PQ_M, rerank="sq8", use_gpu=False)


def measure_size(sampler: EmbeddingSampler, queries: np.ndarray, size: int, in_memory: bool):
    """Every index kind at one collection size (IVF-PQ only when not `in_memory`)."""
    print(f"== {size:,} vectors", flush=True)
    train = sampler.draw(TRAIN_PER_CELL * NLIST, seed=7)
    if not in_memory:
        top = RunningTopK(queries, K)
        index = new_ivfpq(sampler.dim)

        def chunks():
            for block in sampler.chunks(size, CHUNK, seed=size):
                top.update(block)
                yield block

        built = build(index, train, chunks())
        print(f"  ivfpq built: {built}", flush=True)
        return {"vectors": size, "indexes": ivfpq_entries(index, built, queries, top.rows, size)}
    base = np.concatenate(list(sampler.chunks(size, CHUNK, seed=size)))
    truth = exact_top_k(queries, [base], K)
    flat = VideoIndex(sampler.dim, "flat", use_gpu=None)
    built = build(flat, None, [base])
    point = timed_searches(flat, queries, truth, 20)
    print(f"  flat: {built} {point}", flush=True)
    entries = [{"kind": "flat", **built, "sweep": [point]}]
    del flat
    gc.collect()
    index = new_ivfpq(sampler.dim)
    built = build(index, train, [base])
    print(f"  ivfpq built: {built}", flush=True)
    entries += ivfpq_entries(index, built, queries, truth, size)
    del index
    gc.collect()
    hnsw = VideoIndex(sampler.dim, "hnsw", hnsw_m=HNSW_M)
    built = build(hnsw, None, [base[i : i + CHUNK] for i in range(0, size, CHUNK)])
    print(f"  hnsw built: {built}", flush=True)
    sweep = []
    for ef in EF_SEARCHES:
        hnsw.set_ef_search(ef)
        point = timed_searches(hnsw, queries, truth, SINGLE_QUERIES)
        sweep.append({"ef_search": ef, **point})
        print(f"    hnsw ef {ef}: {point}", flush=True)
    entries.append({"kind": "hnsw", "hnsw_m": HNSW_M, **built, "sweep": sweep})
    return {"vectors": size, "indexes": entries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--in-memory-up-to", type=int, default=2_000_000,
                        help="sizes above this build IVF-PQ only, from chunks")  # fmt: skip
    args = parser.parse_args()
    videos, texts, meta = real_embeddings()
    sampler = EmbeddingSampler(videos)
    queries = EmbeddingSampler(texts).draw(args.queries, seed=1)
    sizes = [
        measure_size(sampler, queries, n, in_memory=n <= args.in_memory_up_to) for n in args.sizes
    ]
    results = {
        "machine": {
            "cpu_cores": os.cpu_count(),
            "platform": platform.platform(),
            "faiss": faiss.__version__,
            "faiss_threads": faiss.omp_get_max_threads(),
            "gpus": num_gpus(),
        },  # fmt: skip
        "source": {**meta, "dim": sampler.dim, "noise": sampler.noise},
        "queries": args.queries,
        "k": K,
        "sizes": sizes,
    }
    BENCHMARK_FILE.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARK_FILE.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {BENCHMARK_FILE}; page: {write_page()}")


if __name__ == "__main__":
    main()
