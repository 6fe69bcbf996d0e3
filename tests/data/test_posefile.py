"""`.pose` files: our layout round trip, real MediaPipe clips, corrupt files, the lexicon index."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from pose_format import Pose
from pose_format.numpy.pose_body import NumPyPoseBody
from pose_format.pose_header import PoseHeader, PoseHeaderComponent, PoseHeaderDimensions

from slr_lib.data import layout
from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.openpose import read_openpose_folder
from slr_lib.data.posefile import (
    FRAME_MARGIN,
    fingerspelling_clips,
    from_layout,
    read_pose_file,
    to_layout,
    write_pose_file,
)
from tests.conftest import REALDATA

MEDIAPIPE_BODY = layout.BODY_POINTS + (
    "LEFT_KNEE", "RIGHT_KNEE", "LEFT_ANKLE", "RIGHT_ANKLE", "LEFT_HEEL", "RIGHT_HEEL",
    "LEFT_FOOT_INDEX", "RIGHT_FOOT_INDEX",
)  # fmt: skip


def random_layout(n_frames: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.uniform(0, 1, (n_frames, layout.N_POINTS, layout.N_DIMS)).astype(np.float32)
    conf = rng.uniform(0.1, 1, (n_frames, layout.N_POINTS)).astype(np.float32)
    return data, conf


def component(name: str, points: list[str] | tuple[str, ...], fmt: str = "XYZC"):
    return PoseHeaderComponent(name, list(points), [], [(255, 0, 0)], fmt)


def make_pose(
    components, data: np.ndarray, conf: np.ndarray, width=640, height=480, fps=25.0
) -> Pose:
    header = PoseHeader(0.2, PoseHeaderDimensions(width, height, 0), components)
    return Pose(header, NumPyPoseBody(fps, data, conf))


def write_pose(path: Path, pose: Pose) -> Path:
    """`pose` written as a `.pose` file by pose-format itself."""
    buffer = io.BytesIO()
    pose.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def holistic_components(n_face: int = 478) -> list[PoseHeaderComponent]:
    return [
        component("POSE_LANDMARKS", MEDIAPIPE_BODY),
        component("FACE_LANDMARKS", [str(i) for i in range(n_face)]),
        component("LEFT_HAND_LANDMARKS", layout.HAND_POINTS),
        component("RIGHT_HAND_LANDMARKS", layout.HAND_POINTS),
        component("POSE_WORLD_LANDMARKS", MEDIAPIPE_BODY),
    ]


@pytest.fixture(scope="module")
def ase_clips() -> dict[str, Path]:
    return fingerspelling_clips("ase")


def test_round_trip_through_a_pose_file(tmp_path):
    data, conf = random_layout()
    path = write_pose_file(tmp_path / "clip.pose", data, conf, fps=29.97)
    back, back_conf, fps = read_pose_file(path)
    np.testing.assert_allclose(back, data, atol=1e-5)
    np.testing.assert_allclose(back_conf, conf, atol=1e-7)
    assert fps == pytest.approx(29.97, rel=1e-6)
    assert back.dtype == np.float32 and back_conf.dtype == np.float32


def test_round_trip_with_other_frame_size_and_missing_points(tmp_path):
    data, conf = random_layout(seed=1)
    conf[:, layout.LEFT_HAND] = 0
    path = write_pose_file(tmp_path / "clip.pose", data, conf, fps=25, width=1280, height=720)
    back, back_conf, _ = read_pose_file(path)
    kept = conf > 0
    np.testing.assert_allclose(back[kept], data[kept], atol=1e-5)
    assert np.all(back_conf[:, layout.LEFT_HAND] == 0)
    assert np.all(back[:, layout.LEFT_HAND] == 0)


def test_from_layout_header_follows_the_layout():
    data, conf = random_layout(n_frames=2)
    pose = from_layout(data, conf, fps=25, width=800, height=600)
    assert [c.name for c in pose.header.components] == [n for n, _ in layout.COMPONENTS]
    assert [tuple(c.points) for c in pose.header.components] == [p for _, p in layout.COMPONENTS]
    assert all(c.format == "XYZC" for c in pose.header.components)
    assert pose.body.data.shape == (2, 1, layout.N_POINTS, 3)
    np.testing.assert_allclose(pose.body.data[0, 0, 0, 0], data[0, 0, 0] * 800, rtol=1e-6)
    np.testing.assert_allclose(pose.body.data[0, 0, 0, 1], data[0, 0, 1] * 600, rtol=1e-6)


def test_from_layout_rejects_wrong_shapes():
    data, conf = random_layout(n_frames=2)
    with pytest.raises(ValueError, match="pose data"):
        from_layout(data[:, :10], conf, fps=25)
    with pytest.raises(ValueError, match="confidence"):
        from_layout(data, conf[:1], fps=25)


def test_mediapipe_layout_selects_points_by_name():
    components = holistic_components()
    n_total = sum(len(c.points) for c in components)
    data = np.zeros((3, 2, n_total, 3), np.float32)
    data[..., 0] = np.arange(n_total)  # x = flat point index
    data[..., 1] = 100.0
    data[:, 1] = 999.0  # person 1 must be ignored
    conf = np.ones((3, 2, n_total), np.float32)
    face_start = len(MEDIAPIPE_BODY)
    lh_start = face_start + 478
    conf[1, 0, lh_start + 4] = 0  # missing thumb tip in frame 1
    pose = make_pose(components, data, conf, width=1000, height=200)

    out, out_conf, fps = to_layout(pose)
    assert out.shape == (3, layout.N_POINTS, 3) and fps == 25.0
    x = out[0, :, 0] * 1000
    np.testing.assert_allclose(x[layout.BODY], np.arange(25))
    np.testing.assert_allclose(x[layout.LEFT_HAND], lh_start + np.arange(21))
    np.testing.assert_allclose(x[layout.RIGHT_HAND], lh_start + 21 + np.arange(21))
    np.testing.assert_allclose(
        x[layout.MOUTH], face_start + np.array(layout.MOUTH_FACE_MESH_INDICES)
    )
    np.testing.assert_allclose(out[0, :, 1], 0.5)
    assert out_conf[1, layout.LEFT_HAND.start + 4] == 0
    assert np.all(out[1, layout.LEFT_HAND.start + 4] == 0)
    assert out_conf.sum() == 3 * layout.N_POINTS - 1


def test_mediapipe_468_face_and_absent_components():
    components = [
        component("POSE_LANDMARKS", MEDIAPIPE_BODY),
        component("FACE_LANDMARKS", [str(i) for i in range(468)]),
    ]
    n_total = sum(len(c.points) for c in components)
    pose = make_pose(components, np.ones((2, 1, n_total, 3)), np.ones((2, 1, n_total)))
    _, conf, _ = to_layout(pose)
    assert np.all(conf[:, layout.BODY] == 1) and np.all(conf[:, layout.MOUTH] == 1)
    assert np.all(conf[:, layout.LEFT_HAND] == 0) and np.all(conf[:, layout.RIGHT_HAND] == 0)


def test_two_dimensional_points_get_zero_z():
    components = [component("RIGHT_HAND_LANDMARKS", layout.HAND_POINTS, fmt="XYC")]
    pose = make_pose(components, np.full((1, 1, 21, 2), 320.0), np.ones((1, 1, 21)))
    data, conf, _ = to_layout(pose)
    np.testing.assert_allclose(data[0, layout.RIGHT_HAND, 0], 0.5)
    assert np.all(data[..., 2] == 0) and np.all(conf[0, layout.RIGHT_HAND] == 1)


def test_no_people_and_nan_values_of_undetected_points():
    components = [component("LEFT_HAND_LANDMARKS", layout.HAND_POINTS)]
    empty = make_pose(components, np.zeros((4, 0, 21, 3)), np.zeros((4, 0, 21)))
    data, conf, _ = to_layout(empty)
    assert data.shape == (4, layout.N_POINTS, 3) and not conf.any()
    values = np.ones((1, 1, 21, 3))
    values[0, 0, 3] = (np.nan, np.inf, -np.inf)
    confidence = np.ones((1, 1, 21))
    confidence[0, 0, 3] = 0  # not detected: may hold anything
    data, conf, _ = to_layout(make_pose(components, values, confidence))
    assert conf[0, layout.LEFT_HAND.start + 3] == 0 and np.isfinite(data).all()


def test_real_asl_clip_converts(ase_clips):
    data, conf, fps = read_pose_file(ase_clips["A"])
    assert data.ndim == 3 and data.shape[1:] == (layout.N_POINTS, 3) and len(data) > 5
    assert fps > 0
    hands = np.concatenate([conf[:, layout.LEFT_HAND], conf[:, layout.RIGHT_HAND]], axis=1)
    assert (hands > 0).any(axis=1).mean() > 0.5
    seen = conf > 0
    xy = data[..., :2][seen]
    assert ((xy >= 0) & (xy <= 1)).all(axis=1).mean() > 0.9
    assert (conf[:, layout.MOUTH] > 0).all()


def test_real_clip_mouth_starts_at_the_signers_right_corner(ase_clips):
    data, _, _ = read_pose_file(ase_clips["B"])
    first = data[:, layout.MOUTH.start, :2]
    right = data[:, layout.body_index("MOUTH_RIGHT"), :2]
    left = data[:, layout.body_index("MOUTH_LEFT"), :2]
    assert np.all(np.linalg.norm(first - right, axis=1) < np.linalg.norm(first - left, axis=1))
    lower = data[:, layout.MOUTH.start + 5, 1]
    upper = data[:, layout.MOUTH.start + 15, 1]
    assert np.all(lower > upper)  # y grows downwards: lower lip below upper lip


def test_every_ase_letter_reads(ase_clips):
    for letter, path in ase_clips.items():
        data, conf, _ = read_pose_file(path)
        assert len(data) > 0 and conf[:, layout.RIGHT_HAND].any(), letter


@pytest.mark.parametrize("keep", [0, 3, 60, 0.5])
def test_truncated_file_names_the_file(tmp_path, ase_clips, keep):
    raw = ase_clips["C"].read_bytes()
    n = int(len(raw) * keep) if isinstance(keep, float) else keep
    path = tmp_path / "broken_clip.pose"
    path.write_bytes(raw[:n])
    with pytest.raises(CorpusFormatError, match="broken_clip.pose"):
        read_pose_file(path)


def test_file_without_body_or_hands_names_file_and_components(tmp_path):
    components = [component("FACE_LANDMARKS", [str(i) for i in range(468)])]
    buffer = io.BytesIO()
    make_pose(components, np.ones((1, 1, 468, 3)), np.ones((1, 1, 468))).write(buffer)
    path = tmp_path / "face_only.pose"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(CorpusFormatError, match=r"face_only\.pose.*FACE_LANDMARKS"):
        read_pose_file(path)


def test_fingerspelling_clips_ase_has_26_letters(ase_clips):
    assert sorted(ase_clips) == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    assert all(p.is_file() and p.suffix == ".pose" for p in ase_clips.values())


def test_fingerspelling_clips_unknown_language_lists_available():
    with pytest.raises(ValueError, match=r"'xyz'.*ase"):
        fingerspelling_clips("xyz")


# --- bad values --------------------------------------------------------------------------------

REAL_POSE = REALDATA / "pose"
needs_real_pose = pytest.mark.skipif(
    not (REAL_POSE / "colin-SAD.pose").is_file(),
    reason=f"real .pose files not at {REAL_POSE} (../shared/realdata/pose)",
)
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("point", "values", "confidence"),
    [
        (layout.body_index("LEFT_WRIST"), (NAN, 0.5, 0.0), 0.9),
        (layout.RIGHT_HAND.start + 8, (0.5, INF, 0.0), 1.0),
        (layout.MOUTH.start, (0.5, 0.5, -INF), 0.5),
        (layout.body_index("NOSE"), (0.5, 0.5, 0.0), NAN),
        (layout.body_index("NOSE"), (0.5, 0.5, 0.0), INF),
    ],
)
def test_non_finite_values_name_file_frame_and_point(tmp_path, point, values, confidence):
    data, conf = random_layout(n_frames=6)
    data[4, point], conf[4, point] = values, confidence
    path = write_pose_file(tmp_path / "clip.pose", data, conf, fps=25)
    with pytest.raises(CorpusFormatError, match="NaN or infinite") as error:
        read_pose_file(path)
    assert f"{path}, frame 4: {layout_point(point)} has" in str(error.value)


def layout_point(index: int) -> str:
    """'COMPONENT NAME' of a point of the layout, written out here to check the messages."""
    names = [f"{c} {p}" for c, points in layout.COMPONENTS for p in points]
    return names[index]


def test_undetected_points_may_hold_junk_in_a_file(tmp_path):
    data, conf = random_layout(n_frames=3)
    data[1, 5], conf[1, 5] = (NAN, INF, 1e30), 0.0
    data[2, 40], conf[2, 40] = (1e6, -1e6, 0.0), 0.0
    back, back_conf, _ = read_pose_file(write_pose_file(tmp_path / "c.pose", data, conf, 25))
    assert np.isfinite(back).all() and not back[1, 5].any() and not back[2, 40].any()
    assert back_conf[1, 5] == back_conf[2, 40] == 0


@pytest.mark.parametrize(
    ("x", "ok"), [(1.0 + FRAME_MARGIN - 0.05, True), (-FRAME_MARGIN + 0.05, True),
                  (1.0 + FRAME_MARGIN + 0.05, False), (-FRAME_MARGIN - 0.05, False),
                  (1e30, False)],
)  # fmt: skip
def test_points_beyond_the_margin_name_file_frame_and_point(tmp_path, x, ok):
    data, conf = random_layout(n_frames=4)
    point = layout.LEFT_HAND.start + 4
    data[2, point, 0] = x
    path = write_pose_file(tmp_path / "clip.pose", data, conf, fps=25, width=640, height=480)
    if ok:
        assert read_pose_file(path)[0][2, point, 0] == pytest.approx(x, rel=1e-5)
        return
    with pytest.raises(CorpusFormatError, match="frame sizes outside") as error:
        read_pose_file(path)
    message = str(error.value)
    assert f"{path}, frame 2: LEFT_HAND_LANDMARKS THUMB_TIP" in message
    assert "frame dimensions in the header (640x480)" in message


@pytest.mark.parametrize("fps", [0.0, -25.0, NAN, INF])
def test_a_bad_frame_rate_is_refused(tmp_path, fps):
    components = [component("LEFT_HAND_LANDMARKS", layout.HAND_POINTS)]
    pose = make_pose(components, np.ones((2, 1, 21, 3)), np.ones((2, 1, 21)), fps=fps)
    path = write_pose(tmp_path / "bad_fps.pose", pose)
    with pytest.raises(CorpusFormatError, match=r"bad_fps\.pose: frame rate must be a positive"):
        read_pose_file(path)
    with pytest.raises(ValueError, match="frame rate must be a positive"):
        write_pose_file(tmp_path / "out.pose", *random_layout(n_frames=1), fps=fps)


def test_a_bad_frame_size_is_refused(tmp_path):
    components = [component("LEFT_HAND_LANDMARKS", layout.HAND_POINTS)]
    pose = make_pose(components, np.ones((2, 1, 21, 3)), np.ones((2, 1, 21)), width=0)
    path = write_pose(tmp_path / "no_width.pose", pose)
    with pytest.raises(CorpusFormatError, match=r"no_width\.pose: frame dimensions must be"):
        read_pose_file(path)


def test_a_file_of_no_frames_reads_as_empty(tmp_path):
    path = write_pose_file(tmp_path / "empty.pose", *random_layout(n_frames=0), fps=24)
    data, conf, fps = read_pose_file(path)
    assert data.shape == (0, layout.N_POINTS, 3) and conf.shape == (0, layout.N_POINTS)
    assert fps == 24


@needs_real_pose
@pytest.mark.parametrize("name", ["colin-1-HOUSE.pose", "colin-SAD.pose", "posefmt_mediapipe.pose"])
def test_real_mediapipe_files_read_within_the_margin(name):
    data, conf, fps = read_pose_file(REAL_POSE / name)
    assert len(data) > 50 and fps > 0 and np.isfinite(data).all()
    seen = data[..., :2][conf > 0]
    assert seen.max() <= 1 + FRAME_MARGIN and seen.min() >= -FRAME_MARGIN


@needs_real_pose
def test_real_colin_clips_reach_far_below_the_frame():
    """Why FRAME_MARGIN is a whole frame: MediaPipe places the arms of the real colin clips
    up to 0.71 frame heights below the frame, some with high confidence."""
    data, conf, _ = read_pose_file(REAL_POSE / "colin-1-HOUSE.pose")
    below = (conf > 0.5) & (data[..., 1] > 1.5)
    assert below.any()


@needs_real_pose
def test_a_real_file_with_a_bad_value_names_its_frame(tmp_path):
    data, conf, fps = read_pose_file(REAL_POSE / "colin-SAD.pose")
    wrist = layout.body_index("RIGHT_WRIST")
    assert conf[30, wrist] > 0
    data[30, wrist, 0] = np.nan
    path = write_pose_file(tmp_path / "colin_nan.pose", data, conf, fps, 1280, 720)
    with pytest.raises(
        CorpusFormatError,
        match=r"colin_nan\.pose, frame 30: POSE_LANDMARKS "
        r"RIGHT_WRIST has NaN or infinite values",
    ):
        read_pose_file(path)


@needs_real_pose
def test_a_real_file_with_the_wrong_frame_size_in_its_header_is_refused(tmp_path):
    """The real clip written with pixel coordinates of its 1280x720 frame but a header that
    says 640x360: every point lands twice as far, the arms 2.4 frame heights down."""
    data, conf, fps = read_pose_file(REAL_POSE / "colin-SAD.pose")
    path = write_pose_file(tmp_path / "small.pose", data * 2, conf, fps, 640, 360)
    with pytest.raises(CorpusFormatError, match=r"header \(640x360\) the video's"):
        read_pose_file(path)


REAL_OPENPOSE = REALDATA / "openpose"


@needs_real_pose
def test_real_openpose_layout_file_reads():
    data, conf, fps = read_pose_file(REAL_POSE / "posefmt_openpose.pose")
    assert data.shape == (93, layout.N_POINTS, 3) and fps == 24.0
    assert (conf[:, layout.LEFT_HAND] > 0).any() and (conf[:, layout.MOUTH] > 0).any()


@needs_real_pose
def test_openpose_frames_read_the_same_as_json_and_as_a_pose_file():
    """pose-format's own OpenPose reader, then ours, gives what our JSON reader gives."""
    from pose_format.utils.openpose import load_openpose_directory

    pose = load_openpose_directory(str(REAL_OPENPOSE), fps=24, width=1280, height=720)
    data, conf, _ = to_layout(pose, "openpose.pose")
    json_data, json_conf = read_openpose_folder(REAL_OPENPOSE, 1280, 720)
    np.testing.assert_allclose(data, json_data, atol=1e-6)
    np.testing.assert_array_equal(conf, json_conf)
    assert (conf > 0).mean() > 0.3
