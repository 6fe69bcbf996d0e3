"""PHOENIX-2014T corpus tables, gzipped feature pickles and the corpus built from them."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data.corpus import SENTENCE_COLUMNS, Corpus, CorpusFormatError
from slr_lib.data.phoenix import (
    GLOSS_COLUMNS,
    build_phoenix_corpus,
    clean_glosses,
    phoenix_split,
    read_phoenix_features,
    read_phoenix_table,
    write_phoenix_features,
)
from tests.conftest import REALDATA

REAL_TABLE = REALDATA / "phoenix" / "PHOENIX-2014-T.train-complex-annotation.corpus.csv"
needs_real_table = pytest.mark.skipif(
    not REAL_TABLE.is_file(), reason=f"real PHOENIX-2014T table not present at {REAL_TABLE}"
)

HEADER = "name|video|start|end|speaker|orth|translation"
ROWS = [
    "11August_2010_Wednesday_tagesschau-1|11August_2010_Wednesday_tagesschau-1/1/*.png|-1|-1|"
    "Signer08|__ON__ DRAUSSEN VORSICHT GLATT REGION __OFF__|und nun die wettervorhersage",
    "25October_2010_Monday_tagesschau-17|25October_2010_Monday_tagesschau-17/1/*.png|-1|-1|"
    'Signer01|REGEN SCHNEE|regen und schnee "im" norden',
]


def write_table(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def clip(name: str, dim: int = 1024, frames: int = 3) -> dict:
    """One entry of a Sign Language Transformers feature file."""
    return {
        "name": name, "signer": "Signer08", "gloss": "REGEN SCHNEE",
        "text": "regen und schnee .", "sign": np.full((frames, dim), 0.5, np.float32),
    }  # fmt: skip


def write_features(path: Path, entries: list) -> Path:
    with gzip.open(path, "wb") as handle:
        pickle.dump(entries, handle)
    return path


def test_table_columns_and_dev_becomes_val(tmp_path):
    table = read_phoenix_table(write_table(tmp_path / "PHOENIX-2014-T.dev.corpus.csv", ROWS))
    assert list(table.columns) == [
        "name", "video", "start", "end", "signer", "orth", "text", "gloss", "split",
    ]  # fmt: skip
    first = table.iloc[0]
    assert first["name"] == "11August_2010_Wednesday_tagesschau-1"
    assert (first["start"], first["end"], first["signer"]) == (-1, -1, "Signer08")
    assert first["gloss"] == "DRAUSSEN VORSICHT GLATT REGION"
    assert first["orth"] == "__ON__ DRAUSSEN VORSICHT GLATT REGION __OFF__"
    assert table.iloc[1]["text"] == 'regen und schnee "im" norden'
    assert set(table["split"]) == {"val"}


def test_split_names():
    assert phoenix_split("PHOENIX-2014-T.train.corpus.csv") == "train"
    assert phoenix_split("phoenix14t.pami0.dev") == "val"
    assert phoenix_split("dev") == "val"
    assert phoenix_split("corpus.csv") is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["a|b|x|-1|S|G|t"], "line 2: start is not a valid int: 'x'"),
        (["a|b|-1|-1|S|G"], "line 2: 6 fields, the header has 7"),
        ([ROWS[0], ROWS[0]], "line 3: name '11August_2010_Wednesday_tagesschau-1' repeats line 2"),
        (["a|b|10|4|S|G|t"], "line 2: bad frame span: start 10, end 4"),
        (["a|b|-3|4|S|G|t"], "line 2: bad frame span: start -3, end 4"),
        (["a|b|-1|4|S|G|t"], "line 2: start -1 and end 4: both or neither must be -1"),
        (["a|b|-1|-1|S|__ON__ __OFF__|t"], "line 2: no gloss left once marks are dropped"),
        (["a|b|-1|-1|S||t"], "line 2: no gloss left"),
        (["a|b|-1|-1|S|G| "], "line 2: empty translation"),
    ],
)
def test_bad_table_rows_are_located(tmp_path, lines, message):
    path = write_table(tmp_path / "PHOENIX-2014-T.test.corpus.csv", lines)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_phoenix_table(path)
    assert str(path) in str(error.value)


def test_table_needs_its_columns_and_a_split(tmp_path):
    path = tmp_path / "PHOENIX-2014-T.train.corpus.csv"
    path.write_text("name|video|start|end|orth\n")
    with pytest.raises(CorpusFormatError, match=r"missing columns \['speaker', 'translation'\]"):
        read_phoenix_table(path)
    unnamed = write_table(tmp_path / "corpus.csv", ROWS)
    with pytest.raises(CorpusFormatError, match="names no split"):
        read_phoenix_table(unnamed)
    assert set(read_phoenix_table(unnamed, split="dev")["split"]) == {"val"}


def test_features_strip_the_split_folder(tmp_path):
    path = write_features(
        tmp_path / "phoenix14t.pami0.dev", [clip("dev/a"), clip("dev/b", frames=5)]
    )
    clips, features = read_phoenix_features(path)
    assert list(clips.columns) == ["name", "signer", "gloss", "text", "split"]
    assert clips["name"].tolist() == ["a", "b"] and set(clips["split"]) == {"val"}
    assert features["b"].shape == (5, 1024)


def test_features_as_torch_tensors(tmp_path):
    torch = pytest.importorskip("torch")
    entry = {**clip("train/a"), "sign": torch.ones(4, 1024)}
    clips, features = read_phoenix_features(write_features(tmp_path / "f.gz", [entry]))
    assert clips.loc[0, "split"] == "train" and isinstance(features["a"], np.ndarray)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"name": "x"}, "expected a list of clips"),
        ([clip("test/a"), "oops"], "entry 2: expected an object"),
        ([{k: v for k, v in clip("test/a").items() if k != "gloss"}], r"missing keys \['gloss'\]"),
        ([clip("test/a"), clip("test/b", dim=512)], "clip 'b' has feature dim 512"),
        ([clip("test/a"), clip("test/a")], "entry 2: name 'a' repeats"),
        ([{**clip("test/a"), "sign": np.zeros(3)}], r"entry 1 \(a\): expected a 2-D float array"),
        ([clip("a")], "neither the name nor the file names a split"),
    ],
)
def test_bad_features_are_located(tmp_path, entries, message):
    path = write_features(tmp_path / "features.gz", entries)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_phoenix_features(path)
    assert str(path) in str(error.value)


def test_clean_glosses_drops_every_mark():
    orth = "__ON__ REGEN loc-NORD __PU__ __??WIND__ __LEFTHAND__ cl-KOMMEN __EMOTION__ __OFF__"
    assert clean_glosses(orth) == ["REGEN", "loc-NORD", "cl-KOMMEN"]
    assert clean_glosses("  ") == []


def test_feature_writer_round_trips_and_refuses_bad_entries(tmp_path):
    path = write_phoenix_features(tmp_path / "f.train", [clip("train/a"), clip("b", frames=4)])
    clips, features = read_phoenix_features(path)
    assert clips["name"].tolist() == ["a", "b"] and features["b"].shape == (4, 1024)
    with pytest.raises(CorpusFormatError, match=r"entry 1: missing keys \['sign'\]"):
        write_phoenix_features(
            tmp_path / "g", [{k: "x" for k in ("name", "signer", "gloss", "text")}]
        )
    with pytest.raises(ValueError, match="entry 2: name 'a' repeats"):
        write_phoenix_features(tmp_path / "g", [clip("a"), clip("a")])
    with pytest.raises(CorpusFormatError, match="clip 'b' has feature dim 8"):
        write_phoenix_features(tmp_path / "g", [clip("a"), clip("b", dim=8)])


def test_corpus_from_table_spans(tmp_path):
    lines = [
        "a|a/1/*.png|0|49|Signer01|__ON__ REGEN __OFF__|es regnet",
        "b|b|10|34|Signer02|SONNE|sonne",
    ]
    corpus = build_phoenix_corpus(write_table(tmp_path / "PHOENIX-2014-T.dev.corpus.csv", lines))
    assert corpus.videos["n_frames"].tolist() == [50, 25] and corpus.splits == ["val"]
    assert corpus.sentences["end_sign"].tolist() == [2.0, 1.0]
    assert corpus.sentences["gloss"].tolist() == ["REGEN", "SONNE"]
    data, conf = corpus.video_pose("b")
    assert data.shape == (25, *corpus.poses["val"].data.shape[1:]) and not conf.any()


def test_corpus_needs_frame_counts_and_known_names(tmp_path):
    table = write_table(tmp_path / "PHOENIX-2014-T.test.corpus.csv", ROWS)
    with pytest.raises(CorpusFormatError, match="2 of 2 PHOENIX samples have no frame count"):
        build_phoenix_corpus(table)
    with pytest.raises(CorpusFormatError, match=r"names not in the PHOENIX tables, e.g. \['zz'\]"):
        build_phoenix_corpus(table, names=["zz"])
    features = write_features(
        tmp_path / "f.test", [clip("test/" + ROWS[0].split("|")[0], frames=0)]
    )
    with pytest.raises(CorpusFormatError, match="empty feature array"):
        build_phoenix_corpus(table, features=features, names=[ROWS[0].split("|")[0]])


def test_corpus_refuses_a_split_twice_and_names_in_two_tables(tmp_path):
    first = write_table(tmp_path / "PHOENIX-2014-T.dev.corpus.csv", ROWS[:1])
    write_table(tmp_path / "other.dev.corpus.csv", ROWS[1:])
    with pytest.raises(CorpusFormatError, match="several tables for one split"):
        build_phoenix_corpus(tmp_path)
    again = write_table(tmp_path / "again.csv", ROWS[:1])
    with pytest.raises(CorpusFormatError, match="names in several tables"):
        build_phoenix_corpus({"dev": first, "test": again})
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no PHOENIX table"):
        build_phoenix_corpus([tmp_path / "empty"])
    with pytest.raises(FileNotFoundError, match="no table"):
        build_phoenix_corpus(tmp_path / "absent.train.corpus.csv")
    with pytest.raises(ValueError, match="no PHOENIX table given"):
        build_phoenix_corpus([])


def test_corpus_refuses_no_samples(tmp_path):
    with pytest.raises(CorpusFormatError, match="no PHOENIX sample"):
        build_phoenix_corpus(write_table(tmp_path / "PHOENIX-2014-T.dev.corpus.csv", []))
    table = write_table(tmp_path / "PHOENIX-2014-T.test.corpus.csv", ROWS)
    with pytest.raises(CorpusFormatError, match="no PHOENIX sample"):
        build_phoenix_corpus(table, names=[])


def test_corpus_refuses_a_non_positive_frame_rate(tmp_path):
    table = write_table(tmp_path / "PHOENIX-2014-T.test.corpus.csv", ROWS)
    with pytest.raises(ValueError, match="fps must be positive"):
        build_phoenix_corpus(table, fps=0)


@needs_real_table
def test_real_table_glosses_are_clean():
    table = read_phoenix_table(REAL_TABLE)
    assert len(table) == 7096 and set(table["split"]) == {"train"}
    tokens = [t for g in table["gloss"] for t in g.split()]
    assert len(tokens) == 60088 and not any(t.startswith("__") for t in tokens)
    marks = [t for o in table["orth"] for t in o.split() if t.startswith("__")]
    assert (marks.count("__ON__"), marks.count("__OFF__"), len(marks)) == (2560, 2753, 7693)


@needs_real_table
def test_real_table_with_features_round_trips(tmp_path):
    names = read_phoenix_table(REAL_TABLE)["name"].tolist()[:50]
    rng = np.random.default_rng(0)
    frames = {name: int(rng.integers(20, 80)) for name in names}
    entries = [
        {"name": f"train/{n}", "signer": "Signer01", "gloss": "G", "text": "t",
         "sign": rng.standard_normal((k, 1024)).astype(np.float32)}
        for n, k in frames.items()
    ]  # fmt: skip
    features = write_phoenix_features(tmp_path / "phoenix14t.pami0.train", entries)
    built = build_phoenix_corpus(REAL_TABLE.parent, features=[features], names=names)
    built.save(tmp_path / "corpus")
    corpus = Corpus.load(tmp_path / "corpus")
    assert (corpus.name, corpus.language, corpus.fps) == ("phoenix2014t", "gsg", 25.0)
    assert len(corpus.videos) == len(corpus.sentences) == 50 and corpus.splits == ["train"]
    assert corpus.videos.set_index("video_id")["n_frames"].to_dict() == frames
    assert list(corpus.sentences.columns) == [*SENTENCE_COLUMNS, *GLOSS_COLUMNS]
    assert not corpus.sentences["gloss"].str.contains("__").any()
    assert corpus.sentences["orth"].str.contains("__ON__|__OFF__").any()
    assert corpus.info["frames_from_features"] == 50
    first = corpus.sentences.iloc[0]
    data, conf = corpus.sentence_pose(first)
    assert len(data) == frames[first["video_id"]] and not np.asarray(conf).any()
    assert corpus.poses["train"].data.dtype == np.float16
    with pytest.raises(CorpusFormatError, match="7046 of 7096 PHOENIX samples have no frame count"):
        build_phoenix_corpus(REAL_TABLE, features=features)


def test_corpus_refuses_a_clip_in_two_feature_files(tmp_path):
    table = write_table(tmp_path / "PHOENIX-2014-T.test.corpus.csv", ROWS)
    name = ROWS[0].split("|")[0]
    first = write_phoenix_features(tmp_path / "a.test", [clip(f"test/{name}")])
    second = write_phoenix_features(tmp_path / "b.test", [clip(f"test/{name}")])
    with pytest.raises(CorpusFormatError, match=f"b.test: clip '{name}' is also in an earlier"):
        build_phoenix_corpus(table, features=[first, second], names=[name])
