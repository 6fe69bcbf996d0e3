"""How2Sign's OpenPose keypoints (one `*_keypoints.json` per frame) in our keypoint layout.

Each frame file is standard OpenPose output: `{"version": ..., "people": [{"pose_keypoints_2d":
[x, y, c] * 25, "face_keypoints_2d": [...] * 70, "hand_left_keypoints_2d": [...] * 21,
"hand_right_keypoints_2d": [...] * 21}, ...]}` in pixels. Only person 0 is kept; a frame with
nobody gets confidence 0 everywhere. A key that is missing or an empty list counts as not
detected. Coordinates are normalised by the frame size (x / width, y / height) and z is 0.

Checks (each error names the frame's file and its frame number in the folder): a NaN or
infinite confidence, or NaN or infinite coordinates of a detected point (confidence > 0), are
refused; an undetected point may hold anything (OpenPose writes 0, 0, 0). OpenPose JSON does
not store the frame size, so it is an argument (How2Sign's videos are 1280x720); a detected
point more than `FRAME_MARGIN` frame sizes outside the given frame is refused with a message
that the frame size is probably wrong (a 1920x1080 video read as 1280x720 puts every point
1.5 times too far right and down).

Mapping (left and right are the signer's own in both OpenPose and MediaPipe):

- body: BODY_25 points that MediaPipe Pose also has (`BODY25_INDICES`): nose 0, right eye 15,
  left eye 16, right ear 17, left ear 18, right shoulder 2, left shoulder 5, right elbow 3,
  left elbow 6, right wrist 4, left wrist 7, right hip 9, left hip 12 (OpenPose's hips sit
  slightly lower and wider than MediaPipe's). The mouth corners come from the 70-point face:
  MOUTH_RIGHT from point 48 and MOUTH_LEFT from point 54 (the iBUG 68-point scheme numbers
  the face as seen in the image, so 48 is the signer's right corner). The eye inner/outer
  points and the pinky/index/thumb points of the body model have no counterpart: confidence 0.
- hands: OpenPose hand points 0-20 are in MediaPipe Hands' order (wrist; thumb CMC, MCP, IP,
  tip; then index, middle, ring and pinky finger, each MCP, PIP, DIP, tip), copied one to one.
- mouth: the 12 outer-lip points 48-59 of the face, walked round the closed contour in the
  order of `layout.MOUTH_FACE_MESH_INDICES` (signer's right corner 48, lower lip 59-55,
  left corner 54, upper lip 53-49) and resampled to 20 points at equal steps of the contour
  index, so the corners (our points 0 and 10) and the lip middles 57 and 51 (our points 5 and
  15, Face Mesh 17 and 0) land exactly on OpenPose points; a resampled point's confidence is
  the smaller of its two neighbours'.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.layout import (
    BODY,
    BODY_POINTS,
    LEFT_HAND,
    MOUTH,
    MOUTH_POINTS,
    N_DIMS,
    N_POINTS,
    RIGHT_HAND,
)
from slr_lib.data.tables import require_finite_keypoints, require_in_frame

# Number of points of each OpenPose array of a person.
KEYPOINT_COUNTS = {
    "pose_keypoints_2d": 25,
    "face_keypoints_2d": 70,
    "hand_left_keypoints_2d": 21,
    "hand_right_keypoints_2d": 21,
}
# MediaPipe Pose point name -> BODY_25 index.
BODY25_INDICES = {
    "NOSE": 0,
    "RIGHT_EYE": 15,
    "LEFT_EYE": 16,
    "RIGHT_EAR": 17,
    "LEFT_EAR": 18,
    "RIGHT_SHOULDER": 2,
    "LEFT_SHOULDER": 5,
    "RIGHT_ELBOW": 3,
    "LEFT_ELBOW": 6,
    "RIGHT_WRIST": 4,
    "LEFT_WRIST": 7,
    "RIGHT_HIP": 9,
    "LEFT_HIP": 12,
}
# MediaPipe Pose point name -> OpenPose 70-point face index.
FACE70_BODY_INDICES = {"MOUTH_RIGHT": 48, "MOUTH_LEFT": 54}
# OpenPose outer lip, walked like layout.MOUTH_FACE_MESH_INDICES: corner, lower lip, corner, upper.
OUTER_LIP_CONTOUR = (48, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49)

# How far (in frame sizes) a detected point may lie outside the frame. OpenPose finds points in
# the image only, but its hand and face crops may reach a little past the edge; a point further
# out means the frame size given is not the video's.
FRAME_MARGIN = 0.25

_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")


def read_openpose_folder(
    folder: str | Path, width: int = 1280, height: int = 720
) -> tuple[np.ndarray, np.ndarray]:
    """One video's OpenPose folder as (frames, 87, 3) coordinates and (frames, 87) confidence.

    `width` and `height` are the video's frame size in pixels (OpenPose JSON does not store
    it); a detected point beyond `FRAME_MARGIN` of that frame is an error saying so.
    """
    check_frame_size(width, height)
    files = frame_files(folder)
    data = np.zeros((len(files), N_POINTS, N_DIMS), np.float64)
    conf = np.zeros((len(files), N_POINTS), np.float32)
    for i, path in enumerate(files):
        person = _first_person(_read_json(path), path)
        if person is not None:
            data[i], conf[i] = person_to_layout(person, source=f"{path} (frame {i})")
    data[..., 0] /= width
    data[..., 1] /= height
    advice = (
        f"the frame size {width}x{height} is probably wrong (OpenPose JSON does not store it): "
        "pass the video's own as frame_size=(width, height)"
    )
    require_in_frame(data, conf, FRAME_MARGIN, lambda i: f"{files[i]} (frame {i})", advice)
    return data.astype(np.float32), conf


def check_frame_size(width: float, height: float) -> None:
    """Raise ValueError unless `width` and `height` (pixels) are positive, finite numbers."""
    try:
        valid = all(math.isfinite(v) and v > 0 for v in (width, height))
    except TypeError:
        valid = False
    if not valid:
        raise ValueError(
            f"frame size must be positive numbers, frame_size=(width, height); "
            f"got {width!r}x{height!r}"
        )


def frame_files(folder: str | Path) -> list[Path]:
    """The `*_keypoints.json` files of a folder, ordered by the frame number in their names."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusFormatError(f"OpenPose folder not found: {folder}")
    numbered: dict[int, Path] = {}
    for path in folder.glob("*_keypoints.json"):
        match = _FRAME_NUMBER.search(path.name)
        if match is None:
            raise CorpusFormatError(f"{path}: no frame number before '_keypoints.json'")
        number = int(match.group(1))
        if number in numbered:
            raise CorpusFormatError(f"{path}: frame {number} also in {numbered[number].name}")
        numbered[number] = path
    if not numbered:
        raise CorpusFormatError(f"no OpenPose *_keypoints.json files in {folder}")
    return [numbered[number] for number in sorted(numbered)]


