"""Parsing helpers shared by the real-data adapters (How2Sign, PHOENIX, features, lexicons).

- delimited text tables (`read_delimited`, `TextTable`, `require_columns`, `parse_number`):
  every error names its file and, where it has one, the 1-based line (`table_error`);
- decoded JSON/pickle content (`require_keys`), pickle files, gzipped or not (`load_pickle`,
  `write_pickle`);
- clip feature arrays (`as_feature_array`, `check_dims`): non-empty, finite 2-D float arrays
  sharing one dim;
- keypoint arrays in the layout (`require_finite_keypoints`, `require_in_frame`): every detected
  point (confidence > 0) finite and within a margin of the frame; errors name the first bad
  frame (`first_bad_frame`).

Pickles run code when loaded: read only files from sources you trust.
"""

from __future__ import annotations

import csv
import gzip
import math
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data import safe_pickle
from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.layout import COMPONENTS

_GZIP_MAGIC = b"\x1f\x8b"
QUOTED_DELIMITERS = (",", "\t")  # tables whose fields may be CSV-quoted

# --- delimited text tables -------------------------------------------------------------------


@dataclass(frozen=True)
class TextTable:
    """The header and rows of a delimited text file, each row with its 1-based line number."""

    path: Path
    columns: tuple[str, ...]
    rows: list[tuple[int, list[str]]]

    def has(self, column: str) -> bool:
        """Whether the header has `column` (case-insensitive)."""
        return column.upper() in (c.upper() for c in self.columns)

    def index(self, column: str) -> int:
        """Position of `column` (case-insensitive) in the header."""
        for i, name in enumerate(self.columns):
            if name.upper() == column.upper():
                return i
        raise KeyError(column)


def table_error(path: str | Path, line: int | None, message: str) -> CorpusFormatError:
    """A format error naming the file and, when known, the 1-based line."""
    where = f"{path}" if line is None else f"{path}, line {line}"
    return CorpusFormatError(f"{where}: {message}")


def sniff_delimiter(path: str | Path, header: str, candidates: Sequence[str]) -> str:
    """The candidate delimiter that occurs most often in the header line."""
    if not header.strip():
        raise table_error(path, 1, "empty: no header line (is the file truncated?)")
    counts = {d: header.count(d) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])
    if counts[best] == 0:
        shown = ", ".join(repr(d) for d in candidates)
        raise table_error(path, 1, f"header has none of the delimiters {shown}: {header!r}")
    return best


