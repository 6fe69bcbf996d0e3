"""Isolated-sign dictionaries of American Sign Language: WLASL and MS-ASL metadata as tables.

- WLASL (`WLASL_v0.3.json`): a list of `{"gloss", "instances": [{"video_id", "signer_id",
  "split", "frame_start", "frame_end", "fps", "url", ...}]}`; `frame_end` -1 means "to the end
  of the video" and is kept as is.
- MS-ASL (`MSASL_{train,val,test}.json`): each a list of clips `{"clean_text", "label",
  "signer_id", "start_time", "end_time", "fps", "start", "end", "url", ...}`, the split named
  by the file; `MSASL_classes.json` lists the class names by label. The OpenHands copies
  (`MS_ASL_SI_ASL1000_{split}.json`, ...) lack `start_time, end_time, fps`: those are NaN then.
  A YouTube video holds many clips, so a clip's `video_id` is `msasl_{split}_{index}` (its place
  in its file) and the source video is in `url`.

Both tables have the columns `gloss, video_id, signer, split, ..., url, dictionary`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.tables import require_keys

WLASL_COLUMNS = (
    "gloss", "video_id", "signer", "split", "frame_start", "frame_end", "fps", "url",
    "dictionary",
)  # fmt: skip
MSASL_COLUMNS = (
    "gloss", "video_id", "signer", "split", "start_time", "end_time", "fps", "start_frame",
    "end_frame", "label", "url", "dictionary",
)  # fmt: skip
WLASL_KEYS = ("video_id", "signer_id", "split", "frame_start", "frame_end", "fps")
MSASL_KEYS = ("clean_text", "label", "signer_id", "start", "end", "url")
MSASL_SPLIT = re.compile(r"(train|val|test)\.json$", re.IGNORECASE)


def read_json(path: str | Path) -> Any:
    """The content of a JSON file; a syntax error names the file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no dictionary metadata file {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CorpusFormatError(
            f"{path}: malformed JSON at line {error.lineno}, column {error.colno} ({error.msg})"
        ) from error


def number(where: str, entry: Mapping[str, Any], key: str, kind: type = float) -> float | int:
    """`entry[key]` as a `kind` (float or int), NaN for a missing float; errors name `where`."""
    value = entry.get(key)
    if value is None and kind is float:
        return math.nan
    try:
        return kind(value)
    except (TypeError, ValueError) as error:
        raise CorpusFormatError(
            f"{where}: {key} is not a valid {kind.__name__}: {value!r}"
        ) from error


def check_span(where: str, start: float, end: float, unit: str, open_end: bool = False) -> None:
    """Refuse, naming `where`, a negative start or an end not after it (`open_end`: an end of
    -1 means "to the end of the video", as in WLASL). NaN spans (unknown) pass."""
    if open_end and end == -1:
        end = math.inf
    if start < 0 or end <= start:
        raise CorpusFormatError(f"{where}: bad span: start {start} {unit}, end {end} {unit}")


def check_fps(where: str, fps: float) -> None:
    """Refuse, naming `where`, a frame rate that is not positive and finite (NaN: unknown)."""
    if not math.isnan(fps) and not (0 < fps < math.inf):
        raise CorpusFormatError(f"{where}: fps must be positive, got {fps}")


def read_wlasl(path: str | Path) -> pd.DataFrame:
    """One row per WLASL video: `WLASL_COLUMNS`, `dictionary` being 'wlasl'."""
    content = read_json(path)
    if not isinstance(content, list):
        raise CorpusFormatError(f"{path}: expected a list of glosses, got {type(content).__name__}")
    records = []
    for g, entry in enumerate(content, start=1):
        require_keys(f"{path}, gloss entry {g}", entry, ("gloss", "instances"))
        if not isinstance(entry["instances"], list):
            raise CorpusFormatError(f"{path}, gloss entry {g}: instances is not a list")
        for i, instance in enumerate(entry["instances"], start=1):
            where = f"{path}, gloss entry {g} ({entry['gloss']!r}), instance {i}"
            require_keys(where, instance, WLASL_KEYS)
            frame_start = number(where, instance, "frame_start", int)
            frame_end = number(where, instance, "frame_end", int)
            check_span(where, frame_start, frame_end, "frames", open_end=True)
            check_fps(where, number(where, instance, "fps"))
            records.append({
                "gloss": str(entry["gloss"]), "video_id": str(instance["video_id"]),
                "signer": str(instance["signer_id"]), "split": str(instance["split"]),
                "frame_start": frame_start, "frame_end": frame_end,
                "fps": number(where, instance, "fps"), "url": str(instance.get("url", "")),
                "dictionary": "wlasl",
            })  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(WLASL_COLUMNS))


def read_msasl_classes(path: str | Path) -> list[str]:
    """The MS-ASL class names, indexed by label (`MSASL_classes.json`)."""
    content = read_json(path)
    if not isinstance(content, list) or not all(isinstance(c, str) for c in content):
        raise CorpusFormatError(f"{path}: expected a list of class names")
    return content


