"""Clip features in the CiCo (one pickle per clip) and Collaborative Experts layouts."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.features import (
    FeatureStore,
    cico_clip_id,
    read_ce_features,
    read_cico_annotation,
    read_cico_features,
    sentence_features,
    write_ce_features,
    write_cico_features,
)
from tests.conftest import REALDATA

CICO_TEST = REALDATA / "cico" / "data_h2_test.pkl"
needs_cico = pytest.mark.skipif(
    not CICO_TEST.is_file(), reason=f"real CiCo annotation not present at {CICO_TEST}"
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


# --- CiCo's How2Sign annotation ---------------------------------------------------------------


@needs_cico
def test_real_cico_annotation_maps_sentence_ids_to_one_clip_per_take():
    mapping = read_cico_annotation(CICO_TEST)
    assert len(mapping) == 1969 and sum(len(c) for c in mapping.values()) == 2348
    assert sum(len(c) > 1 for c in mapping.values()) == 345
    assert mapping["-fZc293MpJk_2"] == ["-fZc293MpJk-1-rgb_front_clip1"]  # M is not N
    takes = mapping["G25fic3QxDk_0"]
    assert takes == ["G25fic3QxDk-10-rgb_front_clip0", "G25fic3QxDk-5-rgb_front_clip0"]
    assert cico_clip_id(mapping, "G25fic3QxDk_0-5-rgb_front") == takes[1]
    assert cico_clip_id(mapping, "G25fic3QxDk_0-10-rgb_front") == takes[0]
    assert cico_clip_id(mapping, "G25fic3QxDk_0-1-rgb_front") is None
    # video ids with '_' and merged sentence ids (How2Sign's `ID_16_17_18`) resolve too
    assert cico_clip_id(mapping, "G21Gx_C18IA_2_3-2-rgb_front") == "G21Gx_C18IA-2-rgb_front_clip2"
    assert cico_clip_id(mapping, "8kAWy2YodzQ_16_17_18-1-rgb_front") == (
        "8kAWy2YodzQ-1-rgb_front_clip13"
    )


@needs_cico
def test_real_cico_annotation_gives_each_sentence_name_its_clip(tmp_path):
    mapping = read_cico_annotation(CICO_TEST)
    names = ["-fZc293MpJk_0-1-rgb_front", "G25fic3QxDk_0-10-rgb_front", "G25fic3QxDk_0-5-rgb_front"]
    clips = [cico_clip_id(mapping, n) for n in names]
    rng = np.random.default_rng(0)
    arrays = {c: rng.standard_normal((3 + i, 8)).astype(np.float32) for i, c in enumerate(clips)}
    write_cico_features(tmp_path, arrays | {"unrelated_clip0": np.zeros((2, 8), np.float32)})
    features = sentence_features(tmp_path, mapping, names)
    assert list(features) == names
    for name, clip in zip(names, clips, strict=True):
        np.testing.assert_array_equal(features[name], arrays[clip])
    with pytest.raises(
        CorpusFormatError, match=r"1 of 2 requested clips .*-fZc293MpJk-1-rgb_front_clip1"
    ):
        sentence_features(tmp_path, mapping, [names[0], "-fZc293MpJk_2-1-rgb_front"])
    with pytest.raises(
        CorpusFormatError, match=r"1 of 2 sentences have no clip .*G25fic3QxDk_0-1-"
    ):
        sentence_features(tmp_path, mapping, [names[0], "G25fic3QxDk_0-1-rgb_front"])
    with pytest.raises(CorpusFormatError, match="'G25fic3QxDk_0' is not a How2Sign SENTENCE_NAME"):
        sentence_features(tmp_path, mapping, ["G25fic3QxDk_0"])


def clip_entry(video_name: str) -> dict:
    return {"text": "Hi!", "num_frames": 10, "video_name": video_name}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ([clip_entry("v-1-rgb_front_clip0")], "expected a dict sentence id -> clips, got list"),
        ({"v_0": []}, "sentence 'v_0': expected a non-empty list of clips"),
        ({"v_0": clip_entry("v-1-rgb_front_clip0")}, "sentence 'v_0': expected a non-empty list"),
        ({"v_0": ["v-1-rgb_front_clip0"]}, "sentence 'v_0', clip 1: expected an object"),
        ({"v_0": [{"text": "Hi!"}]}, r"sentence 'v_0', clip 1: missing keys \['video_name'\]"),
        ({"v_0": [clip_entry("v-1-rgb_front")]}, "'v-1-rgb_front' is not a clip id"),
        ({"v_0": [clip_entry("v_clip0")]}, "'v_clip0' is not a clip id"),
        ({"v_0": [clip_entry(None)]}, "None is not a clip id"),
        ({"v_0": [clip_entry("w-1-rgb_front_clip0")]}, "is not of the sentence's video"),
        (
            {"v_0": [clip_entry("v-1-rgb_front_clip0"), clip_entry("v-1-rgb_front_clip3")]},
            "sentence 'v_0': two clips of take '-1-rgb_front'",
        ),
        (
            {
                "v_0": [clip_entry("v-1-rgb_front_clip0")],
                "v_1": [clip_entry("v-1-rgb_front_clip0")],
            },
            "sentence 'v_1': clip 'v-1-rgb_front_clip0' also belongs to 'v_0'",
        ),
        ({3: [clip_entry("v-1-rgb_front_clip0")]}, "sentence 3: a sentence id must be a string"),
    ],
)
def test_bad_cico_annotations_name_the_sentence(tmp_path, content, message):
    path = dump(tmp_path / "data_h2_test.pkl", content)
    with pytest.raises(CorpusFormatError, match=message) as error:
        read_cico_annotation(path)
    assert str(path) in str(error.value)
