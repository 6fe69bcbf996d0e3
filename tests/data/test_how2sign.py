"""How2Sign adapter: sentence tables (tab- and comma-separated) and corpus assembly."""

from __future__ import annotations

import csv
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data import layout
from slr_lib.data.corpus import Corpus, CorpusFormatError
from slr_lib.data.how2sign import load_how2sign, read_sentence_table
from slr_lib.data.layout import N_POINTS
from slr_lib.data.posefile import write_pose_file
from tests.conftest import REALDATA

ID_HEADER = ["VIDEO_ID", "VIDEO_NAME", "SENTENCE_ID", "SENTENCE_NAME"]
REALIGNED = ["START_REALIGNED", "END_REALIGNED"]
ORIGINAL = ["START", "END"]


def sentence(video: str, number: int, start: float, end: float, text: str) -> list[str]:
    """One How2Sign row: YouTube id, source video, sentence id, clip name, times, text."""
    youtube = video.split("-")[0]
    clip = f"{youtube}_{number}-{video.split('-', 1)[1]}"
    return [youtube, video, f"{youtube}_{number}", clip, str(start), str(end), text]


def write_tsv(path: Path, times: list[str], rows: list[list[str]]) -> Path:
    header = [*ID_HEADER, *times, "SENTENCE"]
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n")
    return path


ROWS_TRAIN = [
    sentence("aaa-1-rgb_front", 0, 0.5, 2.0, 'He said "hi", then left.'),
    sentence("aaa-1-rgb_front", 1, 2.5, 4.0, "Second one."),
    sentence("aaa-1-rgb_front", 2, 3.0, 9.0, "Runs past the end of the video."),
    sentence("bbb-2-rgb_front", 0, 1.0, 2.0, "Other video."),
    sentence("ccc-3-rgb_front", 0, 1.0, 2.0, "Video without keypoints."),
]
ROWS_VAL = [sentence("ddd-1-rgb_front", 0, 0.0, 1.0, "Validation.")]


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """Realigned tables for train and val; the original (speech) table for train only."""
    folder = tmp_path / "tables"
    folder.mkdir()
    write_tsv(folder / "how2sign_realigned_train.csv", REALIGNED, ROWS_TRAIN)
    write_tsv(folder / "how2sign_realigned_val.csv", REALIGNED, ROWS_VAL)
    speech = [r[:4] + [str(float(r[4]) - 0.25), str(float(r[5]) + 0.25), r[6]] for r in ROWS_TRAIN]
    write_tsv(folder / "how2sign_train.csv", ORIGINAL, speech[1:])  # the first has no speech row
    return folder


FRAME_STEP = 0.001  # x of every point in frame k is k * FRAME_STEP, inside the frame


