"""Single videos as `pose-format` `.pose` files, converted to and from our keypoint layout.

Three layouts of `.pose` file are read, by component and point *name*:

- MediaPipe Holistic, as written by `pose-format`: POSE_LANDMARKS (33 points), FACE_LANDMARKS
  (468 or 478 points named by their Face Mesh index, "0", "1", ...; a reduced face with fewer
  points works as long as the outer-lip points keep their names), LEFT_HAND_LANDMARKS,
  RIGHT_HAND_LANDMARKS and optionally POSE_WORLD_LANDMARKS, which is ignored;
- our own layout (`slr_lib.data.layout.COMPONENTS`): POSE_LANDMARKS with our 25 names, the two
  hands and MOUTH, whose points carry the Face Mesh index names of the outer lip;
- OpenPose's, as `pose-format` writes it from OpenPose JSON (How2Sign's keypoint release):
  pose_keypoints_2d (BODY_25), face_keypoints_2d (70), hand_left_keypoints_2d and
  hand_right_keypoints_2d, each frame mapped as `slr_lib.data.openpose` maps a JSON person.

Points that the file lacks get confidence 0 and coordinates 0; so do masked points and points
with confidence 0, whatever they hold. Only person 0 is kept.

Refused, with an error naming the file (and the first bad frame): a frame rate that is not a
positive finite number, frame dimensions that are not positive, a NaN or infinite confidence,
NaN or infinite coordinates of a detected point (confidence > 0), and a detected point more
than `FRAME_MARGIN` frame sizes outside the frame. A file of 0 frames reads as empty arrays
(a caller such as `load_how2sign` drops it and counts it).

Coordinates are normalised by the header's frame dimensions: x / width, y / height and
z / width. The same scaling is undone by `from_layout`, so our layout survives a round trip
exactly (to float32 precision). Note that z is divided by the width whatever its source:
MediaPipe files whose z was stored in pixel-like units become comparable with x, while files
that stored MediaPipe's raw relative z get a z shrunk by the width (z is a relative depth that
nothing in the layout relies on being calibrated).
"""

from __future__ import annotations

import csv
import io
import math
import struct
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
from pose_format import Pose
from pose_format.numpy.pose_body import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.layout import COMPONENTS, N_DIMS, N_POINTS
from slr_lib.data.openpose import KEYPOINT_COUNTS, person_to_layout
from slr_lib.data.tables import require_finite_keypoints, require_in_frame

POINT_FORMAT = "XYZC"
# How far (in frame sizes) a detected point may lie outside the frame. MediaPipe Holistic
# extrapolates the body beyond the image: the real clips colin-1-HOUSE.pose and colin-SAD.pose
# (1280x720) place wrists and fingers up to 0.71 frame heights below it with confidence up to
# 0.97, and the `spoken-to-signed` fingerspelling clips up to 0.54 outside. Further out than a
# whole frame size is junk (two of its gss clips have hands at 10 frame widths) or a header
# whose frame dimensions are not the video's.
FRAME_MARGIN = 1.0
# Where each of our components may be found in a file, in order of preference.
SOURCE_COMPONENTS: dict[str, tuple[str, ...]] = {
    "POSE_LANDMARKS": ("POSE_LANDMARKS",),
    "LEFT_HAND_LANDMARKS": ("LEFT_HAND_LANDMARKS",),
    "RIGHT_HAND_LANDMARKS": ("RIGHT_HAND_LANDMARKS",),
    "MOUTH": ("MOUTH", "FACE_LANDMARKS"),
}
# A file must hold at least one of these to be usable.
REQUIRED_COMPONENTS = ("POSE_LANDMARKS", "LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS")
# Exceptions `pose-format` lets through on a truncated or corrupt buffer.
_READ_ERRORS = (
    struct.error, ValueError, TypeError, IndexError, OverflowError, NotImplementedError,
    UnicodeDecodeError, MemoryError,
)  # fmt: skip

_BODY_LIMBS = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12),
    (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16), (16, 18),
    (16, 20), (16, 22), (18, 20), (11, 23), (12, 24), (23, 24),
)  # fmt: skip
_HAND_LIMBS = (
    (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10), (10, 11),
    (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17), (17, 18), (18, 19),
    (19, 20),
)  # fmt: skip
_COLORS = {
    "POSE_LANDMARKS": (255, 0, 0),
    "LEFT_HAND_LANDMARKS": (0, 160, 0),
    "RIGHT_HAND_LANDMARKS": (0, 0, 200),
    "MOUTH": (200, 0, 200),
}


