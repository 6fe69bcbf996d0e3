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


def mean_weights(valid: Tensor, dtype: torch.dtype) -> Tensor:
    """1 / (number of valid positions) at the positions `valid` marks along the last dimension,
    0 elsewhere: the weights of `masked_mean`."""
    weights = valid.to(dtype)
    return weights / weights.sum(dim=-1, keepdim=True).clamp(min=1.0)


def masked_mean(values: Tensor, valid: Tensor) -> Tensor:
    """Mean over the last dimension of the positions `valid` marks."""
    return (values * mean_weights(valid, values.dtype)).sum(dim=-1)


class _FineGrained(torch.autograd.Function):
    """M_t2v and M_v2t with their gradient written out, so that the (B_t, L, B_v, T) tensors are
    made a few times rather than once per autograd step (half the time of autograd's on the CPU).

    For one word's f = sum_i E_i p_i with p = softmax(E / tau) over the valid clips,
    df/dE_i = p_i (1 + (E_i - f) / tau), and likewise for a clip over the words.
    """

    @staticmethod
    def forward(ctx, words, word_mask, clips, clip_mask, temperature):  # type: ignore[override]
        n_texts, n_words, dim = words.shape
        n_videos, n_clips, _ = clips.shape
        sims = words.reshape(-1, dim) @ clips.reshape(-1, dim).T
        sims = sims.view(n_texts, n_words, n_videos, n_clips)  # E, rows of texts' words
        inverse = 1.0 / temperature
        over_clips = sims.mul(inverse).masked_fill_(~clip_mask[None, None], float("-inf"))
        over_clips = over_clips.softmax(dim=3)
        over_words = sims.mul(inverse).masked_fill_(~word_mask[:, :, None, None], float("-inf"))
        over_words = over_words.softmax(dim=1)
        per_word = torch.linalg.vecdot(sims, over_clips)  # (B_t, L, B_v)
        per_clip = (sims * over_words).sum(dim=1)  # (B_t, B_v, T)
        word_weight = mean_weights(word_mask, sims.dtype)  # (B_t, L)
        clip_weight = mean_weights(clip_mask, sims.dtype)  # (B_v, T)
        t2v = torch.einsum("blv,bl->bv", per_word, word_weight)
        v2t = torch.einsum("bvt,vt->bv", per_clip, clip_weight)
        ctx.save_for_backward(
            words, clips, sims, over_clips, over_words, per_word, per_clip, word_weight,
            clip_weight,
        )  # fmt: skip
        ctx.inverse = inverse
        return t2v, v2t

    @staticmethod
    def backward(ctx, grad_t2v, grad_v2t):  # type: ignore[override]
        words, clips, sims, over_clips, over_words, per_word, per_clip, word_weight, clip_weight = (
            ctx.saved_tensors
        )
        grad = (sims - per_word[..., None]).mul_(ctx.inverse).add_(1.0).mul_(over_clips)
        grad.mul_((grad_t2v[:, None, :] * word_weight[:, :, None])[..., None])
        by_clip = (sims - per_clip[:, None]).mul_(ctx.inverse).add_(1.0).mul_(over_words)
        grad.add_(by_clip.mul_((grad_v2t[:, :, None] * clip_weight[None])[:, None]))
        flat = grad.view(words.shape[0] * words.shape[1], -1)
        grad_words = (flat @ clips.reshape(flat.shape[1], -1)).view(words.shape)
        grad_clips = (flat.T @ words.reshape(flat.shape[0], -1)).view(clips.shape)
        return grad_words, None, grad_clips, None, None


def fine_grained_similarity(
    words: Tensor,
    word_mask: Tensor,
    clips: Tensor,
    clip_mask: Tensor,
    temperature: float = WEIGHT_TEMPERATURE,
) -> tuple[Tensor, Tensor]:
    """(M_t2v, M_v2t), each (B_text, B_video), of all pairs of a text and a video batch:
    (B_t, L, D) words with their (B_t, L) mask, (B_v, T, D) clips with their (B_v, T) mask."""
    return _FineGrained.apply(words, word_mask, clips, clip_mask, temperature)


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
