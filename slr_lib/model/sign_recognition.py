"""The sign-recognition model (the I3D role of SPOT-ALIGN) over 16-frame windows of pose features.

The input is a window of 16 frames of pose frame features (`slr_lib.data.clip_features.pose_frames`:
wrists and hand shapes in shoulder widths, hand visibility, mouth opening and spread). A per-frame
linear layer is followed by four temporal convolutions without padding (kernels 5, 5, 5 and 4),
whose receptive field is exactly 16 frames: a window goes in, one vector comes out. That vector,
standardised by a batch normalisation without learnt scale and shift, is the **sign-video
embedding**; a ReLU, a dropout and a linear layer on top classify it into the vocabulary. The
embedding is taken there so that it is centred on the training windows: cosine similarities
between embeddings then spread over [-1, 1], which gives the dictionary-spotting threshold
(0.75) a meaning. With a learnt shift, or after the ReLU, a common offset dominates and almost
every pair of windows is more similar than 0.75.

Why temporal convolutions rather than a graph network: the frame features already encode the hand
configuration relative to the wrist and the wrist relative to the body, which is what a spatial
graph would learn to extract from raw points; what the classifier must add is the movement over
time, which the stacked temporal kernels model directly. And because every layer is a valid
convolution, the same network applied to a whole video gives the output of every 16-frame window
at stride 1 in one pass (`embed`), which is what dense inference needs: no loop over windows and
no recomputation of the frames that neighbouring windows share.
"""

from __future__ import annotations

import torch
from torch import nn

WINDOW = 16
_KERNELS = (5, 5, 5, 4)  # receptive field 1 + sum(k - 1) = 16
# Floor of the input standard deviations: features constant in training (a wrist relative to
# itself) must not blow up the noise that augmentation or a new video puts on them.
MIN_STD = 1e-2


def _conv_block(n_in: int, n_out: int, kernel: int, last: bool = False) -> nn.Sequential:
    if last:  # standardised, no learnt shift: the embedding is centred on the training windows
        return nn.Sequential(nn.Conv1d(n_in, n_out, kernel), nn.BatchNorm1d(n_out, affine=False))
    return nn.Sequential(nn.Conv1d(n_in, n_out, kernel), nn.BatchNorm1d(n_out), nn.ReLU())


class SignRecognizer(nn.Module):
    """A 16-frame window classifier whose penultimate layer is the sign-video embedding."""

    def __init__(
        self,
        n_inputs: int,
        n_classes: int,
        width: int = 128,
        embed_dim: int = 256,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        if n_classes < 1:
            raise ValueError("a sign recogniser needs at least one class")
        self.n_inputs, self.width, self.embed_dim = n_inputs, width, embed_dim
        self.register_buffer("input_mean", torch.zeros(n_inputs))
        self.register_buffer("input_std", torch.ones(n_inputs))
        sizes = [width] * len(_KERNELS) + [embed_dim]
        self.frame = _conv_block(n_inputs, width, 1)
        last = len(_KERNELS) - 1
        self.temporal = nn.Sequential(
            *(_conv_block(sizes[i], sizes[i + 1], k, i == last) for i, k in enumerate(_KERNELS))
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(dropout), nn.Linear(embed_dim, n_classes))

    @property
    def n_classes(self) -> int:
        return int(self.head[2].out_features)

    def set_input_stats(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Standardise inputs with these per-feature statistics (of the training frames)."""
        self.input_mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
        self.input_std.copy_(torch.as_tensor(std, dtype=torch.float32).clamp_min(MIN_STD))

    def embed(self, frames: torch.Tensor) -> torch.Tensor:
        """(B, T, F) frames -> (B, T - 15, E): the embedding of every window at stride 1."""
        if frames.shape[1] < WINDOW:
            raise ValueError(f"need at least {WINDOW} frames, got {frames.shape[1]}")
        x = (frames - self.input_mean) / self.input_std
        x = self.temporal(self.frame(x.transpose(1, 2)))
        return x.transpose(1, 2)

    def classify(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Class logits of embeddings (..., E)."""
        return self.head(embeddings)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """(B, 16, F) windows -> (B, C) class logits."""
        return self.classify(self.embed(windows)[:, 0])

    def with_classes(self, n_classes: int) -> SignRecognizer:
        """A copy with the same trunk and a freshly initialised classifier for `n_classes`."""
        model = SignRecognizer(self.n_inputs, n_classes, self.width, self.embed_dim, self.head[1].p)
        trunk = {k: v for k, v in self.state_dict().items() if not k.startswith("head.")}
        model.load_state_dict(trunk, strict=False)
        return model
