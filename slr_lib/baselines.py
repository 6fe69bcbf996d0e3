"""Baselines that need no training: the chance-level reference for every retrieval table."""

from __future__ import annotations

import numpy as np


def random_unit_embeddings(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """`n` embeddings drawn uniformly on the unit sphere of dimension `dim`."""
    if n < 1 or dim < 1:
        raise ValueError(f"need n >= 1 and dim >= 1, got n={n}, dim={dim}")
    vectors = rng.standard_normal((n, dim))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def random_embedding_similarities(n_queries: int, n_videos: int, dim: int, seed: int) -> np.ndarray:
    """Cosine similarities between independent random text and video embeddings."""
    rng = np.random.default_rng(seed)
    text = random_unit_embeddings(n_queries, dim, rng)
    video = random_unit_embeddings(n_videos, dim, rng)
    return text @ video.T
