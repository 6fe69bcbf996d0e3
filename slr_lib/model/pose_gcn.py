"""SEDS' online pose encoder (Sec. 3.1): graph convolutions per frame, 1-D convolutions per clip.

Keypoints form three groups: the left and the right hand (MediaPipe Hands' 21 points each, one
graph network shared by both hands) and 7 upper-body points (nose, shoulders, elbows, wrists, the
upper-body subset of MediaPipe Pose). Each group is a graph over the skeleton's edges; a layer is
Eq. 1, ``sigma(Lambda^-1/2 (A + I) Lambda^-1/2 X W)`` with ReLU as sigma, and a group's frame
feature is the maximum over its nodes after the last layer. The three group features of a frame
are concatenated (left hand, right hand, body: 3D values), the frames of each 16-frame clip are
gathered and two stride-2 1-D convolutions over time, then a mean, give the clip feature.

Input (``pose_groups``): x and y only (the paper's RTMPose keypoints are 2-D; MediaPipe's z is a
rough relative depth), centred on the shoulders' midpoint and divided by the shoulder width of
the frame, plus a visibility flag. A point with confidence 0 (or a non-finite coordinate) is
(0, 0) with flag 0, never NaN; frames whose shoulders are missing use the median centre and width
of the frames that have them (the image centre and width 1 if none has).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
import torch
from torch import Tensor, nn

from slr_lib.data import layout

#: MediaPipe Hands' skeleton: thumb, four fingers, and the palm's edges.
HAND_EDGES: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)  # fmt: skip
#: The 7 upper-body points of the body group, and their skeleton (indices into this tuple).
BODY_GROUP = (
    "NOSE", "LEFT_SHOULDER", "RIGHT_SHOULDER", "LEFT_ELBOW", "RIGHT_ELBOW", "LEFT_WRIST",
    "RIGHT_WRIST",
)  # fmt: skip
BODY_EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (1, 3), (3, 5), (2, 4), (4, 6))
HAND_SIZE = len(layout.HAND_POINTS)
#: Encoder input layout: left hand 0-20, right hand 21-41, body 42-48.
GROUP_INDEX = np.concatenate(
    [
        np.arange(layout.LEFT_HAND.start, layout.LEFT_HAND.stop),
        np.arange(layout.RIGHT_HAND.start, layout.RIGHT_HAND.stop),
        [layout.body_index(name) for name in BODY_GROUP],
    ]
)
N_GROUP_POINTS = len(GROUP_INDEX)
IN_CHANNELS = 3  # x, y, visible


def _shoulder_frame(xy: np.ndarray, confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame centre (F, 2) and width (F,) from the shoulders, with the fallbacks above."""
    shoulders = [layout.body_index("LEFT_SHOULDER"), layout.body_index("RIGHT_SHOULDER")]
    left, right = xy[:, shoulders[0]], xy[:, shoulders[1]]
    centre = (left + right) / 2
    width = np.linalg.norm(left - right, axis=1)
    seen = (confidence[:, shoulders].min(axis=1) > 0) & np.isfinite(width) & (width > 1e-3)
    if seen.any():
        fallback_centre, fallback_width = np.median(centre[seen], axis=0), np.median(width[seen])
    else:
        fallback_centre, fallback_width = np.array([0.5, 0.5], np.float32), 1.0
    return (
        np.where(seen[:, None], centre, fallback_centre),
        np.where(seen, width, fallback_width),
    )


