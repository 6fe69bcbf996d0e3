"""Context gating and the Gated Embedding Unit (Miech et al., as used by Collaborative Experts).

SPOT-ALIGN projects both pooled text and pooled video into the joint space with a GEU.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _check_features(x: Tensor, dim: int) -> None:
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"expected a (B, {dim}) batch, got shape {tuple(x.shape)}")


class ContextGating(nn.Module):
    """Feature-wise gate ``x * sigmoid(BN(W x + b))`` on (B, dim) inputs; shape unchanged."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.linear = nn.Linear(dim, dim)
        self.norm = nn.BatchNorm1d(dim)

    def forward(self, x: Tensor) -> Tensor:
        """Gate each feature of the (B, dim) batch by a sigmoid of a batch-normed linear map."""
        _check_features(x, self.dim)
        return x * torch.sigmoid(self.norm(self.linear(x)))


class GatedEmbeddingUnit(nn.Module):
    """Linear projection, context gating, then L2 normalisation: (B, input_dim) -> (B, output_dim).

    Batch norm inside the gate needs more than one row per batch in training mode.
    """

    def __init__(self, input_dim: int, output_dim: int) -> None:
        super().__init__()
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.linear = nn.Linear(input_dim, output_dim)
        self.gating = ContextGating(output_dim)

    def forward(self, x: Tensor) -> Tensor:
        """Unit-norm (B, output_dim) embeddings of a (B, input_dim) batch."""
        _check_features(x, self.input_dim)
        return F.normalize(self.gating(self.linear(x)), dim=1)
