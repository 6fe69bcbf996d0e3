"""Real hand configurations taken from MediaPipe fingerspelling clips (spoken-to-signed wheel)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from slr_lib.data.layout import LEFT_HAND, RIGHT_HAND

# Hand points used to normalise a configuration: the wrist and the middle finger's knuckle.
_WRIST, _MIDDLE_MCP = 0, 9


def normalise_hand(points: np.ndarray) -> np.ndarray:
    """A (21, 3) hand moved to the wrist, scaled to unit wrist-knuckle length, fingers up."""
    centred = points - points[_WRIST]
    axis = centred[_MIDDLE_MCP, :2]
    length = float(np.linalg.norm(centred[_MIDDLE_MCP]))
    if length == 0:
        raise ValueError("degenerate hand: wrist and middle knuckle coincide")
    # rotate in the image plane so that the wrist->knuckle axis points up (negative y)
    angle = -np.arctan2(axis[0], -axis[1])
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    return (centred @ rotation.T) / length


def hand_from_clip(data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """The normalised configuration of the best-tracked hand at the clip's middle frames."""
    best = None
    for hand in (RIGHT_HAND, LEFT_HAND):
        seen = np.flatnonzero(confidence[:, hand].min(axis=1) > 0)
        if len(seen) and (best is None or len(seen) > len(best[1])):
            best = (hand, seen)
    if best is None:
        raise ValueError("no frame shows a whole hand")
    hand, seen = best
    middle = seen[len(seen) // 2]
    return normalise_hand(np.asarray(data[middle, hand], dtype=np.float64))


@lru_cache(maxsize=8)
def load_handshapes(language: str = "ase") -> dict[str, np.ndarray]:
    """Letter -> normalised (21, 3) hand configuration, from the real clips of one language."""
    from slr_lib.data.posefile import fingerspelling_clips, read_pose_file

    shapes = {}
    for letter, path in sorted(fingerspelling_clips(language).items()):
        data, confidence, _ = read_pose_file(path)
        shapes[letter] = hand_from_clip(data, confidence)
    return shapes