def to_layout(pose: Pose, source: str | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Person 0 of a Pose as (frames, 87, 3) float32 coordinates, (frames, 87) confidence, fps.

    `source` (e.g. the file name) is named in errors (see the module's list of what is refused).
    """
    header = pose.header
    if is_openpose(header):
        return _openpose_to_layout(pose, source)
    _check_components(header, source)
    fps = check_fps(pose.body.fps, source)
    indices = _source_indices(header)
    raw = np.ma.getdata(pose.body.data)
    mask = np.ma.getmaskarray(pose.body.data)
    conf_raw = np.asarray(np.ma.getdata(pose.body.confidence), dtype=np.float32)
    n_frames = raw.shape[0]
    data = np.zeros((n_frames, N_POINTS, N_DIMS), np.float32)
    conf = np.zeros((n_frames, N_POINTS), np.float32)
    if raw.ndim != 4 or raw.shape[1] == 0 or n_frames == 0:
        return data, conf, fps
    found = indices >= 0
    picked = indices[found]
    n_dims = min(raw.shape[-1], N_DIMS)
    data[:, found, :n_dims] = raw[:, 0, picked, :n_dims]
    conf[:, found] = np.where(mask[:, 0, picked].any(axis=-1), 0.0, conf_raw[:, 0, picked])
    require_finite_keypoints(data, conf, _frame_namer(source))
    return (*_normalised(data, np.maximum(conf, 0.0), header, source), fps)


def _normalised(
    data: np.ndarray, conf: np.ndarray, header: PoseHeader, source: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates divided by the frame size, undetected points zeroed, the margin checked."""
    data = data / _scale(header.dimensions, source)
    data[conf <= 0] = 0.0
    size = f"{header.dimensions.width}x{header.dimensions.height}"
    advice = f"are the frame dimensions in the header ({size}) the video's?"
    require_in_frame(data, conf, FRAME_MARGIN, _frame_namer(source), advice)
    return data.astype(np.float32), conf.astype(np.float32)


def is_openpose(header: PoseHeader) -> bool:
    """Whether a file holds OpenPose's components (as pose-format's OpenPose reader writes)."""
    return {c.name for c in header.components} >= set(KEYPOINT_COUNTS)


def _openpose_to_layout(pose: Pose, source: str | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Person 0 of an OpenPose-layout Pose, each frame mapped as an OpenPose JSON person."""
    fps = check_fps(pose.body.fps, source)
    raw = np.ma.getdata(pose.body.data)
    conf_raw = np.where(
        np.ma.getmaskarray(pose.body.data).any(axis=-1), 0.0, np.ma.getdata(pose.body.confidence)
    )
    start, parts = 0, {}
    for component in pose.header.components:
        parts[component.name] = slice(start, start + len(component.points))
        start += len(component.points)
    frames = [
        person_to_layout(
            {key: np.column_stack([raw[f, 0, parts[key], :2], conf_raw[f, 0, parts[key]]]).ravel()
             for key in KEYPOINT_COUNTS},
            _frame_namer(source)(f),
        )
        for f in range(raw.shape[0] if raw.ndim == 4 and raw.shape[1] else 0)
    ]  # fmt: skip
    data = np.stack([d for d, _ in frames]) if frames else np.zeros((0, N_POINTS, N_DIMS))
    conf = np.stack([c for _, c in frames]) if frames else np.zeros((0, N_POINTS))
    return (*_normalised(data, conf, pose.header, source), fps)


def check_fps(fps: float, source: str | None = None) -> float:
    """`fps` as a float; an error naming `source` unless it is a positive finite number."""
    value = float(fps)
    if not (math.isfinite(value) and value > 0):
        where = f"{source}: " if source else ""
        raise CorpusFormatError(f"{where}frame rate must be a positive number, got {value}")
    return value


def _frame_namer(source: str | None) -> Callable[[int], str]:
    return lambda frame: f"{source or 'pose'}, frame {frame}"


def from_layout(
    data: np.ndarray,
    confidence: np.ndarray,
    fps: float,
    width: int = 1000,
    height: int = 1000,
) -> Pose:
    """A one-person Pose in our layout, coordinates scaled to pixels of a width x height frame."""
    data = np.asarray(data, dtype=np.float32)
    confidence = np.asarray(confidence, dtype=np.float32)
    if data.ndim != 3 or data.shape[1:] != (N_POINTS, N_DIMS):
        raise ValueError(f"pose data must be (frames, {N_POINTS}, {N_DIMS}), got {data.shape}")
    if confidence.shape != data.shape[:2]:
        raise ValueError(f"confidence must be {data.shape[:2]}, got {confidence.shape}")
    check_fps(fps)
    dimensions = PoseHeaderDimensions(width=width, height=height, depth=0)
    header = PoseHeader(version=0.2, dimensions=dimensions, components=layout_components())
    pixels = data * _scale(dimensions)
    body = NumPyPoseBody(fps=float(fps), data=pixels[:, None], confidence=confidence[:, None])
    return Pose(header, body)


def layout_components() -> list[PoseHeaderComponent]:
    """Header components of our layout, with limbs for drawing."""
    limbs = {"POSE_LANDMARKS": _BODY_LIMBS, "MOUTH": _closed_loop(len(dict(COMPONENTS)["MOUTH"]))}
    return [
        PoseHeaderComponent(
            name=name,
            points=list(points),
            limbs=list(limbs.get(name, _HAND_LIMBS)),
            colors=[_COLORS[name]],
            point_format=POINT_FORMAT,
        )
        for name, points in COMPONENTS
    ]


def read_pose_file(path: str | Path) -> tuple[np.ndarray, np.ndarray, float]:
    """Read a `.pose` file as (coordinates, confidence, fps) in our layout."""
    path = Path(path)
    buffer = path.read_bytes()
    try:
        pose = Pose.read(buffer)
    except _READ_ERRORS as error:
        raise CorpusFormatError(
            f"{path}: not a readable .pose file (truncated or corrupt: {error})"
        ) from error
    return to_layout(pose, source=str(path))


def write_pose_file(
    path: str | Path,
    data: np.ndarray,
    confidence: np.ndarray,
    fps: float,
    width: int = 1000,
    height: int = 1000,
) -> Path:
    """Write frames in our layout to a `.pose` file and return its path."""
    path = Path(path)
    buffer = io.BytesIO()
    from_layout(data, confidence, fps, width, height).write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _fingerspelling_index() -> tuple[Path, list[dict[str, str]]]:
    root = Path(str(resources.files("spoken_to_signed"))) / "assets" / "fingerspelling_lexicon"
    index = root / "index.csv"
    if not index.is_file():
        raise FileNotFoundError(f"fingerspelling index not found at {index}")
    with index.open(newline="", encoding="utf-8") as handle:
        return root, list(csv.DictReader(handle))


def fingerspelling_languages() -> tuple[str, ...]:
    """The signed language codes that the shipped fingerspelling lexicon has clips for."""
    return tuple(sorted({row["signed_language"] for row in _fingerspelling_index()[1]}))


def fingerspelling_clips(language: str = "ase") -> dict[str, Path]:
    """Letter -> `.pose` path of the fingerspelling lexicon shipped with `spoken-to-signed`.

    `language` is a signed language code of the lexicon's index (e.g. "ase", "gsg", "bzs").
    """
    root, rows = _fingerspelling_index()
    clips: dict[str, Path] = {}
    for row in rows:
        if row["signed_language"] == language:
            clips.setdefault(row["words"], root / row["path"])
    if not clips:
        available = ", ".join(sorted({row["signed_language"] for row in rows}))
        raise ValueError(
            f"no fingerspelling clips for language {language!r}; available: {available}"
        )
    return clips


def _check_components(header: PoseHeader, source: str | None) -> None:
    names = [component.name for component in header.components]
    if not any(name in names for name in REQUIRED_COMPONENTS):
        where = f"{source}: " if source else ""
        raise CorpusFormatError(
            f"{where}no body or hand component (need one of {', '.join(REQUIRED_COMPONENTS)}); "
            f"components found: {', '.join(names) or 'none'}"
        )


def _source_indices(header: PoseHeader) -> np.ndarray:
    """For each of our points, its flat index among the file's points, or -1 if absent."""
    starts, lookup = {}, {}
    offset = 0
    for component in header.components:
        starts[component.name] = offset
        lookup[component.name] = {name: i for i, name in enumerate(component.points)}
        offset += len(component.points)
    indices = []
    for name, points in COMPONENTS:
        chosen = next((c for c in SOURCE_COMPONENTS[name] if c in lookup), None)
        for point in points:
            position = lookup[chosen].get(point) if chosen else None
            indices.append(-1 if position is None else starts[chosen] + position)
    return np.asarray(indices, dtype=np.int64)


def _scale(dimensions: PoseHeaderDimensions, source: str | None = None) -> np.ndarray:
    """Divisors (width, height, width) that take pixel coordinates to [0, 1] of the frame."""
    width, height = float(dimensions.width), float(dimensions.height)
    if not (width > 0 and height > 0 and math.isfinite(width) and math.isfinite(height)):
        where = f"{source}: " if source else ""
        raise CorpusFormatError(f"{where}frame dimensions must be positive, got {width}x{height}")
    return np.asarray([width, height, width], dtype=np.float32)


def _closed_loop(n: int) -> tuple[tuple[int, int], ...]:
    return tuple((i, (i + 1) % n) for i in range(n))
