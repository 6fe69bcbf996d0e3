"""OpenPose frame folders (How2Sign keypoints) read into our layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data import layout
from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.openpose import (
    BODY25_INDICES,
    FRAME_MARGIN,
    read_openpose_folder,
    resample_closed_contour,
)
from tests.conftest import REALDATA

WIDTH, HEIGHT = 1280, 720


def flat(points: np.ndarray) -> list[float]:
    return [float(v) for v in np.asarray(points, dtype=float).ravel()]


def lip_face() -> np.ndarray:
    """70 face points (x, y, c) with an iBUG-style outer lip: 48 at the image left, 54 right."""
    face = np.zeros((70, 3))
    face[:, 2] = 0.8
    face[:, 0] = 500 + np.arange(70)
    face[:, 1] = 100
    upper = {48: (600, 300), 49: (610, 292), 50: (620, 288), 51: (630, 290), 52: (640, 288),
             53: (650, 292), 54: (660, 300)}  # fmt: skip
    lower = {55: (650, 310), 56: (640, 316), 57: (630, 318), 58: (620, 316), 59: (610, 310)}
    for index, (x, y) in {**upper, **lower}.items():
        face[index, :2] = (x, y)
    return face


def make_person(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def points(n: int) -> np.ndarray:
        xy = rng.uniform(0, 1, (n, 2)) * (WIDTH, HEIGHT)
        return np.column_stack([xy, rng.uniform(0.2, 1, n)])

    return {
        "pose_keypoints_2d": points(25),
        "face_keypoints_2d": lip_face(),
        "hand_left_keypoints_2d": points(21),
        "hand_right_keypoints_2d": points(21),
    }


def write_frame(folder: Path, name: str, people: list[dict]) -> Path:
    frame = {
        "version": 1.3,
        "people": [
            {"person_id": [-1], **{k: flat(v) for k, v in person.items()}} for person in people
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(frame))
    return path


def frame_name(n: int, video: str = "-fZc293MpJk_0-1-rgb_front") -> str:
    return f"{video}_{n:012d}_keypoints.json"


def test_body_hands_and_mouth_corners_map(tmp_path):
    person = make_person()
    write_frame(tmp_path, frame_name(0), [person])
    data, conf = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    assert data.shape == (1, layout.N_POINTS, 3) and conf.shape == (1, layout.N_POINTS)
    scale = np.array([WIDTH, HEIGHT])
    body = person["pose_keypoints_2d"]
    for name, index in BODY25_INDICES.items():
        i = layout.body_index(name)
        np.testing.assert_allclose(data[0, i, :2] * scale, body[index, :2], rtol=1e-5)
        assert conf[0, i] == pytest.approx(body[index, 2])
    np.testing.assert_allclose(data[0, layout.body_index("LEFT_WRIST"), :2] * scale, body[7, :2])
    np.testing.assert_allclose(data[0, layout.body_index("RIGHT_HIP"), :2] * scale, body[9, :2])
    face = person["face_keypoints_2d"]
    np.testing.assert_allclose(data[0, layout.body_index("MOUTH_RIGHT"), :2] * scale, face[48, :2])
    np.testing.assert_allclose(data[0, layout.body_index("MOUTH_LEFT"), :2] * scale, face[54, :2])
    for hand, key in [(layout.LEFT_HAND, "hand_left"), (layout.RIGHT_HAND, "hand_right")]:
        expected = person[f"{key}_keypoints_2d"]
        np.testing.assert_allclose(data[0, hand, :2] * scale, expected[:, :2], rtol=1e-5)
        np.testing.assert_allclose(conf[0, hand], expected[:, 2], rtol=1e-6)
    assert np.all(data[..., 2] == 0)


def test_body_points_without_openpose_counterpart_have_zero_confidence(tmp_path):
    write_frame(tmp_path, frame_name(0), [make_person()])
    data, conf = read_openpose_folder(tmp_path)
    unmatched = set(layout.BODY_POINTS) - set(BODY25_INDICES) - {"MOUTH_LEFT", "MOUTH_RIGHT"}
    assert {"LEFT_EYE_INNER", "RIGHT_EYE_OUTER", "LEFT_PINKY", "RIGHT_THUMB"} <= unmatched
    for name in unmatched:
        assert conf[0, layout.body_index(name)] == 0
        assert np.all(data[0, layout.body_index(name)] == 0)


def test_mouth_follows_the_face_mesh_contour_order(tmp_path):
    person = make_person()
    write_frame(tmp_path, frame_name(0), [person])
    data, conf = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    mouth = data[0, layout.MOUTH, :2] * (WIDTH, HEIGHT)
    face = person["face_keypoints_2d"]
    # Anchors: corners (Face Mesh 61, 291) and lip middles (17 lower, 0 upper).
    for ours, openpose in [(0, 48), (5, 57), (10, 54), (15, 51)]:
        np.testing.assert_allclose(mouth[ours], face[openpose, :2], rtol=1e-5)
    assert layout.MOUTH_FACE_MESH_INDICES[5] == 17 and layout.MOUTH_FACE_MESH_INDICES[15] == 0
    assert np.all(mouth[1:10, 1] > 300) and np.all(mouth[11:20, 1] < 300)  # lower, then upper
    assert np.all(np.diff(mouth[0:11, 0]) > 0) and np.all(np.diff(mouth[10:20, 0]) < 0)
    np.testing.assert_allclose(mouth[1], 0.4 * face[48, :2] + 0.6 * face[59, :2], rtol=1e-5)
    np.testing.assert_allclose(mouth[19], 0.6 * face[49, :2] + 0.4 * face[48, :2], rtol=1e-5)
    np.testing.assert_allclose(conf[0, layout.MOUTH], 0.8, rtol=1e-6)


def test_resampled_mouth_point_takes_the_smaller_confidence():
    contour = np.column_stack([np.arange(12.0), np.zeros(12), np.full(12, 0.9)])
    contour[1, 2] = 0.3
    out = resample_closed_contour(contour, 20)
    assert out.shape == (20, 3)
    np.testing.assert_allclose(out[:, 0][[0, 5, 10, 15]], [0, 3, 6, 9])
    assert out[1, 2] == pytest.approx(0.3) and out[2, 2] == pytest.approx(0.3)
    assert out[0, 2] == pytest.approx(0.9) and out[5, 2] == pytest.approx(0.9)


def test_frames_sorted_by_number_and_empty_frames(tmp_path):
    people = {n: make_person(seed=n) for n in (0, 2, 10)}
    for n in (10, 2, 0):
        write_frame(tmp_path, f"clip_{n}_keypoints.json", [people[n]])
    write_frame(tmp_path, "clip_5_keypoints.json", [])
    (tmp_path / "notes.txt").write_text("ignored")
    data, conf = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    assert len(data) == 4
    nose_x = [people[n]["pose_keypoints_2d"][0, 0] / WIDTH for n in (0, 2)]
    np.testing.assert_allclose(data[:2, layout.body_index("NOSE"), 0], nose_x, rtol=1e-5)
    assert not conf[2].any() and not data[2].any()  # frame 5: nobody
    expected = people[10]["pose_keypoints_2d"][0, 0] / WIDTH
    assert data[3, layout.body_index("NOSE"), 0] == pytest.approx(expected, rel=1e-5)


def test_only_person_zero_and_missing_parts(tmp_path):
    first, second = make_person(1), make_person(2)
    first["hand_left_keypoints_2d"] = np.zeros((0, 3))  # OpenPose run without this part
    del first["face_keypoints_2d"]
    first["pose_keypoints_2d"][7] = 0  # undetected left wrist: x = y = c = 0
    write_frame(tmp_path, frame_name(3), [first, second])
    data, conf = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    expected = first["hand_right_keypoints_2d"][:, 0] / WIDTH
    np.testing.assert_allclose(data[0, layout.RIGHT_HAND, 0], expected, rtol=1e-5)
    assert not conf[0, layout.LEFT_HAND].any() and not conf[0, layout.MOUTH].any()
    assert conf[0, layout.body_index("LEFT_WRIST")] == 0
    assert conf[0, layout.body_index("MOUTH_LEFT")] == 0


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(CorpusFormatError, match="no OpenPose"):
        read_openpose_folder(tmp_path)
    with pytest.raises(CorpusFormatError, match="not found"):
        read_openpose_folder(tmp_path / "absent")


def test_unparsable_json_names_the_file(tmp_path):
    write_frame(tmp_path, frame_name(0), [make_person()])
    (tmp_path / frame_name(1)).write_text('{"version": 1.3, "people": [')
    with pytest.raises(CorpusFormatError, match=frame_name(1)):
        read_openpose_folder(tmp_path)


def test_not_an_openpose_frame(tmp_path):
    (tmp_path / frame_name(0)).write_text("[1, 2, 3]")
    with pytest.raises(CorpusFormatError, match="people"):
        read_openpose_folder(tmp_path)


@pytest.mark.parametrize(
    "key", ["pose_keypoints_2d", "face_keypoints_2d", "hand_right_keypoints_2d"]
)
def test_wrong_keypoint_length_names_file_and_key(tmp_path, key):
    person = make_person()
    person[key] = person[key][:-1]
    write_frame(tmp_path, frame_name(0), [make_person()])
    write_frame(tmp_path, frame_name(1), [person])
    with pytest.raises(CorpusFormatError, match=rf"{frame_name(1)}.*{key}"):
        read_openpose_folder(tmp_path)


def test_duplicate_frame_number(tmp_path):
    write_frame(tmp_path, "a_7_keypoints.json", [make_person()])
    write_frame(tmp_path, "a_007_keypoints.json", [make_person()])
    with pytest.raises(CorpusFormatError, match="frame 7"):
        read_openpose_folder(tmp_path)


# --- bad values and the frame size -------------------------------------------------------------

REAL_OPENPOSE = REALDATA / "openpose"
needs_real_openpose = pytest.mark.skipif(
    not any(REAL_OPENPOSE.glob("*_keypoints.json")),
    reason=f"real OpenPose frames not at {REAL_OPENPOSE} (../shared/realdata/openpose)",
)


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "values", [(NAN, 300.0, 0.9), (640.0, INF, 0.9), (640.0, 300.0, NAN), (0.0, 0.0, -INF)]
)
def test_non_finite_values_name_file_frame_and_point(tmp_path, values):
    person = make_person()
    person["pose_keypoints_2d"][4] = values  # json writes them as NaN, Infinity, -Infinity
    write_frame(tmp_path, frame_name(0), [make_person()])
    path = write_frame(tmp_path, frame_name(1), [person])
    assert "NaN" in path.read_text() or "Infinity" in path.read_text()
    with pytest.raises(CorpusFormatError, match="NaN or infinite") as error:
        read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    assert f"{path} (frame 1)" in str(error.value)
    assert "pose_keypoints_2d point 4" in str(error.value)


def test_undetected_points_may_hold_junk(tmp_path):
    person = make_person()
    person["pose_keypoints_2d"][4] = (NAN, INF, 0.0)  # the right wrist
    person["face_keypoints_2d"][59] = (NAN, -5e6, 0.0)  # a lip point next to detected ones
    write_frame(tmp_path, frame_name(0), [person])
    data, conf = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    assert np.isfinite(data).all() and np.abs(data).max() <= 1
    assert conf[0, layout.body_index("RIGHT_WRIST")] == 0
    assert not data[0, layout.body_index("RIGHT_WRIST")].any()


@pytest.mark.parametrize(
    ("x", "y", "ok"),
    [
        (1.2 * WIDTH, 0.5 * HEIGHT, True),
        (-0.2 * WIDTH, 1.2 * HEIGHT, True),
        (1.3 * WIDTH, 0.5 * HEIGHT, False),
        (0.5 * WIDTH, -0.3 * HEIGHT, False),
        (1e308, 0.5 * HEIGHT, False),
    ],
)
def test_points_beyond_the_margin_mean_a_wrong_frame_size(tmp_path, x, y, ok):
    assert FRAME_MARGIN == 0.25
    person = make_person()
    person["hand_left_keypoints_2d"][8] = (x, y, 0.7)
    write_frame(tmp_path, frame_name(0), [make_person()])
    path = write_frame(tmp_path, frame_name(1), [person])
    if ok:
        data, _ = read_openpose_folder(tmp_path, WIDTH, HEIGHT)
        expected = (x / WIDTH, y / HEIGHT)
        np.testing.assert_allclose(data[1, layout.LEFT_HAND.start + 8, :2], expected, rtol=1e-6)
        return
    with pytest.raises(CorpusFormatError, match="frame size 1280x720 is probably wrong") as error:
        read_openpose_folder(tmp_path, WIDTH, HEIGHT)
    message = str(error.value)
    assert f"{path} (frame 1)" in message and "LEFT_HAND_LANDMARKS INDEX_FINGER_TIP" in message
    assert "frame_size=(width, height)" in message


@pytest.mark.parametrize("size", [(0, 720), (1280, -1), (float("nan"), 720), ("1280", 720)])
def test_frame_size_must_be_positive(tmp_path, size):
    write_frame(tmp_path, frame_name(0), [make_person()])
    with pytest.raises(ValueError, match="frame size must be positive"):
        read_openpose_folder(tmp_path, *size)


@needs_real_openpose
def test_real_frames_read_at_their_frame_size():
    data, conf = read_openpose_folder(REAL_OPENPOSE, 1280, 720)
    assert data.shape == (9, layout.N_POINTS, 3) and data.dtype == np.float32
    seen = data[..., :2][conf > 0]
    assert seen.min() > 0.2 and seen.max() < 0.9  # within the 1280x720 frame


@needs_real_openpose
def test_real_frames_of_a_larger_video_need_its_frame_size(tmp_path):
    """The real frames' pixels scaled to a 1920x1080 video: at the default 1280x720 their hips
    fall 0.29 frame heights below the frame, which names the frame size."""
    for source in sorted(REAL_OPENPOSE.glob("*_keypoints.json")):
        frame = json.loads(source.read_text())
        for person in frame["people"]:
            for key, values in person.items():
                if key.endswith("_2d") and values:
                    xyc = np.asarray(values, dtype=float).reshape(-1, 3)
                    xyc[:, :2] *= 1.5
                    person[key] = flat(xyc)
        (tmp_path / source.name).write_text(json.dumps(frame))
    with pytest.raises(CorpusFormatError, match="frame size 1280x720 is probably wrong") as error:
        read_openpose_folder(tmp_path)
    assert "video_000000000000_keypoints.json (frame 0)" in str(error.value)
    assert "frame_size=(width, height)" in str(error.value)
    data, conf = read_openpose_folder(tmp_path, 1920, 1080)
    original, original_conf = read_openpose_folder(REAL_OPENPOSE, 1280, 720)
    np.testing.assert_allclose(data, original, atol=1e-6)
    np.testing.assert_array_equal(conf, original_conf)
