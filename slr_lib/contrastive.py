"""Contrastive objectives of SEDS (Sec. 3.3): InfoNCE both ways, Pose-RGB matching, the joint loss.

InfoNCE over a batch of B matched pairs, scores (B, B) with query i's match at column i:
``L_a2b = CE(tau * S_a2b)`` over rows, ``L_b2a = CE(tau * S_b2a^T)`` over columns, and the loss is
their mean; tau is a learnable logit scale (CLIP's: initialised at 1/0.07, capped at 100), one
for all terms. The joint loss is Eq. 4 + Eq. 7:
``L = L_t-v + alpha (L_t-p + L_t-r) + beta L_p-r`` with alpha = 0.8 and beta = 0.4 (the paper's),
where v is the fused stream. A single-stream model (pose only, or RGB only as CiCo) has just its
own ``L_t-k``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from slr_lib.model.fine_grained import (
    WEIGHT_TEMPERATURE,
    fine_grained_similarity,
    pose_rgb_similarity,
)

ALPHA = 0.8
BETA = 0.4


class LogitScale(nn.Module):
    """The learnable temperature tau, stored as its logarithm and capped at `maximum`."""

    def __init__(self, initial: float = 1 / 0.07, maximum: float = 100.0) -> None:
        super().__init__()
        self.log_scale = nn.Parameter(torch.tensor(math.log(initial)))
        self.maximum = maximum

    def forward(self) -> Tensor:
        """The current scale (a scalar tensor)."""
        return self.log_scale.exp().clamp(max=self.maximum)


def info_nce(forward_scores: Tensor, backward_scores: Tensor, scale: Tensor) -> Tensor:
    """Mean of InfoNCE over the rows of `forward_scores` and the columns of `backward_scores`."""
    target = torch.arange(forward_scores.shape[0], device=forward_scores.device)
    return 0.5 * (
        F.cross_entropy(scale * forward_scores, target)
        + F.cross_entropy(scale * backward_scores.T, target)
    )


def text_video_loss(
    words: Tensor,
    word_mask: Tensor,
    clips: Tensor,
    clip_mask: Tensor,
    scale: Tensor,
    temperature: float = WEIGHT_TEMPERATURE,
) -> Tensor:
    """``L_t-k``: InfoNCE of the fine-grained M_t2k (over videos) and M_k2t (over texts)."""
    t2v, v2t = fine_grained_similarity(words, word_mask, clips, clip_mask, temperature)
    return info_nce(t2v, v2t, scale)


def pose_rgb_loss(
    pose: Tensor,
    rgb: Tensor,
    clip_mask: Tensor,
    scale: Tensor,
    temperature: float = WEIGHT_TEMPERATURE,
) -> Tensor:
    """``L_p-r``: InfoNCE of S_p2r (over RGB videos) and S_r2p (over pose videos), Eq. 5-6."""
    p2r, r2p = pose_rgb_similarity(pose, rgb, clip_mask, temperature)
    return info_nce(p2r, r2p, scale)


def seds_loss(
    streams: Mapping[str, Tensor],
    clip_mask: Tensor,
    words: Tensor,
    word_mask: Tensor,
    scale: Tensor,
    alpha: float = ALPHA,
    beta: float = BETA,
    temperature: float = WEIGHT_TEMPERATURE,
) -> dict[str, Tensor]:
    """The joint loss ("total") and its terms, from unit-norm clip features per stream.

    `streams` holds "pose", "rgb" and "fusion" for the dual-stream model, else one stream.
    Terms: "tv", "tp", "tr", "pr" (dual) or "t_<stream>" (single); L_p-r is skipped at beta 0.
    """

    def text_loss(name: str) -> Tensor:
        return text_video_loss(words, word_mask, streams[name], clip_mask, scale, temperature)

    if "fusion" not in streams:
        (name,) = streams
        term = text_loss(name)
        return {"total": term, f"t_{name}": term}
    terms = {"tv": text_loss("fusion"), "tp": text_loss("pose"), "tr": text_loss("rgb")}
    total = terms["tv"] + alpha * (terms["tp"] + terms["tr"])
    if beta:
        terms["pr"] = pose_rgb_loss(streams["pose"], streams["rgb"], clip_mask, scale, temperature)
        total = total + beta * terms["pr"]
    return {"total": total, **terms}