def keypoints(n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Keypoints whose x coordinate tells the frame number, to check which frames come back."""
    data = np.zeros((n_frames, N_POINTS, 3), np.float32)
    data[:, :, 0] = np.arange(n_frames)[:, None] * FRAME_STEP
    return data, np.ones((n_frames, N_POINTS), np.float32)


def frame_numbers(data: np.ndarray) -> list[int]:
    """The frame numbers that `keypoints` wrote into the frames of `data`."""
    return np.rint(data[:, 0, 0] / FRAME_STEP).astype(int).tolist()


def save_keypoints(path: Path, n_frames: int, fps: float = 24.0) -> None:
    data, conf = keypoints(n_frames)
    with path.open("wb") as handle:
        np.savez(handle, data=data, conf=conf, fps=fps)


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Stand-ins for the posefile and OpenPose readers (keypoints saved with `save_keypoints`)."""
    calls: dict[str, list] = {"pose": [], "openpose": []}

    def read_pose_file(path):
        calls["pose"].append(Path(path).name)
        with np.load(path) as f:
            return f["data"], f["conf"], float(f["fps"])

    def read_openpose_folder(folder, width, height):
        calls["openpose"].append((Path(folder).name, width, height))
        with np.load(Path(folder) / "keypoints.npz") as f:
            return f["data"], f["conf"]

    for name, function in [("posefile", read_pose_file), ("openpose", read_openpose_folder)]:
        module = types.ModuleType(f"slr_lib.data.{name}")
        setattr(module, function.__name__, function)
        monkeypatch.setitem(sys.modules, f"slr_lib.data.{name}", module)
    return calls


@pytest.fixture
def pose_dir(tmp_path: Path) -> Path:
    """`.pose` files for every source video but ccc (aaa: 5 s, bbb: 3 s at 24 fps, ddd: 2 s)."""
    folder = tmp_path / "poses"
    folder.mkdir()
    for video, frames in [
        ("aaa-1-rgb_front", 120),
        ("bbb-2-rgb_front", 72),
        ("ddd-1-rgb_front", 48),
    ]:
        save_keypoints(folder / f"{video}.pose", frames)
    return folder


def test_tab_table_keeps_inner_quotes_and_says_its_timing(tables):
    table = read_sentence_table(tables / "how2sign_realigned_train.csv")
    assert table.attrs["timing"] == "sign"
    assert list(table.columns[:7]) == [
        "video_id", "video_name", "sentence_id", "sentence_name", "start", "end", "text",
    ]  # fmt: skip
    first = table.iloc[0]
    assert (first["video_id"], first["video_name"]) == ("aaa", "aaa-1-rgb_front")
    assert first["sentence_name"] == "aaa_0-1-rgb_front"
    assert first["text"] == 'He said "hi", then left.'
    assert (first["start"], first["end"], first["signer"]) == (0.5, 2.0, "unknown")


def test_comma_copy_with_quoted_sentences_and_a_signer_column(tmp_path):
    path = tmp_path / "how2sign_val.csv"
    path.write_text(
        "VIDEO_ID,VIDEO_NAME,SENTENCE_ID,SENTENCE_NAME,START,END,SENTENCE,SIGNER\n"
        'x,x-1-rgb_front,x_0,x_0-1-rgb_front,1.5,3.25,"Yes, he said ""no"".",s7\n'
    )
    table = read_sentence_table(path)
    assert table.attrs["timing"] == "speech"
    assert table.loc[0, "text"] == 'Yes, he said "no".'
    assert (table.loc[0, "end"], table.loc[0, "signer"]) == (3.25, "s7")


def test_missing_columns_are_listed_with_those_found(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "VIDEO_ID\tVIDEO_NAME\tSTART_REALIGNED\tEND_REALIGNED\tSENTENCE\nx\ty\t1\t2\tz\n"
    )
    with pytest.raises(CorpusFormatError, match="missing columns") as error:
        read_sentence_table(path)
    message = str(error.value)
    assert str(path) in message and "SENTENCE_NAME" in message and "VIDEO_NAME" in message


def test_a_table_without_timing_columns_is_refused(tmp_path):
    path = write_tsv(tmp_path / "t.csv", ["FROM", "TO"], [])
    with pytest.raises(CorpusFormatError, match="START_REALIGNED/END_REALIGNED or START/END"):
        read_sentence_table(path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (sentence("v-1-x", 9, 1.0, 2.0, "x")[:4] + ["soon", "2.0", "x"], "START_REALIGNED"),
        (sentence("v-1-x", 9, 1.0, 2.0, "x")[:4] + ["1.0", "nan", "x"], "END_REALIGNED"),
        (sentence("v-1-x", 9, 3.0, 2.0, "x"), "start 3.0 >= end 2.0"),
        (sentence("v-1-x", 9, 2.0, 2.0, "x"), "start 2.0 >= end 2.0"),
        (sentence("v-1-x", 9, -0.5, 2.0, "x"), "START_REALIGNED is -0.5, below 0"),
        (sentence("v-1-x", 9, 1.0, 1e308, "x"), r"END_REALIGNED is 1e\+308, above 86400"),
        (sentence("v-1-x", 9, 86400.5, 86401.0, "x"), "START_REALIGNED is 86400.5, above"),
        (sentence("v-1-x", 9, 1.0, 2.0, "x")[:4] + ["1.0", "inf", "x"], "END_REALIGNED"),
        (sentence("v-1-x", 9, 1.0, 2.0, "x")[:4] + ["", "2.0", "x"], "START_REALIGNED"),
        (sentence("v-1-x", 9, 1.0, 2.0, "x")[:6], "6 fields"),
        (sentence("aaa-1-rgb_front", 1, 1.0, 2.0, "again"), "repeats line 3"),
    ],
)
def test_bad_rows_are_named_by_file_and_line(tmp_path, row, message):
    path = write_tsv(tmp_path / "t.csv", REALIGNED, [*ROWS_TRAIN[:2], row])
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_sentence_table(path)
    assert f"{path}, line 4" in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: empty: no header line"),
        ("\r\n\r\n", "line 1: empty: no header line"),
        ("\t".join([*ID_HEADER, *REALIGNED, "SENTENCE"]) + "\r\n", "no sentences"),
    ],
)
def test_an_empty_table_is_refused(tmp_path, text, message):
    path = tmp_path / "how2sign_realigned_val.csv"
    path.write_text(text)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_sentence_table(path)
    assert str(path) in str(error.value)


