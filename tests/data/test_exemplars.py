"""Dictionary exemplars: real WLASL / MS-ASL metadata with real `.pose` files, cut to spans."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slr_lib.data.corpus import (
    EXEMPLAR_COLUMNS,
    SENTENCE_COLUMNS,
    VIDEO_COLUMNS,
    Corpus,
    CorpusFormatError,
)
from slr_lib.data.exemplars import dictionary_exemplars, exemplars_from_metadata, locate
from slr_lib.data.lexicons import read_wlasl
from slr_lib.data.posefile import read_pose_file
from tests.conftest import REALDATA

LEXICONS = REALDATA / "lexicons"
POSES = REALDATA / "pose"
pytestmark = pytest.mark.skipif(
    not (LEXICONS.is_dir() and POSES.is_dir()),
    reason=f"real lexicon metadata and .pose files not present under {REALDATA}",
)
HOUSE, SAD = "colin-1-HOUSE.pose", "colin-SAD.pose"  # 93 frames at 30.10 fps, 76 at 30.05
# Real video ids -> the real file copied under that name, and what becomes of it.
# In table order (WLASL's, then MS-ASL's).
FILES = {
    "69241": HOUSE,  # WLASL book, frames 1..-1: the whole file
    "63219": SAD,  # WLASL who, frames 2159..2235 (77): the file is the instance itself
    "28157": SAD,  # WLASL house, frames 2329..2381: neither fits a 76-frame file
    "48965": HOUSE,  # WLASL sad, frames 24..83: cut from the file as a source video
    "msasl_test_00325": SAD,  # MS-ASL sad, 0-2.603 s: ends 2 frames past the file, clipped
    "msasl_test_00563": HOUSE,  # MS-ASL dictionary, 31.465-34.568 s (93 frames): whole file
    "msasl_test_01505": HOUSE,  # MS-ASL house, 0-1.835 s: the first 55 frames
}
SPANS = {  # video id -> (first frame, frames) expected in auto mode
    "69241": (0, 93), "63219": (0, 76), "48965": (23, 60), "msasl_test_00325": (0, 76),
    "msasl_test_00563": (0, 93), "msasl_test_01505": (0, 55),
}  # fmt: skip


@pytest.fixture
def pose_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "poses"
    folder.mkdir()
    for video_id, name in FILES.items():
        shutil.copyfile(POSES / name, folder / f"{video_id}.pose")
    return folder


def build(pose_dir: Path, **options):
    return dictionary_exemplars(
        wlasl=LEXICONS / "WLASL_v0.3.json", msasl=[LEXICONS / "MSASL_test.json"],
        pose_dir=pose_dir, msasl_classes=LEXICONS / "MSASL_classes.json", **options,
    )  # fmt: skip


def test_real_metadata_and_poses_give_cut_exemplars(pose_dir):
    table, poses, counts = build(pose_dir)
    assert list(table.columns) == list(EXEMPLAR_COLUMNS)
    assert table["exemplar_id"].tolist() == list(SPANS)
    assert counts == {
        "instances": 2000 + 4172, "outside_vocabulary": 0, "missing_file": 2000 + 4172 - 7,
        "outside_file": 1, "cut_from_source": 4, "whole_file": 2, "kept": 6,
    }  # fmt: skip
    originals = {name: read_pose_file(POSES / name) for name in (HOUSE, SAD)}
    for row in table.itertuples():
        data, conf, fps = originals[FILES[row.exemplar_id]]
        first, length = SPANS[row.exemplar_id]
        got_data, got_conf = poses.frames(row.pose_index)
        assert (row.n_frames, len(got_data)) == (length, length) and row.fps == fps
        np.testing.assert_array_equal(got_data, data[first : first + length].astype(np.float16))
        np.testing.assert_array_equal(got_conf, conf[first : first + length].astype(np.float16))
    sad = table.set_index("exemplar_id").loc["48965"]
    assert (sad["dictionary"], sad["gloss"], sad["signer"]) == ("wlasl", "sad", "wlasl-9")
    assert set(table.loc[table["dictionary"] == "msasl", "gloss"]) == {"sad", "house", "dictionary"}


def test_exemplars_round_trip_through_a_corpus(pose_dir, tmp_path):
    table, poses, _ = build(pose_dir)
    videos = pd.DataFrame({c: [] for c in VIDEO_COLUMNS})
    sentences = pd.DataFrame({c: [] for c in SENTENCE_COLUMNS})
    corpus = Corpus(
        "dictionaries", "ase", 25.0, videos, sentences, {}, exemplars=table, exemplar_poses=poses
    )
    loaded = Corpus.load(corpus.save(tmp_path / "corpus"))
    assert loaded.exemplars["exemplar_id"].tolist() == table["exemplar_id"].tolist()
    data, _ = loaded.exemplar_pose(loaded.exemplars.iloc[2])
    assert len(data) == 60


@pytest.mark.parametrize(
    ("files", "kept", "outside"),
    [
        ("source", ["69241", "48965", "msasl_test_00325", "msasl_test_01505"], 3),
        ("instance", ["69241", "63219", "msasl_test_00325", "msasl_test_00563"], 3),
    ],
)
def test_file_kinds_can_be_forced(pose_dir, files, kept, outside):
    table, _, counts = build(pose_dir, files=files)
    assert table["exemplar_id"].tolist() == kept and counts["outside_file"] == outside
    if files == "instance":  # whole files, of the span's length (an open end: any length)
        assert table["n_frames"].tolist() == [93 if FILES[v] == HOUSE else 76 for v in kept]


def test_vocabulary_restricts_and_is_normalised(pose_dir):
    table, _, counts = build(pose_dir, glosses=[" SAD ", "House"])
    assert table["exemplar_id"].tolist() == ["48965", "msasl_test_00325", "msasl_test_01505"]
    assert counts["outside_file"] == 1  # WLASL house 28157
    dropped = ("outside_vocabulary", "missing_file", "outside_file", "kept")
    assert sum(counts[k] for k in dropped) == counts["instances"] == 2000 + 4172
    assert counts["outside_vocabulary"] > 6000


def test_no_exemplar_found_is_an_error(pose_dir, tmp_path):
    with pytest.raises(
        CorpusFormatError,
        match=r"no dictionary exemplar found in .*: of 2000 "
        r"instances, 0 are outside the vocabulary, 2000 have no \.pose file",
    ):
        dictionary_exemplars(wlasl=LEXICONS / "WLASL_v0.3.json", pose_dir=tmp_path)
    with pytest.raises(CorpusFormatError, match="1 a span outside their file"):
        exemplars_from_metadata(
            read_wlasl(LEXICONS / "WLASL_v0.3.json"), pose_dir, glosses=["house"]
        )


def test_bad_inputs_are_refused(pose_dir, tmp_path):
    wlasl = read_wlasl(LEXICONS / "WLASL_v0.3.json")
    with pytest.raises(FileNotFoundError, match="no exemplar pose folder"):
        exemplars_from_metadata(wlasl, tmp_path / "absent")
    with pytest.raises(ValueError, match="files must be one of"):
        exemplars_from_metadata(wlasl, pose_dir, files="video")
    with pytest.raises(CorpusFormatError, match=r"video ids repeat, e.g. \['69241'\]"):
        exemplars_from_metadata([wlasl, wlasl.head(1)], pose_dir)
    with pytest.raises(ValueError, match="needs WLASL or MS-ASL metadata"):
        dictionary_exemplars(pose_dir=pose_dir)
    (pose_dir / "69241.pose").write_bytes((POSES / HOUSE).read_bytes()[:200])
    with pytest.raises(CorpusFormatError, match="69241.pose: not a readable .pose file"):
        exemplars_from_metadata(wlasl, pose_dir)


@pytest.mark.parametrize(
    ("n", "start", "stop", "files", "expected"),
    [
        (100, 10, 50, "auto", (10, 50, "cut_from_source")),
        (100, 10, None, "auto", (10, 100, "cut_from_source")),
        (40, 500, 540, "auto", (0, 40, "whole_file")),
        (40, 500, None, "auto", (0, 40, "whole_file")),
        (100, 500, 540, "auto", None),
        (100, 90, 102, "auto", (90, 100, "cut_from_source")),  # 2 frames over: tolerated
        (100, 90, 103, "auto", None),
        (100, 90, 110, "source", None),
        (40, 10, 50, "instance", (0, 40, "whole_file")),
        (0, 0, None, "auto", None),
    ],
)
def test_locate(n, start, stop, files, expected):
    assert locate(n, start, stop, files) == expected
