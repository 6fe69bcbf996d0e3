"""The parsing helpers shared by the real-data adapters."""

from __future__ import annotations

import gzip
import pickle

import numpy as np
import pytest

from slr_lib.data import tables
from slr_lib.data.corpus import CorpusFormatError


def test_load_pickle_unzips_and_refuses_garbage(tmp_path):
    packed = tmp_path / "packed"
    packed.write_bytes(gzip.compress(pickle.dumps([1, 2])))
    assert tables.load_pickle(packed) == [1, 2]
    garbage = tmp_path / "garbage.pkl"
    garbage.write_bytes(b"definitely not a pickle")
    with pytest.raises(CorpusFormatError, match="not a readable pickle"):
        tables.load_pickle(garbage)


def test_delimiter_is_sniffed_and_lines_are_kept(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x, y"\n\n2,z\n')
    table = tables.read_delimited(path)
    assert table.columns == ("a", "b")
    assert table.rows == [(2, ["1", "x, y"]), (4, ["2", "z"])]
    assert table.has("A") and table.index("B") == 1
    path.write_text('a\tb\n1\t"an ""i"" here"\n2\tsaid "hi"\n')
    rows = tables.read_delimited(path).rows  # tabs: CSV quoting, as How2Sign's official files
    assert rows == [(2, ["1", 'an "i" here']), (3, ["2", 'said "hi"'])]
    path.write_text('a|b\n1|"x"\n')
    assert tables.read_delimited(path, "|").rows == [(2, ["1", '"x"'])]  # others: verbatim


@pytest.mark.parametrize(
    ("text", "delimiter", "message"),
    [
        ("\n", "|", "empty file"),
        ("a;b\n1;2\n", None, "line 1: header has none of the delimiters"),
        ("a,b\n1,2,3\n", None, "line 2: 3 fields, the header has 2"),
    ],
)
def test_bad_tables_name_file_and_line(tmp_path, text, delimiter, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(CorpusFormatError, match=message) as error:
        tables.read_delimited(path, delimiter)
    assert str(path) in str(error.value)


def test_columns_numbers_and_keys_are_checked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CorpusFormatError, match=r"line 1: missing columns \['c'\]"):
        tables.require_columns(tables.read_delimited(path), ["a", "c"])
    assert tables.parse_number(path, 2, "a", " 7 ", int) == 7
    with pytest.raises(CorpusFormatError, match="line 2: a is not a valid float: 'inf'"):
        tables.parse_number(path, 2, "a", "inf")
    tables.require_keys("here", {"k": 1}, ["k"])
    with pytest.raises(CorpusFormatError, match=r"here: missing keys \['m'\]"):
        tables.require_keys("here", {"k": 1}, ["k", "m"])


def test_feature_arrays_are_two_dimensional_floats_of_one_dim():
    assert tables.as_feature_array(np.zeros((2, 3), np.float16), "x").shape == (2, 3)
    with pytest.raises(CorpusFormatError, match="x: expected a 2-D float array"):
        tables.as_feature_array(np.zeros((2, 3), np.int32), "x")
    assert tables.check_dims({"a": np.zeros((1, 4)), "b": np.zeros((5, 4))}, "src") == 4
    assert tables.check_dims({}, "src") == 0
    with pytest.raises(CorpusFormatError, match="src: clip 'b' has feature dim 2"):
        tables.check_dims({"a": np.zeros((1, 4)), "b": np.zeros((5, 2))}, "src")


@pytest.mark.parametrize(
    ("text", "bounds", "message"),
    [
        ("-0.5", {"low": 0.0}, "line 3: t is -0.5, below 0.0"),
        ("1e308", {"high": 86400.0}, r"line 3: t is 1e\+308, above 86400.0"),
        ("nan", {}, "line 3: t is not a valid float: 'nan'"),
        ("-inf", {"low": 0.0}, "line 3: t is not a valid float: '-inf'"),
        ("1e999", {}, "line 3: t is not a valid float: '1e999'"),  # overflows to inf
        ("", {}, "line 3: t is not a valid float: ''"),
    ],
)
def test_numbers_out_of_bounds_name_file_and_line(tmp_path, text, bounds, message):
    path = tmp_path / "t.csv"
    with pytest.raises(CorpusFormatError, match=message) as error:
        tables.parse_number(path, 3, "t", text, **bounds)
    assert str(path) in str(error.value)


def test_numbers_at_their_bounds_are_kept(tmp_path):
    assert tables.parse_number(tmp_path, 3, "t", "0", low=0.0, high=1.0) == 0.0
    assert tables.parse_number(tmp_path, 3, "t", " 1.0 ", low=0.0, high=1.0) == 1.0
    assert tables.parse_number(tmp_path, 3, "t", "12", int, low=0) == 12


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array([[0.0, 1.0], [np.nan, 2.0]], np.float32), "NaN or infinite features in frame 1"),
        (np.array([[0.0, 1.0], [1.0, 2.0], [np.inf, 0]]), "NaN or infinite features in frame 2"),
        (np.array([[-np.inf, 1.0]], np.float16), "NaN or infinite features in frame 0"),
        (np.zeros((0, 8), np.float32), r"empty feature array \(0, 8\)"),
        (np.zeros((5, 0), np.float32), r"empty feature array \(5, 0\)"),
    ],
)
def test_feature_arrays_must_be_finite_and_not_empty(array, message):
    with pytest.raises(CorpusFormatError, match=f"file.pkl clip 'c7': {message}"):
        tables.as_feature_array(array, "file.pkl clip 'c7'")


def test_feature_tensors_are_checked_too():
    torch = pytest.importorskip("torch")
    good = tables.as_feature_array(torch.ones(3, 2), "t")
    assert isinstance(good, np.ndarray) and good.shape == (3, 2)
    with pytest.raises(CorpusFormatError, match="t: NaN or infinite features in frame 2"):
        tables.as_feature_array(torch.tensor([[0.0], [1.0], [float("nan")]]), "t")


def test_first_bad_frame_and_point_names():
    assert tables.first_bad_frame(np.zeros((4, 3, 2), bool)) is None
    assert tables.first_bad_frame(np.zeros((0, 3), bool)) is None
    bad = np.zeros((4, 3, 2), bool)
    bad[2, 1, 1] = bad[3, 0, 0] = True
    assert tables.first_bad_frame(bad) == 2
    assert tables.point_name(0) == "POSE_LANDMARKS NOSE"
    assert tables.point_name(25) == "LEFT_HAND_LANDMARKS WRIST"
    assert tables.point_name(86) == "MOUTH 185"
    with pytest.raises(IndexError):
        tables.point_name(87)