def test_bad_speech_timings_are_refused_too(tables, pose_dir, readers):
    speech = tables / "how2sign_train.csv"
    write_tsv(speech, ORIGINAL, [ROWS_TRAIN[0][:4] + ["-1.0", "2.0", "x"]])
    with pytest.raises(CorpusFormatError, match="START is -1.0, below 0") as error:
        load_how2sign(tables, pose_dir=pose_dir, splits=("train",))
    assert f"{speech}, line 2" in str(error.value)


def test_corpus_joins_timings_and_counts_what_it_leaves_out(
    tables, pose_dir, readers, warnings_seen
):
    corpus = load_how2sign(tables, pose_dir=pose_dir, splits=("train", "val"))
    assert (corpus.name, corpus.language, corpus.splits) == ("how2sign", "ase", ["train", "val"])
    assert corpus.signs is None
    videos = corpus.videos.set_index("video_id")
    assert list(videos.index) == ["aaa-1-rgb_front", "bbb-2-rgb_front", "ddd-1-rgb_front"]
    assert set(videos["topic"]) == {"unknown"} and set(videos["signer"]) == {"unknown"}
    assert videos.loc["aaa-1-rgb_front", "n_frames"] == 120
    sentences = corpus.sentences.set_index("sentence_id")
    assert "aaa_2-1-rgb_front" not in sentences.index  # ends at 9 s in a 5 s video
    assert "ccc_0-3-rgb_front" not in sentences.index  # no keypoints
    second = sentences.loc["aaa_1-1-rgb_front"]
    assert (second["start_sign"], second["start_speech"], second["end_speech"]) == (2.5, 2.25, 4.25)
    first = sentences.loc["aaa_0-1-rgb_front"]  # no row in the original table: sign timings
    assert (first["start_speech"], first["end_speech"]) == (0.5, 2.0)
    info = corpus.info
    assert info["skipped_missing_video"] == 1 and info["missing_videos"] == 1
    assert info["dropped_outside_video"] == 1
    assert info["speech_table_missing"] == ["val"]
    assert info["per_split"]["train"]["speech_fallback_to_sign"] == 1
    assert info["per_split"]["val"]["speech_fallback_to_sign"] == 1
    assert info["kept_sentences"] == 4 and info["table_sentences"] == 6
    json.dumps(info)
    assert any("no keypoints" in r.getMessage() for r in warnings_seen.records)
    data, _ = corpus.sentence_pose(second)
    assert frame_numbers(data) == list(range(60, 96))  # 2.5 s .. 4.0 s at 24 fps


def test_corpus_survives_saving(tables, pose_dir, readers, tmp_path):
    corpus = load_how2sign(tables, pose_dir=pose_dir, splits=("train", "val"))
    loaded = Corpus.load(corpus.save(tmp_path / "corpus"))
    assert loaded.info["dropped_outside_video"] == 1
    assert loaded.sentences["sentence_id"].tolist() == corpus.sentences["sentence_id"].tolist()


def test_openpose_folders_fill_in_and_use_the_given_frame_rate(tables, pose_dir, readers, tmp_path):
    keypoints_dir = tmp_path / "openpose"
    (keypoints_dir / "ccc-3-rgb_front").mkdir(parents=True)
    save_keypoints(keypoints_dir / "ccc-3-rgb_front" / "keypoints.npz", 30)
    corpus = load_how2sign(
        tables, keypoints_dir, pose_dir, fps=10.0, splits=("train",), frame_size=(640, 480)
    )
    assert readers["openpose"] == [("ccc-3-rgb_front", 640, 480)]
    assert corpus.video("ccc-3-rgb_front")["fps"] == 10.0
    assert corpus.video("aaa-1-rgb_front")["fps"] == 24.0  # from the .pose file
    assert corpus.info["skipped_missing_video"] == 0
    assert corpus.info["keypoints"] == [".pose files", "OpenPose folders"]


