"""The sign-spotting format of the ECCV 2022 challenge: ground truth and predictions alike.

A table maps a video key (str) to a list of entries `[class_id, start_ms, end_ms]`: an integral
class id and a span in milliseconds from the start of that video, with `0 <= start_ms < end_ms`.
On disk it is one pickle of that dict. Reading goes through the restricted unpickler of
`slr_lib.data.safe_pickle` (plain containers, numbers, NumPy arrays), so a foreign pickle cannot
run code; anything else, or a table that breaks the rules above, is a `SpottingFormatError` (a
`ValueError`) naming the file and the offending video.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from slr_lib.data import safe_pickle

SpottingTable = dict[str, list[list[int | float]]]


class SpottingFormatError(ValueError):
    """A spotting table or pickle that does not follow the challenge format."""


@dataclass(frozen=True)
class SpottingArrays:
    """A validated table flattened into arrays: entries of video `keys[i]` are rows
    `offsets[i]:offsets[i + 1]`."""

    keys: tuple[str, ...]
    offsets: np.ndarray  # (n_videos + 1,) int64
    classes: np.ndarray  # (n_entries,) int64
    starts: np.ndarray  # (n_entries,) float64, milliseconds
    ends: np.ndarray  # (n_entries,) float64, milliseconds

    @property
    def video(self) -> np.ndarray:
        """The index in `keys` of each entry's video."""
        return np.repeat(np.arange(len(self.keys)), np.diff(self.offsets))


def spotting_arrays(table: Mapping[str, Any], what: str = "spotting table") -> SpottingArrays:
    """Validate a table and flatten it; `what` names the table in error messages."""
    if not isinstance(table, Mapping):
        raise SpottingFormatError(
            f"{what} must map video keys to entry lists, got {type(table).__name__}"
        )
    keys = tuple(table)
    values = [table[key] for key in keys]
    for key, value in zip(keys, values, strict=True):
        if not isinstance(key, str):
            raise SpottingFormatError(f"{what}: video keys must be str, got {key!r}")
        if not isinstance(value, (list, tuple, np.ndarray)):
            raise SpottingFormatError(
                f"{what}: video {key!r}: entries must be a list, got {type(value).__name__}"
            )
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in values], dtype=np.int64)])
    entries = _stack(values) if offsets[-1] else np.zeros((0, 3))
    if entries is None:
        _find_malformed(keys, values, what)
    entries = entries.astype(np.float64, copy=False)
    bad = _bad_rows(entries)
    if bad.size:
        row = int(bad[0])
        video = int(np.searchsorted(offsets, row, side="right") - 1)
        raise SpottingFormatError(
            f"{what}: video {keys[video]!r}: entry {values[video][row - offsets[video]]!r} "
            "must be [integral class_id, start_ms, end_ms] with 0 <= start_ms < end_ms "
            f"({len(bad)} bad entries in all)"
        )
    return SpottingArrays(
        keys, offsets.astype(np.int64), entries[:, 0].astype(np.int64), entries[:, 1], entries[:, 2]
    )


def normalise(table: Mapping[str, Any], what: str = "spotting table") -> SpottingTable:
    """A validated copy in plain Python types: int class ids, int or float times."""
    arrays = spotting_arrays(table, what)
    rows = [
        [int(c), _number(s), _number(e)]
        for c, s, e in zip(arrays.classes, arrays.starts, arrays.ends, strict=True)
    ]
    return {
        key: rows[arrays.offsets[i] : arrays.offsets[i + 1]] for i, key in enumerate(arrays.keys)
    }


def read_spotting_pickle(path: str | Path) -> SpottingTable:
    """Load and validate a challenge pickle (ground truth or predictions)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no spotting pickle at {path}")
    try:
        with path.open("rb") as handle:
            table = safe_pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as err:
        raise SpottingFormatError(f"{path} is not a readable spotting pickle: {err}") from err
    return normalise(table, str(path))


def write_spotting_pickle(path: str | Path, table: Mapping[str, Any]) -> Path:
    """Validate a table and write it as a challenge pickle (plain Python types)."""
    path = Path(path)
    clean = normalise(table, "table to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(clean, handle, protocol=4)
    return path


def _stack(values: list[Any]) -> np.ndarray | None:
    """All entries as one (n, 3) numeric array, or None if some entry is not three numbers."""
    try:
        entries = np.array([entry for value in values for entry in value])
    except (TypeError, ValueError):
        return None
    if entries.ndim != 2 or entries.shape[1] != 3 or entries.dtype.kind not in "iuf":
        return None
    return entries


def _find_malformed(keys: tuple[str, ...], values: list[Any], what: str) -> NoReturn:
    """Raise for the first video whose entries are not rows of three numbers."""
    for key, value in zip(keys, values, strict=True):
        if len(value) and _stack([value]) is None:
            raise SpottingFormatError(
                f"{what}: video {key!r}: entries must be [class_id, start_ms, end_ms] numbers, "
                f"got {list(value)[:3]!r}"
            )
    raise SpottingFormatError(f"{what}: entries must be [class_id, start_ms, end_ms] numbers")


def _bad_rows(entries: np.ndarray) -> np.ndarray:
    """Indices of entries with a non-integral class, a non-finite time or a bad span."""
    classes, starts, ends = entries.T
    ok = np.isfinite(entries).all(axis=1) & (classes == np.round(classes))
    ok &= (starts >= 0) & (ends > starts)
    return np.flatnonzero(~ok)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)
