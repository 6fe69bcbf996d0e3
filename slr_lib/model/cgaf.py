"""Cross Gloss Attention Fusion (CGAF, SEDS Sec. 3.2, Eq. 2-3) and its two-stream scaffold.

Gloss attention (Eq. 2): a query at clip t of one stream attends to N points of the other
stream, at the fixed reference positions t - (N-1)//2, ..., t + N//2 shifted by N offsets learnt
from the query (``O = W_o q``). Positions wrap round modulo the video's own number of clips (the
paper's ``% T``, with T the valid length so padded clips are never read), keys and values there
are linearly interpolated between the two neighbouring clips (circularly), and the softmax runs
over the N samples only. Readings where the paper is silent, taken from the public SEDS/GASLT
code: several heads, each with its own offsets; scores scaled by 1/sqrt(head size); the offset
projection starts at zero, so training starts from attention over the fixed neighbourhood; N = 5
in the first layer and 3 in the second.

A layer is pre-norm: ``h = x + Attn(LN(x), LN(other))``, ``out = h + FFN(LN(h))``. Two layers
run for both directions side by side (pose queries RGB, RGB queries pose, each from the previous
layer's outputs), then the streams are layer-normalised and merged by Eq. 3:
``f_v = MLP([f_p, f_r]) + f_p + f_r``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

#: Sampling points per query in the two CGAF layers.
DEFAULT_POINTS = (5, 3)


def feed_forward(dim: int, dropout: float) -> nn.Sequential:
    """The position-wise feed-forward block of a transformer layer (4x expansion, GELU)."""
    return nn.Sequential(
        nn.Linear(dim, 4 * dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(4 * dim, dim)
    )


def mlp(in_dim: int, out_dim: int) -> nn.Sequential:
    """A two-layer perceptron with a GELU, hidden size `in_dim`."""
    return nn.Sequential(nn.Linear(in_dim, in_dim), nn.GELU(), nn.Linear(in_dim, out_dim))


def _gather_clips(values: Tensor, index: Tensor) -> Tensor:
    """values (B, H, T, d) at integer clip indices (B, H, Tq, N) -> (B, H, Tq, N, d)."""
    batch, heads, n_queries, n_points = index.shape
    flat = index.reshape(batch, heads, n_queries * n_points, 1).expand(-1, -1, -1, values.shape[-1])
    return values.gather(2, flat).reshape(batch, heads, n_queries, n_points, -1)


def interpolate_clips(values: Tensor, positions: Tensor, lengths: Tensor) -> Tensor:
    """values (B, H, T, d) linearly interpolated at positions in [0, length) (B, H, Tq, N).

    Between the last valid clip and the first the interpolation wraps round, as the positions do.
    """
    length = lengths.long().reshape(-1, 1, 1, 1)
    low = positions.floor()
    weight = (positions - low).unsqueeze(-1)
    low_index = low.long() % length
    high_index = (low_index + 1) % length
    low_values, high_values = _gather_clips(values, low_index), _gather_clips(values, high_index)
    return (1 - weight) * low_values + weight * high_values


class GlossAttention(nn.Module):
    """Eq. 2: (B, T, D) queries attend to N interpolated points of a (B, T, D) context."""

    def __init__(self, dim: int, heads: int, points: int) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} is not a multiple of heads {heads}")
        self.heads, self.points, self.head_dim = heads, points, dim // heads
        self.query, self.key, self.value = (nn.Linear(dim, dim) for _ in range(3))
        self.offsets = nn.Linear(dim, heads * points)
        nn.init.zeros_(self.offsets.weight)
        nn.init.zeros_(self.offsets.bias)
        self.out = nn.Linear(dim, dim)
        self.register_buffer("reference", torch.arange(points) - (points - 1) // 2)

    def _split(self, x: Tensor) -> Tensor:
        batch, length, _ = x.shape
        return x.reshape(batch, length, self.heads, self.head_dim).transpose(1, 2)

    def positions(self, q: Tensor, lengths: Tensor) -> Tensor:
        """Sampling positions (B, H, T, N): reference plus learnt offsets, modulo the length."""
        batch, n_queries, _ = q.shape
        offsets = self.offsets(q).reshape(batch, n_queries, self.heads, self.points)
        centre = torch.arange(n_queries, device=q.device, dtype=q.dtype)
        reference = centre[:, None] + self.reference.to(q.dtype)[None, :]
        raw = reference[None, :, None, :] + offsets  # (B, T, H, N)
        return torch.remainder(raw, lengths.reshape(-1, 1, 1, 1)).transpose(1, 2)

    def forward(self, query: Tensor, context: Tensor, mask: Tensor) -> Tensor:
        """Attend from each query clip to its sampled context clips; `mask` (B, T) marks valid."""
        lengths = mask.sum(dim=1).to(query.dtype)
        q = self.query(query)
        where = self.positions(q, lengths)
        keys = interpolate_clips(self._split(self.key(context)), where, lengths)
        values = interpolate_clips(self._split(self.value(context)), where, lengths)
        scores = (self._split(q).unsqueeze(-2) * keys).sum(-1) * self.head_dim**-0.5
        attended = (scores.softmax(dim=-1).unsqueeze(-1) * values).sum(dim=-2)
        batch, _, n_queries, _ = attended.shape
        return self.out(attended.transpose(1, 2).reshape(batch, n_queries, -1))


class CrossStreamLayer(nn.Module):
    """Pre-norm layer: one stream attends to the other, then a feed-forward block."""

    def __init__(self, dim: int, attention: nn.Module, dropout: float) -> None:
        super().__init__()
        self.norm_query, self.norm_context, self.norm_ff = (nn.LayerNorm(dim) for _ in range(3))
        self.attention = attention
        self.dropout = nn.Dropout(dropout)
        self.ff = feed_forward(dim, dropout)

    def forward(self, x: Tensor, context: Tensor, mask: Tensor) -> Tensor:
        """Update the (B, T, D) stream `x` from `context`; `mask` (B, T) marks valid clips."""
        attended = self.attention(self.norm_query(x), self.norm_context(context), mask)
        h = x + self.dropout(attended)
        return h + self.dropout(self.ff(self.norm_ff(h)))


class TwoStreamFusion(nn.Module):
    """Cross-stream layers in both directions, then Eq. 3: ``MLP([p, r]) + p + r``."""

    def __init__(
        self, dim: int, attention: Callable[[int], nn.Module], n_layers: int, dropout: float
    ) -> None:
        """`attention(layer)` builds the attention module of one layer (called per direction)."""
        super().__init__()
        self.pose_layers = nn.ModuleList(
            CrossStreamLayer(dim, attention(i), dropout) for i in range(n_layers)
        )
        self.rgb_layers = nn.ModuleList(
            CrossStreamLayer(dim, attention(i), dropout) for i in range(n_layers)
        )
        self.norm_pose, self.norm_rgb = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.mlp = mlp(2 * dim, dim)

    def streams(self, pose: Tensor, rgb: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """The aggregated streams (f^p hat, f^r hat) of the first stage."""
        for pose_layer, rgb_layer in zip(self.pose_layers, self.rgb_layers, strict=True):
            pose, rgb = pose_layer(pose, rgb, mask), rgb_layer(rgb, pose, mask)
        return self.norm_pose(pose), self.norm_rgb(rgb)

    def forward(self, pose: Tensor, rgb: Tensor, mask: Tensor) -> Tensor:
        """Fused (B, T, D) clip features of two (B, T, D) streams with a (B, T) valid mask."""
        pose, rgb = self.streams(pose, rgb, mask)
        return self.mlp(torch.cat([pose, rgb], dim=-1)) + pose + rgb


class CrossGlossAttentionFusion(TwoStreamFusion):
    """CGAF: two layers of gloss attention per direction, then Eq. 3."""

    def __init__(
        self,
        dim: int,
        heads: int = 8,
        points: Sequence[int] = DEFAULT_POINTS,
        dropout: float = 0.1,
    ) -> None:
        super().__init__(dim, lambda i: GlossAttention(dim, heads, points[i]), len(points), dropout)
