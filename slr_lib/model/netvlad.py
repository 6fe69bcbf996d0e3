"""NetVLAD pooling of a variable-length sequence of vectors (Arandjelovic et al.).

Used by the SPOT-ALIGN text encoder to aggregate word embeddings, with ghost clusters as in
Zhong et al.'s GhostVLAD and the Collaborative Experts code.

Padding: positions whose mask is False take no part anywhere. Batch norm of the assignment
logits sees only the valid positions (it runs on the packed valid rows), so in training mode its
batch statistics do not depend on how much padding a batch carries; the padded positions get a
zero assignment, so they add nothing to the residual sums. Hence one sequence gives the same
descriptor whatever padding surrounds it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from slr_lib.model.padding import check_mask


class NetVLAD(nn.Module):
    """Soft-assignment VLAD: (B, T, D) sequences with a (B, T) mask -> (B, clusters * D).

    Assignment: a bias-free linear map to ``clusters + ghost_clusters`` logits, batch norm,
    softmax over all of them; the ghost columns are then dropped, so they absorb weight without
    adding to the output. Each kept cluster k sums ``a_tk * (x_t - c_k)`` over valid positions,
    with learnt centres ``c_k``; each cluster's residual is L2-normalised (intra-normalisation),
    then the flattened (cluster-major) descriptor is L2-normalised.

    Initialisation: assignment weights and centres are drawn from N(0, 1 / D), as in the
    Collaborative Experts implementation.
    """

    def __init__(self, input_dim: int, clusters: int = 20, ghost_clusters: int = 0) -> None:
        super().__init__()
        if input_dim < 1 or clusters < 1 or ghost_clusters < 0:
            raise ValueError(
                "NetVLAD needs input_dim >= 1, clusters >= 1 and ghost_clusters >= 0, got "
                f"{input_dim}, {clusters}, {ghost_clusters}"
            )
        self.input_dim = input_dim
        self.clusters = clusters
        self.ghost_clusters = ghost_clusters
        scale = 1.0 / math.sqrt(input_dim)
        self.assignment = nn.Linear(input_dim, clusters + ghost_clusters, bias=False)
        nn.init.normal_(self.assignment.weight, std=scale)
        self.assignment_norm = nn.BatchNorm1d(clusters + ghost_clusters)
        self.centres = nn.Parameter(scale * torch.randn(clusters, input_dim))

    @property
    def output_dim(self) -> int:
        """Size of the output descriptor: clusters * input_dim (ghosts excluded)."""
        return self.clusters * self.input_dim

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """Pool (B, T, D) with a (B, T) bool mask (None: all valid) into (B, clusters * D)."""
        mask = check_mask(x, mask)
        if x.shape[2] != self.input_dim:
            raise ValueError(f"expected feature size {self.input_dim}, got {x.shape[2]}")
        # Zero the padding so that arbitrary (even non-finite) padded values cannot leak in.
        x = x.masked_fill(~mask[..., None], 0.0)
        valid_rows = x[mask]  # (N_valid, D), the packed valid positions
        logits = self.assignment_norm(self.assignment(valid_rows))
        soft = torch.softmax(logits, dim=1)[:, : self.clusters]  # drop the ghosts
        assign = x.new_zeros(*mask.shape, self.clusters)
        assign[mask] = soft  # padded positions keep a zero assignment
        # sum_t a_tk (x_t - c_k) = (A^T X)_k - (sum_t a_tk) c_k
        weighted = torch.einsum("btk,btd->bkd", assign, x)
        residuals = weighted - assign.sum(dim=1)[..., None] * self.centres
        residuals = F.normalize(residuals, dim=2)
        return F.normalize(residuals.flatten(1), dim=1)