def person_to_layout(
    person: Mapping[str, Any], source: str = "OpenPose person"
) -> tuple[np.ndarray, np.ndarray]:
    """One OpenPose person as (87, 3) pixel coordinates (z = 0) and (87,) confidence.

    Non-finite confidences, or non-finite coordinates of detected points, are errors naming
    `source`.
    """
    body = _keypoints(person, "pose_keypoints_2d", source)
    face = _keypoints(person, "face_keypoints_2d", source)
    xyc = np.zeros((N_POINTS, 3), np.float64)
    for name, index in BODY25_INDICES.items():
        xyc[BODY.start + BODY_POINTS.index(name)] = body[index]
    for name, index in FACE70_BODY_INDICES.items():
        xyc[BODY.start + BODY_POINTS.index(name)] = face[index]
    xyc[LEFT_HAND] = _keypoints(person, "hand_left_keypoints_2d", source)
    xyc[RIGHT_HAND] = _keypoints(person, "hand_right_keypoints_2d", source)
    xyc[MOUTH] = resample_closed_contour(face[list(OUTER_LIP_CONTOUR)], len(MOUTH_POINTS))
    conf = np.maximum(xyc[:, 2], 0.0)
    data = np.zeros((N_POINTS, N_DIMS), np.float64)
    data[:, :2] = np.where((conf > 0)[:, None], xyc[:, :2], 0.0)
    return data, conf.astype(np.float32)


def resample_closed_contour(points: np.ndarray, n: int) -> np.ndarray:
    """`n` points at equal steps of the index along a closed contour of (m, 3) (x, y, c) points.

    Point k lies at contour position k * m / n, interpolated linearly between its neighbours;
    its confidence is the smaller of theirs, or the point's own where it falls on one exactly.
    """
    m = len(points)
    steps = np.arange(n) * m
    lower = steps // n
    weight = ((steps % n) / n).astype(np.float32)[:, None]
    upper = (lower + 1) % m
    xy = (1 - weight) * points[lower, :2] + weight * points[upper, :2]
    conf = np.where(
        weight[:, 0] == 0, points[lower, 2], np.minimum(points[lower, 2], points[upper, 2])
    )
    return np.column_stack([xy, conf]).astype(points.dtype)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CorpusFormatError(f"{path}: not valid JSON ({error})") from error


def _first_person(frame: Any, path: Path) -> Mapping[str, Any] | None:
    people = frame.get("people") if isinstance(frame, Mapping) else None
    if not isinstance(people, list):
        raise CorpusFormatError(f"{path}: not an OpenPose frame (no 'people' list)")
    if not people:
        return None
    if not isinstance(people[0], Mapping):
        raise CorpusFormatError(f"{path}: person 0 is not a JSON object")
    return people[0]


def _keypoints(person: Mapping[str, Any], key: str, source: str) -> np.ndarray:
    """The (points, 3) x, y, c array of one key; zeros where the key is missing or empty.

    Undetected points (confidence <= 0) get x = y = c = 0, whatever the file holds there.
    """
    count = KEYPOINT_COUNTS[key]
    values = person.get(key)
    if values is None or (isinstance(values, list) and not values):
        return np.zeros((count, 3), np.float64)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise CorpusFormatError(f"{source}: {key} is not a list of numbers") from error
    if array.ndim != 1 or array.size != 3 * count:
        raise CorpusFormatError(
            f"{source}: {key} has {array.size} values, expected {3 * count} ({count} points x 3)"
        )
    array = array.reshape(count, 3)
    require_finite_keypoints(
        array[None, :, :2], array[None, :, 2], lambda _: source, lambda i: f"{key} point {i}"
    )
    array[array[:, 2] <= 0] = 0.0
    return array
