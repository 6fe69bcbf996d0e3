"""Data pickles are read without running code: allowed types round-trip, others are refused."""

from __future__ import annotations

import gzip
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

from slr_lib.data import safe_pickle, tables
from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.spotting_pickle import SpottingFormatError, read_spotting_pickle


class _Payload:
    """Unpickling this runs `touch <marker>`."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_allowed_content_round_trips(tmp_path):
    content = OrderedDict(
        a=np.arange(6, dtype=np.float32).reshape(2, 3), b=[1, 2.5, "x", (True, None)],
        c=np.float64(3.0), d={frozenset({1}), 2},
    )  # fmt: skip
    path = tmp_path / "features.pkl"
    path.write_bytes(gzip.compress(pickle.dumps(content)))
    loaded = tables.load_pickle(path)
    np.testing.assert_array_equal(loaded["a"], content["a"])
    assert loaded["b"] == content["b"] and loaded["c"] == 3.0 and loaded["d"] == content["d"]


def test_tensors_are_read_through_torchs_restricted_loader(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "phoenix.pkl"
    path.write_bytes(pickle.dumps([{"name": "train/a", "sign": torch.arange(8.0).reshape(2, 4)}]))
    (entry,) = tables.load_pickle(path)
    assert torch.equal(entry["sign"], torch.arange(8.0).reshape(2, 4))


@pytest.mark.parametrize("compress", [False, True])
def test_a_crafted_pickle_is_refused_and_runs_nothing(tmp_path, compress):
    marker = tmp_path / "ran"
    data = pickle.dumps({"features": _Payload(str(marker))})
    path = tmp_path / "crafted.pkl"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(
        CorpusFormatError, match=r"crafted\.pkl.*refusing to load (posix|os)\.system"
    ):
        tables.load_pickle(path)
    if not compress:  # challenge tables are plain pickles
        with pytest.raises(SpottingFormatError, match=r"crafted\.pkl.*refusing"):
            read_spotting_pickle(path)
    assert not marker.exists()


def test_other_classes_are_refused_by_name():
    data = pickle.dumps({"when": __import__("datetime").date(2022, 10, 23)})
    with pytest.raises(pickle.UnpicklingError, match="refusing to load datetime.date"):
        safe_pickle.load(__import__("io").BytesIO(data))