def test_a_split_without_any_keypoints_is_an_error(tables, readers, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="none of the 3 source videos") as error:
        load_how2sign(tables, keypoints_dir=empty, splits=("train",))
    assert str(empty) in str(error.value)


def test_keypoints_and_tables_are_required(tables, pose_dir, readers):
    with pytest.raises(ValueError, match="keypoints_dir"):
        load_how2sign(tables)
    with pytest.raises(FileNotFoundError, match="how2sign_realigned_test.csv"):
        load_how2sign(tables, pose_dir=pose_dir)


def test_a_video_in_two_splits_is_an_error(tables, pose_dir, readers):
    write_tsv(
        tables / "how2sign_realigned_val.csv",
        REALIGNED,
        [sentence("bbb-2-rgb_front", 5, 0, 1, "x")],
    )
    with pytest.raises(CorpusFormatError, match="'bbb-2-rgb_front' is in splits"):
        load_how2sign(tables, pose_dir=pose_dir, splits=("train", "val"))


def test_keypoints_off_the_layout_name_their_file(tables, pose_dir, readers):
    path = pose_dir / "ddd-1-rgb_front.pose"
    with path.open("wb") as handle:
        np.savez(handle, data=np.zeros((5, 3, 3)), conf=np.zeros((5, 3)), fps=24.0)
    with pytest.raises(CorpusFormatError, match="do not follow the layout") as error:
        load_how2sign(tables, pose_dir=pose_dir, splits=("val",))
    assert str(path) in str(error.value)


def test_a_split_whose_sentences_all_fall_outside_their_videos_is_an_error(
    tables, pose_dir, readers
):
    save_keypoints(pose_dir / "ddd-1-rgb_front.pose", 12)  # half a second; the sentence ends at 1 s
    with pytest.raises(CorpusFormatError, match=r"no sentence fits its keypoints \(1 outside"):
        load_how2sign(tables, pose_dir=pose_dir, splits=("val",))


# --- keypoints per sentence clip (the official 2D keypoint release) ----------------------------

NOSE = layout.BODY.start + layout.BODY_POINTS.index("NOSE")


def write_openpose_clip(folder: Path, name: str, noses_x: list[float]) -> Path:
    """An OpenPose folder `folder/name/` as released: `name_000000000000_keypoints.json`, ..."""
    clip = folder / name
    clip.mkdir(parents=True)
    for frame, x in enumerate(noses_x):
        body = np.zeros((25, 3))
        body[0] = (x, 360.0, 0.9)
        person = {
            "pose_keypoints_2d": body.ravel().tolist(), "face_keypoints_2d": [],
            "hand_left_keypoints_2d": [], "hand_right_keypoints_2d": [],
        }  # fmt: skip
        text = json.dumps({"version": 1.3, "people": [person]})
        (clip / f"{name}_{frame:012d}_keypoints.json").write_text(text)
    return clip


@pytest.fixture
def clip_keypoints(tmp_path: Path) -> tuple[Path, Path]:
    """OpenPose folders and `.pose` files named by SENTENCE_NAME (none for ccc's clip).

    Each as long as its table span, within the default tolerance: aaa_0 1.5 s (.pose at 24
    fps), aaa_1 1.5 s (OpenPose, 36 frames at the given 24 fps), aaa_2 5.96 s of 6 s (.pose,
    149 frames at 25 fps), bbb_0 23 frames of 24 (OpenPose), ddd_0 1 s (.pose at 24 fps).
    """
    openpose, poses = tmp_path / "openpose_output" / "json", tmp_path / "clip_poses"
    poses.mkdir()
    for name, frames, fps in [
        ("aaa_0-1-rgb_front", 36, 24.0),
        ("aaa_2-1-rgb_front", 149, 25.0),
        ("ddd_0-1-rgb_front", 24, 24.0),
    ]:
        write_pose_file(poses / f"{name}.pose", *keypoints(frames), fps=fps)
    write_openpose_clip(openpose, "aaa_1-1-rgb_front", [640.0 + i for i in range(36)])
    write_openpose_clip(openpose, "bbb_0-2-rgb_front", [64.0 + 8 * i for i in range(23)])
    return openpose, poses


