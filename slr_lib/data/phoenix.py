"""RWTH-PHOENIX-Weather 2014T (German Sign Language): corpus tables, sign features, a corpus.

- Tables `PHOENIX-2014-T.{train,dev,test}.corpus.csv` (and the `train-complex-annotation`
  variant): `|`-separated with the header `name|video|start|end|speaker|orth|translation`
  (`orth` the gloss sequence, `translation` the German sentence; `start, end` are frame
  numbers, -1 for the whole clip);
- features as in the Sign Language Transformers release (`phoenix14t.pami0.{train,dev,test}`):
  gzipped pickles of a list of dicts `{name, signer, gloss, text, sign}`, `sign` a
  (frames, 1024) array or torch tensor (unpickling tensors needs torch) and `name` prefixed by
  the split folder (`dev/...`), a prefix dropped here so names match the tables.

PHOENIX calls the validation split `dev`; it is `val` here (`SPLIT_NAMES`).

Glosses: an `orth` string mixes signs with annotation marks, tokens wrapped in double
underscores (`MARKER`). In the real train complex annotation (7,096 rows) these are `__OFF__`
(2,753), `__ON__` (2,560), `__PU__` (897), `__HOLD__` (679), `__LEFTHAND__` (442), `__EMP__`
(304) and 58 uncertain ones (`__??__`, `__??WORD__`, ...). `clean_glosses` drops them all;
every gloss read here (`gloss` columns) is cleaned, the raw string is kept as `orth`.
Cleaning leaves 60,088 gloss tokens and no empty sequence there. `loc-`, `cl-`, `neg-`,
`poss-` glosses are signs and are kept.

The corpus (`build_phoenix_corpus`): one video per PHOENIX sample, holding one sentence that
spans it. PHOENIX publishes no keypoints: each video's pose item holds its frames with
confidence 0 (and coordinates 0), so that timings and frame counts are right while no pose is
claimed. A sample's frame count comes from its features where given, else from the table's
`start, end` (inclusive frame numbers); a sample with neither is refused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.data.corpus import (
    SENTENCE_COLUMNS,
    VIDEO_COLUMNS,
    Corpus,
    CorpusFormatError,
    PoseArray,
)
from slr_lib.data.layout import N_DIMS, N_POINTS
from slr_lib.data.tables import (
    as_feature_array,
    check_dims,
    load_pickle,
    parse_number,
    read_delimited,
    require_columns,
    require_keys,
    table_error,
    write_pickle,
)

SPLIT_NAMES = {"train": "train", "dev": "val", "test": "test"}
# Our column name -> the PHOENIX table's.
TABLE_COLUMNS = {
    "name": "name", "video": "video", "start": "start", "end": "end",
    "signer": "speaker", "orth": "orth", "text": "translation",
}  # fmt: skip
INT_COLUMNS = ("start", "end")
WHOLE_CLIP = -1
"""`start`/`end` value meaning "the whole clip" (no frame numbers given)."""
FEATURE_KEYS = ("name", "signer", "gloss", "text", "sign")
MARKER = re.compile(r"^__.*__$")
"""An `orth` token that is an annotation mark, not a sign (`__ON__`, `__OFF__`, `__PU__`, ...)."""
TABLE_GLOB = "*.corpus.csv"
NAME = "phoenix2014t"
LANGUAGE = "gsg"
FPS = 25.0
TOPIC = "weather"
"""Every PHOENIX sample comes from a weather forecast."""
GLOSS_COLUMNS = ("gloss", "orth")
"""Extra columns of the corpus's sentences: cleaned glosses (space-separated) and raw `orth`."""


def clean_glosses(orth: str) -> list[str]:
    """The signs of a PHOENIX `orth` string: its tokens without annotation marks (`MARKER`)."""
    return [token for token in orth.split() if not MARKER.match(token)]


def phoenix_split(name: str) -> str | None:
    """The split ('train', 'val', 'test') a PHOENIX split or file name names, else None."""
    found = {SPLIT_NAMES[t] for t in re.split(r"[./\\_-]", name) if t in SPLIT_NAMES}
    return found.pop() if len(found) == 1 else None


def _split_or_error(path: Path, split: str | None) -> str:
    resolved = split or phoenix_split(path.name)
    if resolved is None:
        raise CorpusFormatError(f"{path}: the file name names no split; pass split=")
    return SPLIT_NAMES.get(resolved, resolved)


