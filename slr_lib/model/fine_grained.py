"""CiCo's fine-grained clip-word similarity (SEDS Sec. 3.3) and Pose-RGB clip matching (Eq. 5-6).

Text-video: for a caption's word features w_j (L of them) and a video's clip features c_i (T), the
similarity matrix is ``E(i, j) = c_i . w_j`` (unit-norm features expected: cosines). Each word
weights the clips by a softmax down its column, each clip the words by a softmax along its row:

- text-to-video: ``M_t2v = mean_j sum_i E(i, j) softmax_i(E(., j) / tau)``;
- video-to-text: ``M_v2t = mean_i sum_j E(i, j) softmax_j(E(i, .) / tau)``.

tau = 0.07 sharpens the weighting, as the public CiCo and SEDS code do (the paper writes the
softmax without it). Padded clips and words take no part: not in the softmaxes, not in the means.
Both are computed for all text-video pairs of a batch at once, as (B_text, B_video) matrices
whose rows are texts.

Pose-RGB (Eq. 5-6): for pose video m and RGB video n, ``V(i, j) = p_i . r_j`` over their clips.
Each pose clip weights the RGB clips by a softmax along its row (pose-to-RGB), each RGB clip the
pose clips down its column (RGB-to-pose), and only the diagonal, clip i against the same clip i,
is kept: ``S_p2r(m, n) = mean_i V(i, i) softmax_j(V(i, .) / tau)_i``, and likewise S_r2p with the
column softmax. Readings: the weighting is applied once (Eq. 5 as printed applies a second
softmax to the already weighted matrix; the public code does not), and the diagonal is averaged
over the clips valid in both videos rather than summed, so that S lies in [-1, 1] like M and the
two objectives share one temperature whatever the videos' lengths.
"""

from __future__ import annotations

import torch
from torch import Tensor

#: Softmax temperature of the clip and word weighting.
WEIGHT_TEMPERATURE = 0.07


def masked_softmax(scores: Tensor, valid: Tensor, dim: int, temperature: float) -> Tensor:
    """Softmax of ``scores / temperature`` along `dim` over the positions `valid` marks.

    Invalid positions get weight 0; `valid` broadcasts against `scores`.
    """
    return (scores / temperature).masked_fill(~valid, float("-inf")).softmax(dim=dim)


def masked_mean(values: Tensor, valid: Tensor) -> Tensor:
    """Mean over the last dimension of the positions `valid` marks."""
    valid = valid.to(values.dtype)
    return (values * valid).sum(dim=-1) / valid.sum(dim=-1).clamp(min=1.0)


def clip_word_similarity(words: Tensor, clips: Tensor) -> Tensor:
    """E for every text-video pair: (B_t, L, D) words and (B_v, T, D) clips -> (B_t, B_v, T, L)."""
    return torch.einsum("bld,vtd->bvtl", words, clips)


def fine_grained_similarity(
    words: Tensor,
    word_mask: Tensor,
    clips: Tensor,
    clip_mask: Tensor,
    temperature: float = WEIGHT_TEMPERATURE,
) -> tuple[Tensor, Tensor]:
    """(M_t2v, M_v2t), each (B_text, B_video), of all pairs of a text and a video batch."""
    sims = clip_word_similarity(words, clips)
    clip_valid = clip_mask[None, :, :, None]
    word_valid = word_mask[:, None, None, :]
    per_word = (sims * masked_softmax(sims, clip_valid, dim=2, temperature=temperature)).sum(2)
    per_clip = (sims * masked_softmax(sims, word_valid, dim=3, temperature=temperature)).sum(3)
    t2v = masked_mean(per_word, word_mask[:, None, :])
    v2t = masked_mean(per_clip, clip_mask[None, :, :])
    return t2v, v2t


def pose_rgb_similarity(
    pose: Tensor, rgb: Tensor, clip_mask: Tensor, temperature: float = WEIGHT_TEMPERATURE
) -> tuple[Tensor, Tensor]:
    """(S_p2r, S_r2p), each (B_pose, B_rgb), of the same videos' (B, T, D) pose and RGB clips."""
    sims = torch.einsum("mid,njd->mnij", pose, rgb)
    to_rgb = masked_softmax(sims, clip_mask[None, :, None, :], dim=3, temperature=temperature)
    to_pose = masked_softmax(sims, clip_mask[:, None, :, None], dim=2, temperature=temperature)
    diagonal = sims.diagonal(dim1=2, dim2=3)
    both = clip_mask[:, None, :] & clip_mask[None, :, :]
    p2r = masked_mean(diagonal * to_rgb.diagonal(dim1=2, dim2=3), both)
    r2p = masked_mean(diagonal * to_pose.diagonal(dim1=2, dim2=3), both)
    return p2r, r2p