def test_clip_keypoints_make_one_video_per_sentence(tables, clip_keypoints, warnings_seen):
    openpose, poses = clip_keypoints
    corpus = load_how2sign(tables, openpose, poses, splits=("train", "val"), keypoints_per="clip")
    videos = corpus.videos.set_index("video_id")
    assert list(videos.index) == [
        "aaa_0-1-rgb_front", "aaa_1-1-rgb_front", "aaa_2-1-rgb_front", "bbb_0-2-rgb_front",
        "ddd_0-1-rgb_front",
    ]  # fmt: skip
    assert videos["n_frames"].tolist() == [36, 36, 149, 23, 24]
    assert videos["fps"].tolist() == [24.0, 24.0, 25.0, 24.0, 24.0]
    sentences = corpus.sentences.set_index("sentence_id")
    assert (sentences["video_id"] == sentences.index).all()
    assert sentences["start_sign"].tolist() == [0.0] * 5
    assert sentences["end_sign"].tolist() == pytest.approx([1.5, 1.5, 5.96, 23 / 24, 1.0])
    # aaa_0 has no speech row (sign timings: the whole clip); aaa_1's speech, 2.25 s .. 4.25 s
    # against a sign start of 2.5 s, is clipped to 0 .. 1.5 s; so are aaa_2's and bbb_0's.
    assert sentences["start_speech"].tolist() == [0.0] * 5
    assert sentences["end_speech"].tolist() == pytest.approx([1.5, 1.5, 5.96, 23 / 24, 1.0])
    info = corpus.info
    assert (info["keypoints_per"], info["speech_timings_clipped"]) == ("clip", True)
    assert info["clip_source_video"] == {
        "aaa_0-1-rgb_front": "aaa-1-rgb_front", "aaa_1-1-rgb_front": "aaa-1-rgb_front",
        "aaa_2-1-rgb_front": "aaa-1-rgb_front", "bbb_0-2-rgb_front": "bbb-2-rgb_front",
        "ddd_0-1-rgb_front": "ddd-1-rgb_front",
    }  # fmt: skip
    assert (info["missing_videos"], info["skipped_missing_video"]) == (1, 1)  # ccc's clip
    assert (info["dropped_outside_video"], info["kept_sentences"]) == (0, 5)
    assert (info["dropped_empty"], info["dropped_length_mismatch"]) == (0, 0)
    assert (info["speech_clipped"], info["speech_outside_clip"]) == (3, 0)
    assert any("1 clips have no keypoints" in r.getMessage() for r in warnings_seen.records)
    data, conf = corpus.sentence_pose(sentences.loc["aaa_1-1-rgb_front"])
    np.testing.assert_allclose(data[:, NOSE, 0], (640 + np.arange(36)) / 1280, rtol=1e-3)
    assert conf[0, NOSE] == pytest.approx(0.9, abs=1e-3) and len(data) == 36
    data, _ = corpus.sentence_pose(corpus.sentences.iloc[2])  # aaa_2: x tells the frame
    assert frame_numbers(data) == list(range(149))


def test_clip_corpus_survives_saving(tables, clip_keypoints, tmp_path):
    openpose, poses = clip_keypoints
    corpus = load_how2sign(tables, openpose, poses, splits=("val",), keypoints_per="clip")
    loaded = Corpus.load(corpus.save(tmp_path / "corpus"))
    assert loaded.info["clip_source_video"] == {"ddd_0-1-rgb_front": "ddd-1-rgb_front"}
    assert loaded.video("ddd_0-1-rgb_front")["n_frames"] == 24