def _check_row(path: Path, line: int, record: dict[str, Any]) -> None:
    """Refuse a row whose frame span or glosses make no sample."""
    start, end = record["start"], record["end"]
    if (start == WHOLE_CLIP) != (end == WHOLE_CLIP):
        raise table_error(path, line, f"start {start} and end {end}: both or neither must be -1")
    if start != WHOLE_CLIP and (start < 0 or end < start):
        raise table_error(path, line, f"bad frame span: start {start}, end {end}")
    if not record["gloss"]:
        raise table_error(path, line, f"no gloss left once marks are dropped: {record['orth']!r}")
    if not record["text"]:
        raise table_error(path, line, "empty translation")


def read_phoenix_table(path: str | Path, split: str | None = None) -> pd.DataFrame:
    """A PHOENIX-2014T corpus table: `name, video, start, end, signer, orth, text, gloss, split`.

    `gloss` is `orth` cleaned (`clean_glosses`), space-separated. `split` defaults to the one
    the file name names (`dev` becoming `val`). Rows with a bad span, no gloss, an empty
    translation or a repeated name are refused, naming the file and line.
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
        record["gloss"] = " ".join(clean_glosses(record["orth"]))
        _check_row(path, line, record)
        if record["name"] in first_line:
            raise table_error(
                path, line, f"name {record['name']!r} repeats line {first_line[record['name']]}"
            )
        first_line[record["name"]] = line
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*TABLE_COLUMNS, "gloss"])
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
        "gloss": " ".join(clean_glosses(str(entry["gloss"]))),
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


def write_phoenix_features(path: str | Path, entries: Iterable[Mapping[str, Any]]) -> Path:
    """Write clips in the Sign Language Transformers layout: a gzipped pickle of a list of
    `{name, signer, gloss, text, sign}` dicts (`sign` a (frames, dim) float array).

    Names are written as given: prefix them with their split folder (`train/...`) as the
    release does, or name the split in the file name.
    """
    path = Path(path)
    clips: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        require_keys(where, entry, FEATURE_KEYS)
        clip = {key: str(entry[key]) for key in FEATURE_KEYS if key != "sign"}
        if clip["name"] in clips:
            raise ValueError(f"{where}: name {clip['name']!r} repeats")
        clip["sign"] = as_feature_array(entry["sign"], f"{where} ({clip['name']})")
        clips[clip["name"]] = clip
    check_dims({name: clip["sign"] for name, clip in clips.items()}, path)
    return write_pickle(path, list(clips.values()), compress=True)


# --- the corpus -------------------------------------------------------------------------------

TableSource = str | Path | Iterable[str | Path] | Mapping[str, str | Path]


def table_paths(tables: TableSource) -> list[tuple[Path, str | None]]:
    """(path, split or None for the file name's) of each table given as a mapping split ->
    file, or as files and folders (a folder's `*.corpus.csv`)."""
    if isinstance(tables, Mapping):
        return [(Path(p), split) for split, p in tables.items()]
    given = [tables] if isinstance(tables, (str, Path)) else list(tables)
    return [(path, None) for entry in given for path in _table_files(Path(entry))]


def _table_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    found = sorted(path.glob(TABLE_GLOB))
    if not found:
        raise FileNotFoundError(f"no PHOENIX table ({TABLE_GLOB}) in {path}")
    return found


def read_phoenix_tables(tables: TableSource) -> pd.DataFrame:
    """The rows of every table, one split per table, names unique across them."""
    frames = [read_phoenix_table(path, split) for path, split in table_paths(tables)]
    if not frames:
        raise ValueError("no PHOENIX table given")
    splits = [str(f["split"].iloc[0]) for f in frames if len(f)]
    if len(set(splits)) != len(splits):
        raise CorpusFormatError(f"several tables for one split: {sorted(splits)}; pass one each")
    table = pd.concat(frames, ignore_index=True)
    repeated = table.loc[table["name"].duplicated(), "name"]
    if len(repeated):
        raise CorpusFormatError(f"names in several tables, e.g. {repeated.tolist()[:3]}")
    return table


FeatureSource = str | Path | Iterable[str | Path]


def read_feature_files(features: FeatureSource) -> dict[str, np.ndarray]:
    """Every clip's (frames, dim) features in the feature files, by name, each clip in one file."""
    paths = [features] if isinstance(features, (str, Path)) else list(features)
    arrays: dict[str, np.ndarray] = {}
    for path in paths:
        for name, array in read_phoenix_features(path)[1].items():
            if name in arrays:
                raise CorpusFormatError(f"{path}: clip {name!r} is also in an earlier file")
            arrays[name] = array
    return arrays


def frame_counts(table: pd.DataFrame, from_features: Mapping[str, int]) -> pd.Series:
    """Each row's number of frames: its features' where given, else its table span."""
    spans = (table["end"] - table["start"] + 1).where(table["start"] != WHOLE_CLIP)
    counts = table["name"].map(from_features).fillna(spans)
    unknown = table.loc[counts.isna(), "name"].tolist()
    if unknown:
        raise CorpusFormatError(
            f"{len(unknown)} of {len(table)} PHOENIX samples have no frame count (start/end -1"
            f" and no features), e.g. {unknown[:3]}: pass their features or restrict names="
        )
    return counts.astype(np.int64)


def placeholder_poses(lengths: Iterable[int]) -> PoseArray:
    """Pose items of the given lengths, every point with confidence 0 and coordinates 0."""
    offsets = np.concatenate([[0], np.cumsum(list(lengths), dtype=np.int64)]).astype(np.int64)
    total = int(offsets[-1])
    data = np.zeros((total, N_POINTS, N_DIMS), np.float16)
    return PoseArray(data, np.zeros((total, N_POINTS), np.float16), offsets)


def _select(table: pd.DataFrame, names: Collection[str] | None) -> pd.DataFrame:
    if names is None:
        return table
    wanted = set(names)
    unknown = sorted(wanted - set(table["name"]))
    if unknown:
        raise CorpusFormatError(f"names not in the PHOENIX tables, e.g. {unknown[:3]}")
    return table[table["name"].isin(wanted)].reset_index(drop=True)


def _videos_and_sentences(
    table: pd.DataFrame, n_frames: pd.Series, fps: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    index = table.groupby("split", sort=False).cumcount()
    videos = pd.DataFrame({
        "video_id": table["name"], "split": table["split"], "signer": table["signer"],
        "topic": TOPIC, "fps": fps, "n_frames": n_frames, "pose_index": index,
    })  # fmt: skip
    duration = n_frames / fps
    sentences = pd.DataFrame({
        "sentence_id": table["name"], "video_id": table["name"], "split": table["split"],
        "text": table["text"], "start_sign": 0.0, "end_sign": duration,
        "start_speech": 0.0, "end_speech": duration,
        "gloss": table["gloss"], "orth": table["orth"],
    })  # fmt: skip
    return videos[list(VIDEO_COLUMNS)], sentences[[*SENTENCE_COLUMNS, *GLOSS_COLUMNS]]


def build_phoenix_corpus(
    tables: TableSource,
    features: FeatureSource | Mapping[str, np.ndarray] | None = None,
    fps: float = FPS,
    names: Collection[str] | None = None,
) -> Corpus:
    """The PHOENIX-2014T corpus of the given tables (see the module docstring).

    `tables`: a folder of `*.corpus.csv`, a file, a list of files or a mapping split -> file;
    `features`: Sign Language Transformers feature files, or their clips already read
    (`read_feature_files`), used only for their frame counts (they win over a table's span);
    `names`: build only these samples. Sentences carry the
    cleaned glosses (`gloss`, space-separated) and the raw `orth`.
    """
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    table = _select(read_phoenix_tables(tables), names)
    if table.empty:
        raise CorpusFormatError("no PHOENIX sample to build a corpus of")
    if features is not None and not isinstance(features, Mapping):
        features = read_feature_files(features)
    from_features = {name: len(array) for name, array in (features or {}).items()}
    n_frames = frame_counts(table, from_features)
    videos, sentences = _videos_and_sentences(table, n_frames, float(fps))
    poses = {
        str(split): placeholder_poses(n_frames[table["split"] == split])
        for split in table["split"].unique()
    }
    in_features = table["name"].isin(list(from_features))
    info = {
        "keypoints": "none: PHOENIX publishes none; pose items are frames of confidence 0",
        "frames_from_features": int(in_features.sum()),
        "frames_from_table": int((~in_features).sum()),
        "sentence_columns": list(GLOSS_COLUMNS),
    }
    return Corpus(NAME, LANGUAGE, float(fps), videos, sentences, poses, info=info)
