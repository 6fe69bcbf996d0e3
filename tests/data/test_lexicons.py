"""WLASL and MS-ASL metadata readers, on small files in the published formats."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.lexicons import normalise_gloss, read_msasl, read_wlasl, vocabulary


def instance(video_id: str, signer: int, split: str, **extra) -> dict:
    """One WLASL instance with every key of WLASL_v0.3.json."""
    return {
        "bbox": [10, 20, 300, 400], "fps": 25, "frame_end": -1, "frame_start": 1,
        "instance_id": 0, "signer_id": signer, "source": "aslbrick", "split": split,
        "url": f"https://example.org/{video_id}.mp4", "variation_id": 0, "video_id": video_id,
        **extra,
    }  # fmt: skip


WLASL = [
    {"gloss": "book", "instances": [instance("69241", 118, "train"), instance("65225", 90, "val")]},
    {
        "gloss": "Thank You",
        "instances": [instance("00001", 3, "test", frame_start=12, frame_end=40)],
    },
]


def clip(text: str, label: int, signer: int, **extra) -> dict:
    """One MS-ASL clip with the keys of the original MSASL_*.json files."""
    return {
        "org_text": text.upper(), "clean_text": text, "start_time": 1.0, "signer_id": signer,
        "signer": signer, "start": 30, "end": 90, "file": f"{text} video", "label": label,
        "height": 360.0, "fps": 30.0, "end_time": 3.0, "url": "https://youtube.com/watch?v=x",
        "text": text, "box": [0.1, 0.2, 0.9, 1.0], "width": 640.0, **extra,
    }  # fmt: skip


def write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content))
    return path


def test_wlasl_rows_per_instance(tmp_path):
    table = read_wlasl(write(tmp_path / "WLASL_v0.3.json", WLASL))
    assert list(table.columns) == [
        "gloss", "video_id", "signer", "split", "frame_start", "frame_end", "fps", "url",
        "dictionary",
    ]  # fmt: skip
    assert table["video_id"].tolist() == ["69241", "65225", "00001"]
    last = table.iloc[2]
    assert (last["gloss"], last["signer"], last["split"]) == ("Thank You", "3", "test")
    assert (last["frame_start"], last["frame_end"], last["fps"]) == (12, 40, 25.0)
    assert set(table["dictionary"]) == {"wlasl"}
    assert vocabulary(table) == {"book", "thank you"}
    assert normalise_gloss(" Thank You ") == "thank you" and normalise_gloss(7) == "7"


def test_wlasl_malformed_json_names_file_and_line(tmp_path):
    path = tmp_path / "WLASL_v0.3.json"
    path.write_text('[\n{"gloss": "book",\n "instances": [}\n]')
    with pytest.raises(CorpusFormatError, match="malformed JSON at line 3") as error:
        read_wlasl(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"gloss": "book"}, "expected a list of glosses"),
        ([{"gloss": "book"}], r"gloss entry 1: missing keys \['instances'\]"),
        ([{"gloss": "book", "instances": {}}], "instances is not a list"),
        (
            [WLASL[0], {"gloss": "cat", "instances": [{"video_id": "1"}]}],
            r"gloss entry 2 \('cat'\), instance 1: missing keys \['signer_id'",
        ),
        (
            [{"gloss": "cat", "instances": [instance("1", 2, "train", frame_end="end")]}],
            "frame_end is not a valid int",
        ),
        (
            [
                {
                    "gloss": "cat",
                    "instances": [instance("1", 2, "train", frame_start=40, frame_end=12)],
                }
            ],
            r"\('cat'\), instance 1: bad span: start 40 frames, end 12 frames",
        ),
        (
            [{"gloss": "cat", "instances": [instance("1", 2, "train", frame_start=-3)]}],
            "instance 1: bad span: start -3",
        ),
        (
            [{"gloss": "cat", "instances": [instance("1", 2, "train", fps=0)]}],
            "instance 1: fps must be positive, got 0",
        ),
    ],
)
def test_wlasl_bad_entries_are_located(tmp_path, content, message):
    path = write(tmp_path / "w.json", content)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_wlasl(path)
    assert str(path) in str(error.value)


def test_wlasl_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="WLASL_v0.3.json"):
        read_wlasl(tmp_path / "WLASL_v0.3.json")


def test_msasl_splits_from_file_names_and_class_names(tmp_path):
    train = write(tmp_path / "MSASL_train.json", [clip("hello", 0, 4), clip("need", 1, 5)])
    val = write(tmp_path / "MSASL_val.json", [clip("must", 1, 6)])
    classes = write(tmp_path / "MSASL_classes.json", ["hello", "need"])
    table = read_msasl([train, val])
    assert table["split"].tolist() == ["train", "train", "val"]
    assert table["gloss"].tolist() == ["hello", "need", "must"]
    assert table["video_id"].tolist() == [
        "msasl_train_00000",
        "msasl_train_00001",
        "msasl_val_00000",
    ]
    first = table.iloc[0]
    assert (first["start_time"], first["end_time"], first["fps"]) == (1.0, 3.0, 30.0)
    assert (first["start_frame"], first["end_frame"], first["signer"]) == (30, 90, "4")
    assert set(table["dictionary"]) == {"msasl"}
    named = read_msasl([train, val], classes=classes)
    assert named["gloss"].tolist() == ["hello", "need", "need"]
    assert vocabulary(named) == {"hello", "need"}


def test_msasl_openhands_copies_without_times(tmp_path):
    bare = {
        k: v for k, v in clip("book", 3, 1).items() if k not in ("start_time", "end_time", "fps")
    }
    table = read_msasl(write(tmp_path / "MS_ASL_SI_ASL100_test.json", [bare]))
    row = table.iloc[0]
    assert row["split"] == "test" and (row["start_frame"], row["end_frame"]) == (30, 90)
    assert math.isnan(row["start_time"]) and math.isnan(row["fps"])
    timed = read_msasl(write(tmp_path / "x_val.json", [{**bare, "fps": 30.0}]))
    assert (timed.loc[0, "start_time"], timed.loc[0, "end_time"]) == (1.0, 3.0)


def test_msasl_bad_input_is_located(tmp_path):
    with pytest.raises(CorpusFormatError, match="does not end with train/val/test.json"):
        read_msasl(write(tmp_path / "MSASL_all.json", [clip("a", 0, 1)]))
    bad = write(tmp_path / "MSASL_train.json", [clip("a", 0, 1), {"clean_text": "b"}])
    with pytest.raises(CorpusFormatError, match=r"MSASL_train.json, clip 2: missing keys"):
        read_msasl(bad)
    good = write(tmp_path / "MSASL_test.json", [clip("a", 5, 1)])
    classes = write(tmp_path / "MSASL_classes.json", ["a"])
    with pytest.raises(CorpusFormatError, match="label 5 has no class name"):
        read_msasl(good, classes=classes)
    with pytest.raises(CorpusFormatError, match="expected a list of class names"):
        read_msasl(good, classes=write(tmp_path / "c.json", {"0": "a"}))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"start": 90, "end": 30}, "bad span: start 90 frames, end 30 frames"),
        ({"start": -3}, "bad span: start -3 frames"),
        ({"start_time": 3.0, "end_time": 1.0}, "bad span: start 3.0 s, end 1.0 s"),
        ({"fps": 0.0}, "fps must be positive, got 0.0"),
        ({"fps": float("inf")}, "fps must be positive, got inf"),
    ],
)
def test_msasl_bad_spans_and_frame_rates_are_refused(tmp_path, extra, message):
    path = write(tmp_path / "MSASL_test.json", [clip("a", 0, 1), clip("b", 1, 2, **extra)])
    with pytest.raises(CorpusFormatError, match=rf"MSASL_test.json, clip 2: {message}"):
        read_msasl(path)
