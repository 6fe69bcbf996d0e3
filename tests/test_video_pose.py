"""Video files to keypoints with MediaPipe Holistic: the real How2Sign clips, and bad files."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from slr_lib.data.posefile import read_pose_file
from slr_lib.video_pose import VideoError, read_frames, video_to_pose
from tests.conftest import NO_VIDEO_EXTRA, REAL_CLIPS, needs_real_clips

cv2 = pytest.importorskip("cv2", reason=NO_VIDEO_EXTRA)
pytest.importorskip("mediapipe", reason=NO_VIDEO_EXTRA)


@needs_real_clips
@pytest.mark.parametrize("clip", REAL_CLIPS, ids=lambda p: p.stem)
def test_a_real_clip_becomes_keypoints_with_hands_in_most_frames(tmp_path, clip):
    found = video_to_pose(clip, progress=False)
    frames, fps, _, _ = read_frames(clip)
    assert found.data.shape == (len(frames), 87, 3) and found.fps == pytest.approx(fps)
    assert found.hand_share >= 0.8
    assert found.person_share >= 0.8
    saved = tmp_path / "clip.pose"
    saved.write_bytes(found.pose_bytes)
    data, confidence, _ = read_pose_file(saved)
    np.testing.assert_allclose(data, found.data, atol=1e-6)
    np.testing.assert_array_equal(confidence, found.confidence)


def blank_video(path, n_frames: int = 12):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (160, 120))
    for _ in range(n_frames):
        writer.write(np.full((120, 160, 3), 128, np.uint8))
    writer.release()
    return path


def test_a_video_with_nobody_in_it_is_refused(tmp_path):
    video = blank_video(tmp_path / "empty_room.mp4")
    with pytest.raises(VideoError, match="empty_room.mp4: MediaPipe found no person"):
        video_to_pose(video, progress=False)


def test_a_file_that_is_not_a_video_is_refused(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("these are my notes, not a video\n" * 50)
    with pytest.raises(VideoError, match="notes.mp4: not a video"):
        read_frames(text)


@needs_real_clips
def test_a_truncated_video_is_refused(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(REAL_CLIPS[0].read_bytes()[:3000])
    with pytest.raises(VideoError, match="broken.mp4: (not a video|no frame)"):
        read_frames(broken)


def test_a_missing_file_is_named():
    with pytest.raises(FileNotFoundError, match="nowhere.mp4: no such video file"):
        read_frames("nowhere.mp4")


@needs_real_clips
def test_without_mediapipe_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pose_format.utils.holistic", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[video\]'"):
        video_to_pose(REAL_CLIPS[0], progress=False)
    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[video\]'"):
        read_frames(REAL_CLIPS[0])
