"""Parsing helpers shared by the real-data adapters (How2Sign, PHOENIX, features, lexicons).

- delimited text tables (`read_delimited`, `TextTable`, `require_columns`, `parse_number`):
  every error names its file and, where it has one, the 1-based line (`table_error`);
- decoded JSON/pickle content (`require_keys`), pickle files, gzipped or not (`load_pickle`);
- clip feature arrays (`as_feature_array`, `check_dims`): 2-D float arrays sharing one dim.

Pickles run code when loaded: read only files from sources you trust.
"""

from __future__ import annotations

import csv
import gzip
import math
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data import safe_pickle
from slr_lib.data.corpus import CorpusFormatError

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
    path: str | Path, line: int, column: str, text: str, kind: type = float
) -> float | int:
    """`text` of `column` on `line` as a finite `kind` (float or int), else an error naming both."""
    try:
        value = kind(text.strip())
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise table_error(path, line, f"{column} is not a valid {kind.__name__}: {text!r}")
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


def as_feature_array(value: Any, where: str) -> np.ndarray:
    """`value` (a NumPy array or a tensor) as a 2-D floating NumPy array; errors name `where`."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise CorpusFormatError(f"{where}: expected an array, got {type(value).__name__}")
    if value.ndim != 2 or not np.issubdtype(value.dtype, np.floating):
        raise CorpusFormatError(
            f"{where}: expected a 2-D float array (frames, dim), got {value.dtype} {value.shape}"
        )
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