def pose_groups(data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """(F, 49, 3) encoder input of (F, 87, 3) keypoints: normalised x, y and a visibility flag."""
    xy = np.asarray(data, dtype=np.float32)[..., :2]
    confidence = np.asarray(confidence, dtype=np.float32)
    centre, width = _shoulder_frame(xy, confidence)
    points = xy[:, GROUP_INDEX]
    visible = (confidence[:, GROUP_INDEX] > 0) & np.isfinite(points).all(axis=-1)
    scaled = (np.nan_to_num(points) - centre[:, None]) / width[:, None, None]
    scaled = np.where(visible[..., None], scaled, 0.0)
    return np.concatenate([scaled, visible[..., None]], axis=-1).astype(np.float32)


def normalised_adjacency(edges: Sequence[tuple[int, int]], n_nodes: int) -> Tensor:
    """``Lambda^-1/2 (A + I) Lambda^-1/2`` of an undirected graph (Eq. 1)."""
    adjacency = torch.eye(n_nodes)
    for a, b in edges:
        adjacency[a, b] = adjacency[b, a] = 1.0
    scale = adjacency.sum(dim=1).rsqrt()
    return scale[:, None] * adjacency * scale[None, :]


class GraphConv(nn.Module):
    """One layer of Eq. 1 over a fixed graph: (..., nodes, in_dim) -> (..., nodes, out_dim)."""

    def __init__(self, adjacency: Tensor, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.register_buffer("adjacency", adjacency)
        self.weight = nn.Linear(in_dim, out_dim, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        """Propagate node features along the normalised adjacency, then ReLU."""
        return torch.relu(self.adjacency @ self.weight(x))


class GroupGCN(nn.Module):
    """Stacked graph convolutions over one keypoint group, max-pooled over its nodes."""

    def __init__(self, edges: Sequence[tuple[int, int]], n_nodes: int, dims: Sequence[int]) -> None:
        super().__init__()
        adjacency = normalised_adjacency(edges, n_nodes)
        sizes = [IN_CHANNELS, *dims]
        self.layers = nn.Sequential(*(GraphConv(adjacency, a, b) for a, b in pairwise(sizes)))
        self.out_dim = sizes[-1]

    def forward(self, x: Tensor) -> Tensor:
        """(..., nodes, 3) -> (..., out_dim)."""
        return self.layers(x).amax(dim=-2)


class PoseEncoder(nn.Module):
    """Clip features (B, T, 3 * gcn_dims[-1]) of keypoint frames gathered into clip windows."""

    #: Its parts, which `load_parts` initialises one by one from a pre-trained encoder.
    PARTS = ("hands", "body", "temporal")

    def __init__(self, gcn_dims: Sequence[int] = (64, 128), temporal_layers: int = 2) -> None:
        super().__init__()
        self.hands = GroupGCN(HAND_EDGES, HAND_SIZE, gcn_dims)
        self.body = GroupGCN(BODY_EDGES, len(BODY_GROUP), gcn_dims)
        self.out_dim = 3 * self.hands.out_dim
        convs: list[nn.Module] = []
        for _ in range(temporal_layers):
            convs += [nn.Conv1d(self.out_dim, self.out_dim, 3, stride=2, padding=1), nn.ReLU()]
        self.temporal = nn.Sequential(*convs)

    def load_parts(self, state: Mapping[str, Tensor], parts: Sequence[str]) -> None:
        """Copy `parts` (of PARTS) from a pre-trained encoder's state dict; sizes must match."""
        unknown = set(parts) - set(self.PARTS)
        if unknown:
            raise ValueError(f"unknown pose encoder parts {sorted(unknown)}; known: {self.PARTS}")
        for part in parts:
            prefix = f"{part}."
            weights = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
            try:
                getattr(self, part).load_state_dict(weights)
            except RuntimeError as err:
                raise ValueError(
                    f"pre-trained pose encoder's {part!r} does not fit: {err}"
                ) from err

    def frame_features(self, frames: Tensor) -> Tensor:
        """(..., 49, 3) encoder input -> (..., 3D): left hand, right hand, body."""
        left = self.hands(frames[..., :HAND_SIZE, :])
        right = self.hands(frames[..., HAND_SIZE : 2 * HAND_SIZE, :])
        return torch.cat([left, right, self.body(frames[..., 2 * HAND_SIZE :, :])], dim=-1)

    def forward(self, frames: Tensor, windows: Tensor) -> Tensor:
        """Clip features (B, T, 3D) of (N, 49, 3) frames; `windows` (B, T, W) index each clip's."""
        clips = self.frame_features(frames)[windows]  # (B, T, W, 3D)
        batch, n_clips, width, _ = clips.shape
        pooled = self.temporal(clips.reshape(batch * n_clips, width, -1).transpose(1, 2))
        return pooled.mean(dim=-1).reshape(batch, n_clips, self.out_dim)
