"""PHOENIX-2014T corpus tables and gzipped feature pickles."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.phoenix import phoenix_split, read_phoenix_features, read_phoenix_table

HEADER = "name|video|start|end|speaker|orth|translation"
ROWS = [
    "11August_2010_Wednesday_tagesschau-1|11August_2010_Wednesday_tagesschau-1/1/*.png|-1|-1|"
    "Signer08|DRAUSSEN VORSICHT GLATT REGION|und nun die wettervorhersage",
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
        "name", "video", "start", "end", "signer", "gloss", "text", "split",
    ]  # fmt: skip
    first = table.iloc[0]
    assert first["name"] == "11August_2010_Wednesday_tagesschau-1"
    assert (first["start"], first["end"], first["signer"]) == (-1, -1, "Signer08")
    assert first["gloss"] == "DRAUSSEN VORSICHT GLATT REGION"
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