def test_speech_timings_are_shifted_and_clipped_to_the_clip(tables, clip_keypoints):
    speech = [
        r[:4] + [start, end, r[6]]
        for r, (start, end) in zip(ROWS_TRAIN[:2], [("0.75", "1.5"), ("5.0", "6.0")], strict=True)
    ]
    write_tsv(tables / "how2sign_train.csv", ORIGINAL, speech)
    openpose, poses = clip_keypoints
    corpus = load_how2sign(tables, openpose, poses, splits=("train",), keypoints_per="clip")
    sentences = corpus.sentences.set_index("sentence_id")
    inside = sentences.loc["aaa_0-1-rgb_front"]  # sign 0.5 .. 2.0 s, speech 0.75 .. 1.5 s
    assert (inside["start_speech"], inside["end_speech"]) == (0.25, 1.0)
    data, _ = corpus.sentence_pose(inside, timing="speech")
    assert frame_numbers(data) == list(range(6, 24))
    outside = sentences.loc["aaa_1-1-rgb_front"]  # sign 2.5 .. 4.0 s, speech after the clip
    assert (outside["start_speech"], outside["end_speech"]) == (0.0, 1.5)
    assert corpus.info["speech_outside_clip"] == 1
    # aaa_2 and bbb_0 fall back to their sign timings, which run past their shorter clips.
    assert corpus.info["speech_clipped"] == 2
    assert corpus.info["per_split"]["train"]["speech_fallback_to_sign"] == 3


def test_clip_mode_with_video_named_keypoints_is_an_error(tables, pose_dir, readers):
    with pytest.raises(FileNotFoundError, match="none of the 5 clips") as error:
        load_how2sign(tables, pose_dir=pose_dir, splits=("train",), keypoints_per="clip")
    assert "keypoints_per='clip'" in str(error.value)


def test_video_mode_records_its_layout(tables, pose_dir, readers):
    info = load_how2sign(tables, pose_dir=pose_dir, splits=("val",)).info
    assert (info["keypoints_per"], info["speech_timings_clipped"]) == ("video", False)
    assert "clip_source_video" not in info


def test_keypoints_per_must_be_video_or_clip(tables, pose_dir):
    with pytest.raises(ValueError, match=r"keypoints_per must be one of \['video', 'clip'\]"):
        load_how2sign(tables, pose_dir=pose_dir, keypoints_per="sentence")


def test_a_clip_without_frames_is_dropped_and_counted(tables, readers, tmp_path, warnings_seen):
    folder = tmp_path / "clips"
    folder.mkdir()
    save_keypoints(folder / "aaa_0-1-rgb_front.pose", 0)
    save_keypoints(folder / "aaa_1-1-rgb_front.pose", 36)
    corpus = load_how2sign(tables, pose_dir=folder, splits=("train",), keypoints_per="clip")
    assert corpus.sentences["sentence_id"].tolist() == ["aaa_1-1-rgb_front"]
    assert corpus.info["dropped_empty"] == 1 and corpus.info["dropped_outside_video"] == 0
    assert corpus.info["missing_videos"] == 3
    messages = [r.getMessage() for r in warnings_seen.records]
    assert any("0 frames" in m and "aaa_0-1-rgb_front" in m for m in messages)


def test_a_video_without_frames_is_dropped_and_counted(tables, pose_dir, readers):
    save_keypoints(pose_dir / "bbb-2-rgb_front.pose", 0)
    info = load_how2sign(tables, pose_dir=pose_dir, splits=("train",)).info
    assert (info["dropped_empty"], info["dropped_outside_video"]) == (1, 1)  # bbb_0; aaa_2
    assert info["kept_sentences"] == 2


