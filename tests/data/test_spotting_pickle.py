"""The challenge's spotting pickle: round trip, normalisation and malformed files."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from slr_lib.data.spotting_pickle import (
    SpottingFormatError,
    normalise,
    read_spotting_pickle,
    spotting_arrays,
    write_spotting_pickle,
)

TABLE = {"p01_n001": [[3, 120, 800], [3, 1500, 2100]], "p01_n002": [], "p02_n007": [[0, 0, 41]]}


def test_round_trip(tmp_path):
    path = write_spotting_pickle(tmp_path / "sub" / "predictions.pkl", TABLE)
    assert read_spotting_pickle(path) == TABLE
    with path.open("rb") as handle:  # a plain pickle any script can read
        assert pickle.load(handle) == TABLE


def test_numpy_values_become_plain_python(tmp_path):
    table = {"v": np.array([[1, 10, 20]], dtype=np.int64), "w": [(np.int32(2), 0.0, 12.5)]}
    path = write_spotting_pickle(tmp_path / "p.pkl", table)
    loaded = read_spotting_pickle(path)
    assert loaded == {"v": [[1, 10, 20]], "w": [[2, 0, 12.5]]}
    assert all(type(x) in (int, float) for rows in loaded.values() for row in rows for x in row)


def test_reads_pickles_holding_numpy_arrays(tmp_path):
    path = tmp_path / "np.pkl"
    path.write_bytes(pickle.dumps({"v": np.array([[1, 10, 20]]), "w": [np.int64(2)] * 0}))
    assert read_spotting_pickle(path) == {"v": [[1, 10, 20]], "w": []}


def test_arrays_view():
    arrays = spotting_arrays(TABLE)
    assert arrays.keys == tuple(TABLE)
    assert arrays.offsets.tolist() == [0, 2, 2, 3]
    assert arrays.video.tolist() == [0, 0, 2]
    assert arrays.classes.tolist() == [3, 3, 0]
    assert normalise({}) == {}


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"not a pickle at all", "not a readable spotting pickle"),
        (pickle.dumps(TABLE)[:-5], "not a readable spotting pickle"),
        (b"", "not a readable spotting pickle"),
        (pickle.dumps([["v", 1, 0, 10]]), "must map video keys"),
        (pickle.dumps({"v": [[1, 10, 5]]}), "video 'v'.*start_ms < end_ms"),
        (pickle.dumps({"v": [[1, 0, 10, 4]]}), "video 'v'.*numbers"),
        (pickle.dumps({"v": {"class": 1}}), "video 'v'.*must be a list"),
        (pickle.dumps({("v", 1): []}), "keys must be str"),
    ],
)
def test_malformed_pickles(tmp_path, content, match):
    path = tmp_path / "bad.pkl"
    path.write_bytes(content)
    with pytest.raises(SpottingFormatError, match=match) as info:
        read_spotting_pickle(path)
    assert isinstance(info.value, ValueError)


class _Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def test_refuses_code_in_a_pickle(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"v": _Evil()}))
    with pytest.raises(SpottingFormatError, match="refusing to load"):
        read_spotting_pickle(path)


def test_missing_file_and_bad_table_to_write(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_spotting_pickle(tmp_path / "absent.pkl")
    with pytest.raises(SpottingFormatError, match="video 'v'"):
        write_spotting_pickle(tmp_path / "out.pkl", {"v": [[1, -5, 10]]})
    assert not (tmp_path / "out.pkl").exists()