def msasl_split(path: Path) -> str:
    """The split an MS-ASL file name ends with (`..._train.json`)."""
    match = MSASL_SPLIT.search(path.name)
    if match is None:
        raise CorpusFormatError(f"{path}: the file name does not end with train/val/test.json")
    return match.group(1).lower()


def _seconds(where: str, entry: Mapping[str, Any], key: str, frame: int, fps: float) -> float:
    """`entry[key]` if given, else `frame / fps` when the frame rate is known, else NaN."""
    seconds = number(where, entry, key)
    if math.isnan(seconds) and fps > 0:
        return frame / fps
    return seconds


def _msasl_record(
    where: str, entry: Any, split: str, index: int, classes: list[str] | None
) -> dict[str, Any]:
    require_keys(where, entry, MSASL_KEYS)
    label = number(where, entry, "label", int)
    if classes is not None and not 0 <= label < len(classes):
        raise CorpusFormatError(f"{where}: label {label} has no class name ({len(classes)} known)")
    fps = number(where, entry, "fps")
    check_fps(where, fps)
    start, end = number(where, entry, "start", int), number(where, entry, "end", int)
    check_span(where, start, end, "frames")
    start_time = _seconds(where, entry, "start_time", start, fps)
    end_time = _seconds(where, entry, "end_time", end, fps)
    if not (math.isnan(start_time) or math.isnan(end_time)):
        check_span(where, start_time, end_time, "s")
    return {
        "gloss": classes[label] if classes is not None else str(entry["clean_text"]),
        "video_id": f"msasl_{split}_{index:05d}", "signer": str(entry["signer_id"]),
        "split": split,
        "start_time": start_time, "end_time": end_time,
        "fps": fps, "start_frame": start, "end_frame": end, "label": label,
        "url": str(entry["url"]), "dictionary": "msasl",
    }  # fmt: skip


def read_msasl(
    paths: str | Path | Iterable[str | Path], classes: str | Path | None = None
) -> pd.DataFrame:
    """One row per MS-ASL clip of the given split files: `MSASL_COLUMNS`, dictionary 'msasl'.

    The gloss is the class name of the clip's label when `classes` (`MSASL_classes.json`) is
    given, else the clip's `clean_text` (which varies within a class, e.g. 'need'/'must').
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    names = read_msasl_classes(classes) if classes is not None else None
    records = []
    for path in map(Path, paths):
        content = read_json(path)
        if not isinstance(content, list):
            raise CorpusFormatError(
                f"{path}: expected a list of clips, got {type(content).__name__}"
            )
        split = msasl_split(path)
        for index, entry in enumerate(content):
            where = f"{path}, clip {index + 1}"
            records.append(_msasl_record(where, entry, split, index, names))
    return pd.DataFrame.from_records(records, columns=list(MSASL_COLUMNS))


def normalise_gloss(gloss: Any) -> str:
    """A dictionary gloss as glosses are compared: stripped and lower-cased."""
    return str(gloss).strip().lower()


def vocabulary(table: pd.DataFrame) -> set[str]:
    """The distinct glosses of a dictionary table, normalised (`normalise_gloss`)."""
    return {normalise_gloss(g) for g in table["gloss"]}


def instance_seconds(table: pd.DataFrame) -> pd.Series:
    """Each instance's length in seconds; NaN where the metadata does not give it.

    MS-ASL gives `start_time`/`end_time`; WLASL gives frames and `fps`, with `frame_end` -1
    ("to the end of the video", whose length the metadata lacks) left as NaN.
    """
    if "start_time" in table:
        return (table["end_time"] - table["start_time"]).astype(float)
    known = (table["frame_end"] >= 0) & (table["fps"] > 0)
    seconds = (table["frame_end"] - table["frame_start"]) / table["fps"]
    return seconds.where(known).astype(float)


def read_msasl_boxes(path: str | Path) -> pd.DataFrame:
    """The person box of each clip of an MS-ASL split file, in [0, 1] of the frame.

    MS-ASL stores `box` as `[y0, x0, y1, x1]`; the table has `signer, x0, y0, x1, y1`.
    """
    content = read_json(path)
    if not isinstance(content, list):
        raise CorpusFormatError(f"{path}: expected a list of clips, got {type(content).__name__}")
    rows = []
    for index, entry in enumerate(content):
        where = f"{path}, clip {index + 1}"
        require_keys(where, entry, ("signer_id", "box"))
        box = entry["box"]
        if not isinstance(box, list) or len(box) != 4:
            raise CorpusFormatError(f"{where}: box is not [y0, x0, y1, x1]: {box!r}")
        y0, x0, y1, x1 = (float(v) for v in box)
        rows.append((str(entry["signer_id"]), x0, y0, x1, y1))
    return pd.DataFrame(rows, columns=["signer", "x0", "y0", "x1", "y1"])