def test_an_empty_real_pose_file_is_dropped(tables, tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_pose_file(folder / "ddd_0-1-rgb_front.pose", *keypoints(0), fps=24.0)
    with pytest.raises(CorpusFormatError, match="1 in keypoints of 0 frames"):
        load_how2sign(tables, pose_dir=folder, splits=("val",), keypoints_per="clip")


@pytest.fixture
def clip_lengths(tmp_path: Path) -> Path:
    """Clips of the train table at 24 fps: aaa_0 exact (1.5 s), aaa_1 0.5 s of its 1.5 s,
    aaa_2 6.25 s of its 6 s, bbb_0 1.5 s of its 1 s (ccc_0 has none); read by `readers`."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name, frames in [
        ("aaa_0-1-rgb_front", 36),
        ("aaa_1-1-rgb_front", 12),
        ("aaa_2-1-rgb_front", 150),
        ("bbb_0-2-rgb_front", 36),
    ]:
        save_keypoints(folder / f"{name}.pose", frames)
    return folder


def test_a_clip_whose_length_differs_from_its_table_row_is_dropped_and_counted(
    tables, clip_lengths, readers, warnings_seen
):
    corpus = load_how2sign(tables, pose_dir=clip_lengths, splits=("train",), keypoints_per="clip")
    kept = corpus.sentences["sentence_id"].tolist()  # 0.25 s and 0.5 s off: within 0.5 s
    assert kept == ["aaa_0-1-rgb_front", "aaa_2-1-rgb_front", "bbb_0-2-rgb_front"]
    info = corpus.info
    assert info["dropped_length_mismatch"] == 1 and info["kept_sentences"] == 3
    assert info["per_split"]["train"]["dropped_length_mismatch"] == 1
    message = next(m for m in (r.getMessage() for r in warnings_seen.records) if "dropped" in m)
    assert "dropped 1 sentences" in message and "length_tolerance_s" in message
    assert "aaa_1-1-rgb_front: 0.50 s, table 1.50 s" in message


@pytest.mark.parametrize(
    ("tolerance", "kept"),
    [
        (0.0, ["aaa_0-1-rgb_front"]),
        (0.25, ["aaa_0-1-rgb_front", "aaa_2-1-rgb_front"]),
        (0.5, ["aaa_0-1-rgb_front", "aaa_2-1-rgb_front", "bbb_0-2-rgb_front"]),
        (1.0, ["aaa_0-1-rgb_front", "aaa_1-1-rgb_front", "aaa_2-1-rgb_front", "bbb_0-2-rgb_front"]),
    ],
)
def test_the_length_tolerance_is_a_parameter(tables, clip_lengths, readers, tolerance, kept):
    corpus = load_how2sign(
        tables, pose_dir=clip_lengths, splits=("train",), keypoints_per="clip",
        length_tolerance_s=tolerance,
    )  # fmt: skip
    assert corpus.sentences["sentence_id"].tolist() == kept
    assert corpus.info["dropped_length_mismatch"] == 4 - len(kept)


def test_the_length_check_is_for_clips_only(tables, pose_dir, readers):
    info = load_how2sign(tables, pose_dir=pose_dir, splits=("train",), length_tolerance_s=0).info
    assert (info["dropped_length_mismatch"], info["kept_sentences"]) == (0, 3)


def test_all_clips_off_their_length_is_an_error(tables, clip_lengths, readers):
    save_keypoints(clip_lengths / "aaa_0-1-rgb_front.pose", 36, fps=30.0)  # 1.2 s of 1.5 s
    with pytest.raises(CorpusFormatError, match="4 in clips whose length differs") as error:
        load_how2sign(
            tables, pose_dir=clip_lengths, splits=("train",), keypoints_per="clip",
            length_tolerance_s=0.1,
        )  # fmt: skip
    assert "frame rate" in str(error.value)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"fps": 0}, "frame rate must be a positive number"),
        ({"fps": float("nan")}, "frame rate must be a positive number"),
        ({"frame_size": (0, 720)}, "frame size must be positive"),
        ({"frame_size": (1280, -720)}, "frame size must be positive"),
        ({"frame_size": (1280,)}, r"frame_size must be \(width, height\)"),
        ({"length_tolerance_s": -0.1}, "length_tolerance_s must be >= 0"),
        ({"length_tolerance_s": float("inf")}, "length_tolerance_s must be >= 0"),
    ],
)
def test_bad_options_are_refused(tables, pose_dir, option, message):
    with pytest.raises(ValueError, match=message):
        load_how2sign(tables, pose_dir=pose_dir, **option)


REAL_VAL = REALDATA / "how2sign" / "how2sign_realigned_val.csv"


@pytest.mark.skipif(not REAL_VAL.is_file(), reason=f"real How2Sign val table not at {REAL_VAL}")
def test_real_official_table_reads_as_pythons_csv_module():
    """Every sentence of the real tab-separated val table, quoted ones included (issue 14: 8 of
    1,741 contain `"` and are CSV-quoted), equals what `csv` reads."""
    with REAL_VAL.open(newline="", encoding="utf-8") as handle:
        expected = {
            r["SENTENCE_NAME"]: r["SENTENCE"] for r in csv.DictReader(handle, delimiter="\t")
        }
    table = read_sentence_table(REAL_VAL)
    assert len(table) == len(expected) == 1741
    assert dict(zip(table["sentence_name"], table["text"], strict=True)) == expected
    quoted = [text for text in expected.values() if '"' in text]
    assert len(quoted) == 8 and any('an "i"' in text for text in quoted)