def read_delimited(
    path: str | Path, delimiter: str | None = None, candidates: Sequence[str] = ("\t", ",")
) -> TextTable:
    """Read a delimited table with a header line; `delimiter=None` sniffs it from `candidates`.

    Comma- and tab-separated files may quote fields, CSV style (How2Sign's official
    tab-separated tables quote every sentence that contains `"`: `"an ""i"" ..."`); a quote
    inside an unquoted field is kept as it is. Other delimiters are read verbatim (no quoting).
    Blank lines are skipped; a row with the wrong number of fields is an error.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no table {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header_line = handle.readline().rstrip("\r\n")
            if delimiter is None:
                delimiter = sniff_delimiter(path, header_line, candidates)
            handle.seek(0)
            quoting = csv.QUOTE_MINIMAL if delimiter in QUOTED_DELIMITERS else csv.QUOTE_NONE
            reader = csv.reader(handle, delimiter=delimiter, quoting=quoting, strict=True)
            return _collect_rows(path, reader)
    except UnicodeDecodeError as error:
        raise CorpusFormatError(f"{path}: not UTF-8 text ({error})") from error


def _rows(path: Path, reader: Any) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        raise table_error(path, reader.line_num, f"malformed row ({error})") from error


def _collect_rows(path: Path, reader: Any) -> TextTable:
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, list[str]]] = []
    for fields in _rows(path, reader):
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header = tuple(f.strip() for f in fields)
        elif len(fields) != len(header):
            raise table_error(path, line, f"{len(fields)} fields, the header has {len(header)}")
        else:
            rows.append((line, fields))
    if header is None:
        raise table_error(path, None, "empty file (no header line)")
    return TextTable(path, header, rows)


def require_columns(table: TextTable, required: Iterable[str]) -> None:
    """Raise, listing the missing and the found columns, unless `table` has all `required`."""
    missing = [c for c in required if not table.has(c)]
    if missing:
        raise table_error(table.path, 1, f"missing columns {missing}; found {list(table.columns)}")


def parse_number(
    path: str | Path,
    line: int,
    column: str,
    text: str,
    kind: type = float,
    *,
    low: float | None = None,
    high: float | None = None,
) -> float | int:
    """`text` of `column` on `line` as a finite `kind` (float or int) within [`low`, `high`].

    Anything else (not a number, NaN, infinite, out of bounds) is an error naming file and line.
    """
    try:
        value = kind(text.strip())
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise table_error(path, line, f"{column} is not a valid {kind.__name__}: {text!r}")
    if low is not None and value < low:
        raise table_error(path, line, f"{column} is {value}, below {low}")
    if high is not None and value > high:
        raise table_error(path, line, f"{column} is {value}, above {high}")
    return value


# --- JSON and pickle content -----------------------------------------------------------------


def require_keys(where: str, entry: Any, keys: Iterable[str]) -> None:
    """Raise, naming `where`, unless `entry` is a dict holding all `keys`."""
    if not isinstance(entry, Mapping):
        raise CorpusFormatError(f"{where}: expected an object, got {type(entry).__name__}")
    missing = [k for k in keys if k not in entry]
    if missing:
        raise CorpusFormatError(f"{where}: missing keys {missing}; found {sorted(entry)}")


def load_pickle(path: str | Path) -> Any:
    """The object in a pickle file, gunzipped first when the file is gzip-compressed.

    Read by `slr_lib.data.safe_pickle`: a file naming any type beyond containers, numbers,
    strings, NumPy arrays and PyTorch tensors is refused, naming the file and the type.
    """
    path = Path(path)
    with path.open("rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as handle:
            return safe_pickle.load(handle)
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"{path}: unpickling needs the module {error.name!r}, which is not installed",
            name=error.name,
        ) from error
    except (pickle.UnpicklingError, EOFError, OSError, AttributeError, ValueError) as error:
        raise CorpusFormatError(f"{path}: not a readable pickle ({error})") from error


# --- clip feature arrays ---------------------------------------------------------------------


def write_pickle(path: str | Path, content: Any, compress: bool = False) -> Path:
    """Pickle plain data (containers, strings, numbers, arrays) to `path`, gzipped if asked."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if compress else open
    with opener(path, "wb") as handle:
        pickle.dump(content, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def as_feature_array(value: Any, where: str) -> np.ndarray:
    """`value` (a NumPy array or a tensor) as a non-empty, finite 2-D floating NumPy array.

    Errors name `where` (the file and clip), and for NaN or infinite values the first bad frame.
    """
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise CorpusFormatError(f"{where}: expected an array, got {type(value).__name__}")
    if value.ndim != 2 or not np.issubdtype(value.dtype, np.floating):
        raise CorpusFormatError(
            f"{where}: expected a 2-D float array (frames, dim), got {value.dtype} {value.shape}"
        )
    if value.size == 0:
        raise CorpusFormatError(f"{where}: empty feature array {value.shape} (frames, dim)")
    frame = first_bad_frame(~np.isfinite(value))
    if frame is not None:
        raise CorpusFormatError(f"{where}: NaN or infinite features in frame {frame}")
    return value


def check_dims(features: Mapping[str, np.ndarray], source: str | Path) -> int:
    """The feature dimension shared by all clips; an error names the first clip that differs."""
    dim = None
    for clip, array in features.items():
        if dim is None:
            dim = array.shape[1]
        elif array.shape[1] != dim:
            raise CorpusFormatError(
                f"{source}: clip {clip!r} has feature dim {array.shape[1]}, earlier clips {dim}"
            )
    return 0 if dim is None else int(dim)


# --- frame arrays: where they go wrong -------------------------------------------------------


def first_bad_frame(bad: np.ndarray) -> int | None:
    """The first index along axis 0 (a frame) where the boolean array `bad` is true, or None."""
    bad = np.asarray(bad)
    if bad.size == 0:
        return None
    frames = np.flatnonzero(bad.reshape(len(bad), -1).any(axis=1))
    return int(frames[0]) if frames.size else None


def point_name(index: int) -> str:
    """A point of the keypoint layout by component and name, e.g. 'POSE_LANDMARKS LEFT_WRIST'."""
    for component, points in COMPONENTS:
        if index < len(points):
            return f"{component} {points[index]}"
        index -= len(points)
    raise IndexError(index)


def require_finite_keypoints(
    xy: np.ndarray,
    confidence: np.ndarray,
    where: Callable[[int], str],
    point: Callable[[int], str] = point_name,
) -> None:
    """Raise unless every confidence is finite and every detected point's coordinates are.

    `xy` is (frames, points, dims), `confidence` (frames, points); a point with confidence 0
    (not detected) may hold anything. The error names the file and frame (`where(frame)`) and
    the point (`point(index)`, by default its name in the layout).
    """
    bad = ~np.isfinite(confidence) | ((confidence > 0) & ~np.isfinite(xy).all(axis=-1))
    frame = first_bad_frame(bad)
    if frame is None:
        return
    index = int(np.flatnonzero(bad[frame])[0])
    coordinates = tuple(float(v) for v in xy[frame, index])
    raise CorpusFormatError(
        f"{where(frame)}: {point(index)} has NaN or infinite values: coordinates {coordinates}, "
        f"confidence {float(confidence[frame, index])}"
    )


def require_in_frame(
    data: np.ndarray,
    confidence: np.ndarray,
    margin: float,
    where: Callable[[int], str],
    advice: str,
) -> None:
    """Raise unless every detected point lies within `margin` frame sizes of the frame.

    `data` is (frames, points, dims) in the layout's units (x / width, y / height), so the
    allowed x and y are [-margin, 1 + margin]; points with confidence 0 are not checked. The
    error names the file and frame (`where(frame)`), the point, and ends with `advice`.
    """
    xy = data[..., :2]
    outside = (confidence > 0) & ((xy < -margin) | (xy > 1 + margin)).any(axis=-1)
    frame = first_bad_frame(outside)
    if frame is None:
        return
    index = int(np.flatnonzero(outside[frame])[0])
    x, y = (float(v) for v in xy[frame, index])
    raise CorpusFormatError(
        f"{where(frame)}: {point_name(index)} lies at ({x:.3g}, {y:.3g}) of the frame, more than "
        f"{margin:g} frame sizes outside it; {advice}"
    )
