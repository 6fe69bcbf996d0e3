"""Drawing poses: skeleton frames, filmstrips with the gloss track, trajectories."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from slr_lib.data import layout
from slr_lib.data.layout import body_index

_BODY_EDGES = [
    ("LEFT_SHOULDER", "RIGHT_SHOULDER"), ("LEFT_SHOULDER", "LEFT_ELBOW"),
    ("LEFT_ELBOW", "LEFT_WRIST"), ("RIGHT_SHOULDER", "RIGHT_ELBOW"),
    ("RIGHT_ELBOW", "RIGHT_WRIST"), ("LEFT_SHOULDER", "LEFT_HIP"),
    ("RIGHT_SHOULDER", "RIGHT_HIP"), ("LEFT_HIP", "RIGHT_HIP"), ("LEFT_EAR", "LEFT_EYE"),
    ("LEFT_EYE", "NOSE"), ("NOSE", "RIGHT_EYE"), ("RIGHT_EYE", "RIGHT_EAR"),
]  # fmt: skip
_FINGERS = [
    (0, 1, 2, 3, 4),
    (0, 5, 6, 7, 8),
    (9, 10, 11, 12),
    (13, 14, 15, 16),
    (0, 17, 18, 19, 20),
]
_PALM = (5, 9, 13, 17)


def skeleton_edges() -> list[tuple[int, int]]:
    """Index pairs (in the full layout) of the lines that draw a skeleton."""
    edges = [(body_index(a), body_index(b)) for a, b in _BODY_EDGES]
    for hand in (layout.LEFT_HAND, layout.RIGHT_HAND):
        for chain in [*_FINGERS, _PALM]:
            edges += [
                (hand.start + a, hand.start + b) for a, b in zip(chain, chain[1:], strict=False)
            ]
    mouth = range(layout.MOUTH.start, layout.MOUTH.stop)
    edges += list(zip(mouth, [*mouth[1:], mouth[0]], strict=True))
    return edges


def draw_pose(
    ax: plt.Axes, points: np.ndarray, confidence: np.ndarray, color: str = "tab:blue"
) -> None:
    """One frame's skeleton in image coordinates; undetected points are left out."""
    points = np.asarray(points, dtype=np.float64)
    seen = np.asarray(confidence) > 0
    for a, b in skeleton_edges():
        if seen[a] and seen[b]:
            ax.plot(points[[a, b], 0], points[[a, b], 1], color=color, lw=0.8)
    ax.set_xlim(0.15, 0.85)
    ax.set_ylim(0.9, 0.1)
    ax.set_aspect("equal")
    ax.axis("off")


def filmstrip(
    data: np.ndarray,
    confidence: np.ndarray,
    frames: Sequence[int],
    signs: pd.DataFrame,
    fps: float,
    title: str = "",
) -> plt.Figure:
    """Frames of a sequence above its gloss track (spans of the produced signs)."""
    fig = plt.figure(figsize=(2.0 * len(frames), 3.6))
    grid = fig.add_gridspec(2, len(frames), height_ratios=[3, 1])
    for i, frame in enumerate(frames):
        ax = fig.add_subplot(grid[0, i])
        draw_pose(ax, data[frame], confidence[frame])
        ax.set_title(f"{frame / fps:.2f} s", fontsize=8)
    track = fig.add_subplot(grid[1, :])
    gloss_track(track, signs, fps, len(data))
    for frame in frames:
        track.axvline(frame / fps, color="grey", lw=0.5, ls=":")
    fig.suptitle(title, fontsize=9)
    return fig


def gloss_track(ax: plt.Axes, signs: pd.DataFrame, fps: float, n_frames: int) -> None:
    """Produced units as labelled bars on a time axis; mouthed units hatched."""
    colors = {"sign": "tab:orange", "fingerspelling": "tab:green"}
    for row in signs.itertuples():
        start, end = row.start_frame / fps, row.end_frame / fps
        hatch = "//" if row.mouthed else None
        color = colors[row.kind]
        ax.barh(0, end - start, left=start, color=color, hatch=hatch, edgecolor="k", lw=0.4)
        ax.text((start + end) / 2, 0, row.gloss, ha="center", va="center", fontsize=7, rotation=30)
    ax.set_xlim(0, n_frames / fps)
    ax.set_yticks([])
    ax.set_xlabel("time (s); orange: sign, green: fingerspelling, hatched: mouthed")


def wrist_paths(ax: plt.Axes, sequences: Sequence[tuple[np.ndarray, np.ndarray, str]]) -> None:
    """The dominant (right) wrist's path of several sequences, e.g. a sign in two domains."""
    wrist = layout.RIGHT_HAND.start
    for data, confidence, label in sequences:
        seen = np.asarray(confidence[:, wrist]) > 0
        path = np.asarray(data[seen, wrist, :2], dtype=np.float64)
        ax.plot(path[:, 0], path[:, 1], marker=".", ms=3, lw=1, label=label)
    ax.invert_yaxis()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set(xlabel="x (image)", ylabel="y (image)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
