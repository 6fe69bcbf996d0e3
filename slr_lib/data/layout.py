"""The keypoint layout every pose array uses: a MediaPipe Holistic-compatible subset.

87 points in four components, coordinates (x, y, z) normalised like MediaPipe's (x to the
right and y downwards in [0, 1] of the frame, z relative depth), plus a confidence per point:

- POSE_LANDMARKS: MediaPipe Pose points 0-24 (face, shoulders, arms, hands, hips);
- LEFT_HAND_LANDMARKS, RIGHT_HAND_LANDMARKS: MediaPipe Hands' 21 points each;
- MOUTH: the 20 outer-lip points of MediaPipe Face Mesh, named by their Face Mesh index.
"""

from __future__ import annotations

BODY_POINTS = (
    "NOSE", "LEFT_EYE_INNER", "LEFT_EYE", "LEFT_EYE_OUTER", "RIGHT_EYE_INNER", "RIGHT_EYE",
    "RIGHT_EYE_OUTER", "LEFT_EAR", "RIGHT_EAR", "MOUTH_LEFT", "MOUTH_RIGHT", "LEFT_SHOULDER",
    "RIGHT_SHOULDER", "LEFT_ELBOW", "RIGHT_ELBOW", "LEFT_WRIST", "RIGHT_WRIST", "LEFT_PINKY",
    "RIGHT_PINKY", "LEFT_INDEX", "RIGHT_INDEX", "LEFT_THUMB", "RIGHT_THUMB", "LEFT_HIP",
    "RIGHT_HIP",
)  # fmt: skip
HAND_POINTS = (
    "WRIST", "THUMB_CMC", "THUMB_MCP", "THUMB_IP", "THUMB_TIP", "INDEX_FINGER_MCP",
    "INDEX_FINGER_PIP", "INDEX_FINGER_DIP", "INDEX_FINGER_TIP", "MIDDLE_FINGER_MCP",
    "MIDDLE_FINGER_PIP", "MIDDLE_FINGER_DIP", "MIDDLE_FINGER_TIP", "RING_FINGER_MCP",
    "RING_FINGER_PIP", "RING_FINGER_DIP", "RING_FINGER_TIP", "PINKY_MCP", "PINKY_PIP",
    "PINKY_DIP", "PINKY_TIP",
)  # fmt: skip
# Outer lip contour of MediaPipe Face Mesh, going round from the left mouth corner.
MOUTH_FACE_MESH_INDICES = (
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185,
)  # fmt: skip
MOUTH_POINTS = tuple(str(i) for i in MOUTH_FACE_MESH_INDICES)

COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("POSE_LANDMARKS", BODY_POINTS),
    ("LEFT_HAND_LANDMARKS", HAND_POINTS),
    ("RIGHT_HAND_LANDMARKS", HAND_POINTS),
    ("MOUTH", MOUTH_POINTS),
)
N_DIMS = 3


def _slices() -> dict[str, slice]:
    out, start = {}, 0
    for name, points in COMPONENTS:
        out[name] = slice(start, start + len(points))
        start += len(points)
    return out


SLICES = _slices()
N_POINTS = SLICES["MOUTH"].stop
BODY = SLICES["POSE_LANDMARKS"]
LEFT_HAND = SLICES["LEFT_HAND_LANDMARKS"]
RIGHT_HAND = SLICES["RIGHT_HAND_LANDMARKS"]
MOUTH = SLICES["MOUTH"]


def body_index(name: str) -> int:
    """Index in the full layout of a POSE_LANDMARKS point, e.g. 'LEFT_WRIST'."""
    return BODY.start + BODY_POINTS.index(name)
