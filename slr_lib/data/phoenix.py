"""RWTH-PHOENIX-Weather 2014T (German Sign Language): corpus tables and sign features.

- Tables `PHOENIX-2014-T.{train,dev,test}.corpus.csv`: `|`-separated with the header
  `name|video|start|end|speaker|orth|translation` (`orth` the gloss sequence, `translation` the
  German sentence; `start, end` are frame numbers, -1 for the whole clip);
- features as in the Sign Language Transformers release (`phoenix14t.pami0.{train,dev,test}`):
  gzipped pickles of a list of dicts `{name, signer, gloss, text, sign}`, `sign` a
  (frames, 1024) array or torch tensor (unpickling tensors needs torch) and `name` prefixed by
  the split folder (`dev/...`), a prefix dropped here so names match the tables.

PHOENIX calls the validation split `dev`; it is `val` here (`SPLIT_NAMES`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.tables import (
    as_feature_array,
    check_dims,
    load_pickle,
    parse_number,
    read_delimited,
    require_columns,
    require_keys,
    table_error,
)

SPLIT_NAMES = {"train": "train", "dev": "val", "test": "test"}
# Our column name -> the PHOENIX table's.
TABLE_COLUMNS = {
    "name": "name", "video": "video", "start": "start", "end": "end",
    "signer": "speaker", "gloss": "orth", "text": "translation",
}  # fmt: skip
INT_COLUMNS = ("start", "end")
FEATURE_KEYS = ("name", "signer", "gloss", "text", "sign")


def phoenix_split(name: str) -> str | None:
    """The split ('train', 'val', 'test') a PHOENIX split or file name names, else None."""
    found = {SPLIT_NAMES[t] for t in re.split(r"[./\\_-]", name) if t in SPLIT_NAMES}
    return found.pop() if len(found) == 1 else None


def _split_or_error(path: Path, split: str | None) -> str:
    resolved = split or phoenix_split(path.name)
    if resolved is None:
        raise CorpusFormatError(f"{path}: the file name names no split; pass split=")
    return SPLIT_NAMES.get(resolved, resolved)


def read_phoenix_table(path: str | Path, split: str | None = None) -> pd.DataFrame:
    """A PHOENIX-2014T corpus table: `name, video, start, end, signer, gloss, text, split`.

    `split` defaults to the one the file name names (`dev` becoming `val`).
    """
    path = Path(path)
    table = read_delimited(path, delimiter="|")
    require_columns(table, TABLE_COLUMNS.values())
    split = _split_or_error(path, split)
    positions = {ours: table.index(theirs) for ours, theirs in TABLE_COLUMNS.items()}
    first_line: dict[str, int] = {}
    records = []
    for line, fields in table.rows:
        record: dict[str, Any] = {key: fields[i].strip() for key, i in positions.items()}
        for key in INT_COLUMNS:
            record[key] = parse_number(path, line, TABLE_COLUMNS[key], record[key], int)
        if record["name"] in first_line:
            raise table_error(
                path, line, f"name {record['name']!r} repeats line {first_line[record['name']]}"
            )
        first_line[record["name"]] = line
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    return frame.assign(split=split)


def _feature_entry(path: Path, number: int, entry: Any, split: str | None) -> dict[str, Any]:
    where = f"{path}, entry {number}"
    require_keys(where, entry, FEATURE_KEYS)
    folder, _, name = str(entry["name"]).rpartition("/")
    resolved = phoenix_split(folder) if folder else None
    resolved = resolved or split or phoenix_split(path.name)
    if resolved is None:
        raise CorpusFormatError(f"{where}: neither the name nor the file names a split")
    return {
        "name": name,
        "signer": str(entry["signer"]),
        "gloss": str(entry["gloss"]),
        "text": str(entry["text"]),
        "split": SPLIT_NAMES.get(resolved, resolved),
        "sign": as_feature_array(entry["sign"], f"{where} ({name})"),
    }


def read_phoenix_features(
    path: str | Path, split: str | None = None
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A PHOENIX-2014T feature file: the clips (`name, signer, gloss, text, split`), features.

    A clip's split comes from its name's folder prefix, else `split`, else the file name.
    """
    path = Path(path)
    content = load_pickle(path)
    if not isinstance(content, list):
        raise CorpusFormatError(f"{path}: expected a list of clips, got {type(content).__name__}")
    records, features = [], {}
    for number, entry in enumerate(content, start=1):
        record = _feature_entry(path, number, entry, split)
        if record["name"] in features:
            raise CorpusFormatError(f"{path}, entry {number}: name {record['name']!r} repeats")
        features[record["name"]] = record.pop("sign")
        records.append(record)
    check_dims(features, path)
    clips = pd.DataFrame.from_records(records, columns=["name", "signer", "gloss", "text", "split"])
    return clips, features
