"""Clip features in the CiCo (one pickle per clip) and Collaborative Experts layouts."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.features import (
    FeatureStore,
    read_ce_features,
    read_cico_features,
    write_ce_features,
    write_cico_features,
)

FEATURES = {
    "clip_a": np.arange(12, dtype=np.float32).reshape(3, 4),
    "clip_b": np.ones((5, 4), np.float16),
}


def dump(path: Path, content: object) -> Path:
    path.write_bytes(pickle.dumps(content))
    return path


def test_cico_round_trip_keeps_ids_values_and_dtypes(tmp_path):
    write_cico_features(tmp_path / "cico", FEATURES)
    assert sorted(p.name for p in (tmp_path / "cico").iterdir()) == ["clip_a.pkl", "clip_b.pkl"]
    read = read_cico_features(tmp_path / "cico")
    assert set(read) == set(FEATURES)
    for clip, array in FEATURES.items():
        np.testing.assert_array_equal(read[clip], array)
        assert read[clip].dtype == array.dtype


def test_cico_reads_requested_ids_and_ignores_extra_keys(tmp_path):
    dump(tmp_path / "x.pkl", {"feature": np.zeros((2, 3)), "name": "x", "label": 1})
    dump(tmp_path / "y.pkl", {"feature": np.zeros((4, 3))})
    (tmp_path / "notes.txt").write_text("not a feature")
    assert list(read_cico_features(tmp_path, ids=["y"])) == ["y"]
    assert sorted(read_cico_features(tmp_path)) == ["x", "y"]


def test_cico_missing_ids_are_listed(tmp_path):
    write_cico_features(tmp_path, FEATURES)
    with pytest.raises(CorpusFormatError, match=r"2 of 3 requested clips .*\['gone', 'lost'\]"):
        read_cico_features(tmp_path, ids=["clip_a", "lost", "gone"])


def test_cico_inconsistent_dims_name_the_clip(tmp_path):
    dump(tmp_path / "a.pkl", {"feature": np.zeros((2, 3))})
    dump(tmp_path / "b.pkl", {"feature": np.zeros((2, 5))})
    with pytest.raises(CorpusFormatError, match="clip 'b' has feature dim 5, earlier clips 3"):
        read_cico_features(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (np.zeros((2, 3)), "expected a dict with a 'feature' entry"),
        ({"features": np.zeros((2, 3))}, "expected a dict with a 'feature' entry"),
        ({"feature": np.zeros(3)}, "2-D float array"),
        ({"feature": np.zeros((2, 3), np.int64)}, "2-D float array"),
        ({"feature": [[0.0, 1.0]]}, "expected an array, got list"),
    ],
)
def test_cico_bad_clips_name_their_file(tmp_path, content, message):
    path = dump(tmp_path / "bad.pkl", content)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_cico_features(tmp_path)
    assert str(path) in str(error.value)


def test_cico_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no CiCo feature folder"):
        read_cico_features(tmp_path / "absent")


def test_ce_round_trip_and_torch_tensors(tmp_path):
    torch = pytest.importorskip("torch")
    path = write_ce_features(tmp_path / "ce" / "features.pkl", FEATURES)
    read = read_ce_features(path)
    np.testing.assert_array_equal(read["clip_b"], FEATURES["clip_b"])
    dump(path, {"t": torch.ones(2, 4), 7: np.zeros((1, 4))})
    read = read_ce_features(path)
    assert set(read) == {"t", "7"} and isinstance(read["t"], np.ndarray)


def test_ce_bad_content(tmp_path):
    with pytest.raises(CorpusFormatError, match="expected a dict of clip id"):
        read_ce_features(dump(tmp_path / "list.pkl", [np.zeros((2, 2))]))
    with pytest.raises(CorpusFormatError, match="clip 'b' has feature dim 3"):
        read_ce_features(dump(tmp_path / "d.pkl", {"a": np.zeros((1, 2)), "b": np.zeros((1, 3))}))


def test_writers_refuse_bad_ids_and_arrays(tmp_path):
    with pytest.raises(ValueError, match="cannot be file names"):
        write_cico_features(tmp_path, {"a/b": np.zeros((1, 2))})
    with pytest.raises(CorpusFormatError, match="clip 'a'"):
        write_ce_features(tmp_path / "x.pkl", {"a": np.zeros((1, 2, 3))})


def test_feature_store_addresses_clips_by_id():
    store = FeatureStore(FEATURES)
    assert (store.ids, store.dim, len(store)) == (["clip_a", "clip_b"], 4, 2)
    assert "clip_a" in store and "other" not in store
    np.testing.assert_array_equal(store["clip_a"], FEATURES["clip_a"])
    assert store["clip_b"].shape == (5, 4) and store["clip_b"].dtype == np.float32
    with pytest.raises(KeyError, match="other"):
        store["other"]
