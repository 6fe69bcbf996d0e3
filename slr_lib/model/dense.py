"""Dense sliding-window inference of the sign-recognition model over long videos.

Window i covers frames [i, i + 16): a video of T frames has T - 15 windows at stride 1. Because
the model is fully convolutional in time (`SignRecognizer.embed`), one forward pass over a video
gives every window's embedding; long videos go through in chunks that overlap by 15 frames, so
the result does not depend on the chunk size. Videos shorter than 16 frames are padded by
repeating their last frame and get one window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from slr_lib.model.padding import pad_frames
from slr_lib.model.sign_recognition import WINDOW, SignRecognizer


@dataclass
class DenseOutputs:
    """Per-window outputs of one video: embeddings (W, E), best class and its probability (W,)."""

    embeddings: np.ndarray
    labels: np.ndarray
    probabilities: np.ndarray


@torch.no_grad()
def dense_embeddings(model: SignRecognizer, frames: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Embeddings (W, E) float32 of every 16-frame window of `frames` (T, F), stride 1."""
    model.eval()
    frames = pad_frames(np.asarray(frames, dtype=np.float32), WINDOW)
    step = chunk - (WINDOW - 1)
    parts = [
        model.embed(torch.from_numpy(frames[start : start + chunk])[None])[0].numpy()
        for start in range(0, len(frames) - WINDOW + 1, step)
    ]
    return np.concatenate(parts)


@torch.no_grad()
def dense_outputs(model: SignRecognizer, frames: np.ndarray, chunk: int = 4096) -> DenseOutputs:
    """Embeddings and the most probable class of every window of `frames`."""
    embeddings = dense_embeddings(model, frames, chunk)
    probabilities = torch.softmax(model.classify(torch.from_numpy(embeddings)), dim=1)
    best, labels = probabilities.max(dim=1)
    return DenseOutputs(embeddings, labels.numpy(), best.numpy())


@torch.no_grad()
def window_loop_embeddings(model: SignRecognizer, frames: np.ndarray) -> np.ndarray:
    """The same embeddings as `dense_embeddings`, one window at a time (the slow reference)."""
    model.eval()
    frames = pad_frames(np.asarray(frames, dtype=np.float32), WINDOW)
    return np.stack(
        [
            model.embed(torch.from_numpy(frames[i : i + WINDOW])[None])[0, 0].numpy()
            for i in range(len(frames) - WINDOW + 1)
        ]
    )


@torch.no_grad()
def batch_embeddings(model: SignRecognizer, batch: np.ndarray) -> np.ndarray:
    """Window embeddings (B, L - 15, E) of equally long frame sequences (B, L, F)."""
    model.eval()
    return model.embed(torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32))).numpy()
