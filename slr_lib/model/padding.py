"""Padding helpers for variable-length sequences (words of a sentence, clips of a video).

A batch of sequences is a float tensor (B, T_max, D) plus a boolean mask (B, T_max) that is
True at real positions and False at padding. Encoders never read padded values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor


def pad_sequences(
    arrays: Sequence[np.ndarray | Tensor], device: torch.device | str | None = None
) -> tuple[Tensor, Tensor]:
    """Stack (T_i, D) sequences into a zero-padded float32 (B, T_max, D) batch and its mask.

    The batch lives on ``device``; by default on the device of the first tensor given, else the
    CPU. A zero-length sequence gives an all-False mask row (the encoders reject it).
    """
    if len(arrays) == 0:
        raise ValueError("pad_sequences needs at least one sequence")
    tensors = [torch.as_tensor(a) for a in arrays]
    if device is None:
        device = tensors[0].device
    for index, tensor in enumerate(tensors):
        if tensor.ndim != 2:
            raise ValueError(
                f"sequence {index} must be 2-D (T, D), got shape {tuple(tensor.shape)}"
            )
    dims = {tensor.shape[1] for tensor in tensors}
    if len(dims) != 1:
        raise ValueError(f"all sequences must share their feature size D, got {sorted(dims)}")
    lengths = [tensor.shape[0] for tensor in tensors]
    batch = torch.zeros(len(tensors), max(lengths), dims.pop(), dtype=torch.float32, device=device)
    mask = torch.zeros(len(tensors), max(lengths), dtype=torch.bool, device=device)
    for index, (tensor, length) in enumerate(zip(tensors, lengths, strict=True)):
        batch[index, :length] = tensor.to(device=device, dtype=torch.float32)
        mask[index, :length] = True
    return batch, mask


def check_mask(x: Tensor, mask: Tensor | None) -> Tensor:
    """The boolean (B, T) mask of a (B, T, D) batch, all True when ``mask`` is None.

    Raises ValueError on a shape mismatch or on a sequence with no valid position.
    """
    if x.ndim != 3:
        raise ValueError(f"expected a (B, T, D) batch, got shape {tuple(x.shape)}")
    if mask is None:
        return torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
    if mask.shape != x.shape[:2]:
        raise ValueError(
            f"mask shape {tuple(mask.shape)} does not match the batch's (B, T) = "
            f"{tuple(x.shape[:2])}"
        )
    mask = mask.to(device=x.device, dtype=torch.bool)
    empty = ~mask.any(dim=1)
    if bool(empty.any()):
        rows = torch.nonzero(empty).flatten().tolist()
        raise ValueError(f"sequences {rows} have no valid position; give at least one token")
    return mask


def pad_frames(frames: np.ndarray, length: int) -> np.ndarray:
    """Frames (T, F) padded to at least `length` by repeating the last frame (zeros if empty)."""
    if len(frames) >= length:
        return frames
    if len(frames) == 0:
        return np.zeros((length, frames.shape[1]), dtype=frames.dtype)
    return np.concatenate([frames, np.repeat(frames[-1:], length - len(frames), axis=0)])
