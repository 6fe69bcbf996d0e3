"""The pose-RGB fusion modules of the SEDS ablation (Table 5), built by name.

Every module maps pose and RGB clip features (B, T, D) with a (B, T) valid mask to fused (B, T, D):

- ``add_mlp``: ``MLP(p + r)``;
- ``concat_mlp``: ``MLP([p, r])``;
- ``concat_transformer``: the two sequences, each with a learnt modality embedding, concatenated
  along time into 2T tokens, a shallow (2-layer) transformer over them, then the two halves added
  position by position;
- ``cross_attention``: CGAF's two-stage structure with ordinary (global) multi-head cross
  attention in place of gloss attention, so the two differ only in where they look;
- ``cgaf``: Cross Gloss Attention Fusion (`slr_lib.model.cgaf`).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from slr_lib.model.cgaf import DEFAULT_POINTS, CrossGlossAttentionFusion, TwoStreamFusion, mlp

FUSIONS = ("add_mlp", "concat_mlp", "concat_transformer", "cross_attention", "cgaf")


class AddMLP(nn.Module):
    """``MLP(p + r)``."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.mlp = mlp(dim, dim)

    def forward(self, pose: Tensor, rgb: Tensor, mask: Tensor) -> Tensor:
        """Fused clip features; the mask is not needed (position-wise)."""
        return self.mlp(pose + rgb)


class ConcatMLP(nn.Module):
    """``MLP([p, r])``."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.mlp = mlp(2 * dim, dim)

    def forward(self, pose: Tensor, rgb: Tensor, mask: Tensor) -> Tensor:
        """Fused clip features; the mask is not needed (position-wise)."""
        return self.mlp(torch.cat([pose, rgb], dim=-1))


class ConcatTransformer(nn.Module):
    """A shallow transformer over the 2T concatenated clips; the halves are then added."""

    def __init__(self, dim: int, heads: int, layers: int = 2, dropout: float = 0.1) -> None:
        super().__init__()
        self.modality = nn.Parameter(torch.zeros(2, dim))
        nn.init.normal_(self.modality, std=0.02)
        layer = nn.TransformerEncoderLayer(
            dim, heads, 4 * dim, dropout, activation="gelu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, pose: Tensor, rgb: Tensor, mask: Tensor) -> Tensor:
        """Fused clip features; padded clips are never attended to."""
        tokens = torch.cat([pose + self.modality[0], rgb + self.modality[1]], dim=1)
        padding = ~torch.cat([mask, mask], dim=1)
        out = self.encoder(tokens, src_key_padding_mask=padding)
        n_clips = pose.shape[1]
        return out[:, :n_clips] + out[:, n_clips:]


class GlobalCrossAttention(nn.Module):
    """Multi-head attention from every query clip to all valid clips of the other stream."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, query: Tensor, context: Tensor, mask: Tensor) -> Tensor:
        """(B, T, D) attended context for each query clip."""
        out, _ = self.attention(query, context, context, key_padding_mask=~mask, need_weights=False)
        return out


class CrossAttentionFusion(TwoStreamFusion):
    """CGAF's structure with global cross attention (the Cross-Atten row of Table 5)."""

    def __init__(self, dim: int, heads: int = 8, layers: int = 2, dropout: float = 0.1) -> None:
        super().__init__(dim, lambda _: GlobalCrossAttention(dim, heads), layers, dropout)


def build_fusion(name: str, dim: int, heads: int = 8, dropout: float = 0.1) -> nn.Module:
    """The fusion module called `name` (one of FUSIONS) for width `dim`."""
    builders = {
        "add_mlp": lambda: AddMLP(dim),
        "concat_mlp": lambda: ConcatMLP(dim),
        "concat_transformer": lambda: ConcatTransformer(dim, heads, dropout=dropout),
        "cross_attention": lambda: CrossAttentionFusion(
            dim, heads, len(DEFAULT_POINTS), dropout=dropout
        ),
        "cgaf": lambda: CrossGlossAttentionFusion(dim, heads, DEFAULT_POINTS, dropout),
    }
    if name not in builders:
        raise ValueError(f"unknown fusion {name!r}; allowed: {', '.join(FUSIONS)}")
    return builders[name]()
