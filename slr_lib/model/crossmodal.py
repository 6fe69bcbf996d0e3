"""The cross-modal (CM) embedding of SPOT-ALIGN (main paper Sec. 3.2, supplement Sec. B.4).

Text: word embeddings -> NetVLAD -> Gated Embedding Unit -> C dimensions. Video: per-clip sign
video embeddings -> temporal average or max pooling -> Gated Embedding Unit -> C dimensions.
Both embeddings are unit-norm, so their dot products are cosine similarities. C = 512 in the
paper.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from slr_lib.model.gated import GatedEmbeddingUnit
from slr_lib.model.netvlad import NetVLAD
from slr_lib.model.padding import check_mask

POOLING_MODES = ("avg", "max")


def temporal_pool(x: Tensor, mask: Tensor | None, mode: str) -> Tensor:
    """Masked average or max over time: (B, T, D) with a (B, T) mask -> (B, D).

    Padded positions (mask False) are excluded: the average divides by the number of valid
    positions, the maximum is taken over valid positions only.
    """
    if mode not in POOLING_MODES:
        raise ValueError(f"unknown pooling {mode!r}; allowed: {', '.join(POOLING_MODES)}")
    mask = check_mask(x, mask)
    valid = mask[..., None]
    if mode == "avg":
        total = x.masked_fill(~valid, 0.0).sum(dim=1)
        return total / mask.sum(dim=1, keepdim=True).to(x.dtype)
    return x.masked_fill(~valid, float("-inf")).amax(dim=1)


class SentenceEncoder(nn.Module):
    """Sentence embedding phi_T: (B, T, word_dim) words with a mask -> unit-norm (B, out_dim)."""

    def __init__(
        self, word_dim: int, clusters: int = 20, ghost_clusters: int = 0, out_dim: int = 512
    ) -> None:
        super().__init__()
        self.pool = NetVLAD(word_dim, clusters=clusters, ghost_clusters=ghost_clusters)
        self.project = GatedEmbeddingUnit(self.pool.output_dim, out_dim)

    def forward(self, words: Tensor, mask: Tensor | None = None) -> Tensor:
        """Embed a padded batch of word-embedding sequences."""
        return self.project(self.pool(words, mask))


class VideoEncoder(nn.Module):
    """Video embedding phi_v: (B, T, feature_dim) clips with a mask -> unit-norm (B, out_dim).

    The per-clip sign video embeddings are pooled over time ("avg" or "max", padding excluded),
    then projected by a Gated Embedding Unit.
    """

    def __init__(self, feature_dim: int, pooling: str = "avg", out_dim: int = 512) -> None:
        super().__init__()
        if pooling not in POOLING_MODES:
            raise ValueError(f"unknown pooling {pooling!r}; allowed: {', '.join(POOLING_MODES)}")
        self.pooling = pooling
        self.project = GatedEmbeddingUnit(feature_dim, out_dim)

    def forward(self, clips: Tensor, mask: Tensor | None = None) -> Tensor:
        """Embed a padded batch of clip-feature sequences."""
        return self.project(temporal_pool(clips, mask, self.pooling))


class CrossModalModel(nn.Module):
    """Text and video encoders into one C-dimensional space, compared by cosine similarity."""

    def __init__(
        self,
        word_dim: int,
        feature_dim: int,
        pooling: str = "avg",
        clusters: int = 20,
        ghost_clusters: int = 0,
        out_dim: int = 512,
    ) -> None:
        super().__init__()
        self.text_encoder = SentenceEncoder(word_dim, clusters, ghost_clusters, out_dim)
        self.video_encoder = VideoEncoder(feature_dim, pooling, out_dim)
        self.out_dim = out_dim

    def encode_text(self, words: Tensor, word_mask: Tensor | None = None) -> Tensor:
        """Unit-norm (B, C) text embeddings."""
        return self.text_encoder(words, word_mask)

    def encode_video(self, clips: Tensor, clip_mask: Tensor | None = None) -> Tensor:
        """Unit-norm (B, C) video embeddings."""
        return self.video_encoder(clips, clip_mask)

    def forward(
        self,
        words: Tensor,
        word_mask: Tensor | None,
        clips: Tensor,
        clip_mask: Tensor | None,
    ) -> Tensor:
        """Cosine similarities (B_text, B_video): rows are texts, columns videos."""
        return similarity(self.encode_text(words, word_mask), self.encode_video(clips, clip_mask))


def similarity(text: Tensor, video: Tensor) -> Tensor:
    """(B_text, B_video) dot products of unit-norm embeddings, i.e. cosine similarities."""
    return torch.matmul(text, video.T)
