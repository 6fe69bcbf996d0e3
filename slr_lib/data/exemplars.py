"""Dictionary exemplars from the user's `.pose` files and WLASL / MS-ASL metadata.

Each metadata row (`slr_lib.data.lexicons.read_wlasl`, `read_msasl`) names an instance by
`video_id`; its poses are read from `POSE_DIR/VIDEO_ID.pose` (`slr_lib.data.posefile`) and
cut to the instance's span, giving the data model's exemplar table (`EXEMPLAR_COLUMNS`) and
the exemplar `PoseArray`.

Spans, as frame indices of the file (0-based, end exclusive):

- WLASL: `frame_start`, `frame_end` are 1-based and inclusive (WLASL's `start_kit/preprocess.py`
  keeps frames `[frame_start - 1, frame_end - 1]`), `frame_end` -1 meaning "to the end";
- MS-ASL: `start_time`, `end_time` in seconds, times the file's fps (or, when the metadata
  lacks times, `start_frame`, `end_frame`).

A file may hold the whole source video or the instance alone: WLASL's preprocessing writes
`videos/VIDEO_ID.mp4` already cut, and an MS-ASL clip (`video_id` `msasl_SPLIT_INDEX`) is
one instance. `files` says which (`FILE_KINDS`): "source" cuts the span from the file when
the file holds it (its end within `tolerance` frames of the file's end); "instance" takes the
whole file when its length is the span's within `tolerance` (any length for an open end);
"auto" tries source, then instance, per file. A missing file and a span its file cannot hold
(an empty cut included) are counted and left out; no exemplar at all is an error.
Glosses are normalised (`normalise_gloss`); signers are prefixed by their dictionary.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from slr_lib.data.corpus import EXEMPLAR_COLUMNS, CorpusFormatError, PoseArray
from slr_lib.data.lexicons import normalise_gloss, read_msasl, read_wlasl
from slr_lib.data.posefile import read_pose_file
from slr_lib.logging_setup import get_logger

log = get_logger(__name__)

POSE_SUFFIX = ".pose"
FILE_KINDS = ("auto", "source", "instance")
LENGTH_TOLERANCE = 0.1
"""A file matches a span whose length is within this share of it (at least `MIN_TOLERANCE`)."""
MIN_TOLERANCE = 2
"""Frames a file may differ from a span by, however short the span."""
COUNT_KEYS = (
    "instances", "outside_vocabulary", "missing_file", "outside_file", "cut_from_source",
    "whole_file", "kept",
)  # fmt: skip


def tolerance(length: int) -> int:
    """Frames by which a file may differ from a span of `length` frames."""
    return max(MIN_TOLERANCE, int(LENGTH_TOLERANCE * length))


def wlasl_span(row: dict[str, Any], fps: float) -> tuple[int, int | None]:
    """A WLASL instance's frames [start, stop) in its source video; stop None: to the end."""
    stop = int(row["frame_end"])
    return int(row["frame_start"]) - 1, None if stop == -1 else stop


def msasl_span(row: dict[str, Any], fps: float) -> tuple[int, int | None]:
    """An MS-ASL clip's frames [start, stop) in its source video, read at `fps`."""
    start, end = float(row["start_time"]), float(row["end_time"])
    if math.isnan(start) or math.isnan(end):
        return int(row["start_frame"]), int(row["end_frame"])
    return int(round(start * fps)), int(round(end * fps))


SPANS = {"wlasl": wlasl_span, "msasl": msasl_span}


def as_source(n: int, start: int, stop: int | None) -> tuple[int, int] | None:
    """Frames [lo, hi) of the span in a whole source video of `n` frames, if it holds them."""
    if stop is None:
        return (start, n) if start < n else None
    if start < n and stop <= n + tolerance(stop - start):
        return start, min(stop, n)
    return None


def as_instance(n: int, start: int, stop: int | None) -> tuple[int, int] | None:
    """The whole file of `n` frames if its length can be the span's (unknown length: yes)."""
    if stop is None or abs(n - (stop - start)) <= tolerance(stop - start):
        return 0, n
    return None


def check_file_kind(files: str) -> None:
    """Refuse a `files` value that is not one of `FILE_KINDS`."""
    if files not in FILE_KINDS:
        raise ValueError(f"files must be one of {FILE_KINDS}, got {files!r}")


def locate(n: int, start: int, stop: int | None, files: str) -> tuple[int, int, str] | None:
    """(lo, hi, how) of a span in a file of `n` frames; how is "cut_from_source" or
    "whole_file"; None when the file cannot hold it (see the module docstring)."""
    check_file_kind(files)
    found: tuple[int, int] | None = None
    how = "whole_file"
    if files in ("auto", "source"):
        found, how = as_source(n, start, stop), "cut_from_source"
    if found is None and files in ("auto", "instance"):
        found, how = as_instance(n, start, stop), "whole_file"
    if found is None or found[1] <= found[0]:
        return None
    return found[0], found[1], how


def _exemplar(row: dict[str, Any], index: int, fps: float, n_frames: int) -> dict[str, Any]:
    return {
        "exemplar_id": str(row["video_id"]), "dictionary": row["dictionary"],
        "gloss": normalise_gloss(row["gloss"]), "signer": f"{row['dictionary']}-{row['signer']}",
        "fps": fps, "n_frames": n_frames, "pose_index": index,
    }  # fmt: skip


def _rows(metadata: pd.DataFrame | Sequence[pd.DataFrame]) -> list[dict[str, Any]]:
    """The instances of one or several metadata tables, video ids unique across them."""
    tables = [metadata] if isinstance(metadata, pd.DataFrame) else list(metadata)
    rows = [row for table in tables for row in table.to_dict("records")]
    ids = pd.Series([str(r["video_id"]) for r in rows], dtype=object)
    if ids.duplicated().any():
        raise CorpusFormatError(f"video ids repeat, e.g. {ids[ids.duplicated()].tolist()[:3]}")
    unknown = {r["dictionary"] for r in rows} - set(SPANS)
    if unknown:
        raise CorpusFormatError(f"unknown dictionaries {sorted(unknown)}; known: {list(SPANS)}")
    return rows


def _no_exemplar_error(pose_dir: Path, counts: dict[str, int], example: str) -> CorpusFormatError:
    return CorpusFormatError(
        f"no dictionary exemplar found in {pose_dir} (looked for e.g. {example}): of "
        f"{counts['instances']} instances, {counts['outside_vocabulary']} are outside the "
        f"vocabulary, {counts['missing_file']} have no {POSE_SUFFIX} file and "
        f"{counts['outside_file']} a span outside their file"
    )


def exemplars_from_metadata(
    metadata: pd.DataFrame | Sequence[pd.DataFrame],
    pose_dir: str | Path,
    glosses: Collection[str] | None = None,
    files: str = "auto",
) -> tuple[pd.DataFrame, PoseArray, dict[str, int]]:
    """The exemplar table, exemplar poses and counts (`COUNT_KEYS`) of WLASL / MS-ASL tables.

    `glosses` keeps only instances of these glosses; `files` is one of `FILE_KINDS` (see the
    module docstring). Missing files and spans outside their file are counted, not errors.
    """
    check_file_kind(files)
    pose_dir = Path(pose_dir)
    if not pose_dir.is_dir():
        raise FileNotFoundError(f"no exemplar pose folder {pose_dir}")
    wanted = None if glosses is None else {normalise_gloss(g) for g in glosses}
    rows = _rows(metadata)
    counts = dict.fromkeys(COUNT_KEYS, 0) | {"instances": len(rows)}
    table, items = [], []
    for row in tqdm(rows, desc="dictionary exemplars", leave=False, disable=len(rows) < 1000):
        if wanted is not None and normalise_gloss(row["gloss"]) not in wanted:
            counts["outside_vocabulary"] += 1
            continue
        path = pose_dir / f"{row['video_id']}{POSE_SUFFIX}"
        if not path.is_file():
            counts["missing_file"] += 1
            continue
        data, conf, fps = read_pose_file(path)
        span = locate(len(data), *SPANS[row["dictionary"]](row, fps), files)
        if span is None:
            counts["outside_file"] += 1
            continue
        lo, hi, how = span
        counts[how] += 1
        table.append(_exemplar(row, len(items), fps, hi - lo))
        items.append((data[lo:hi].astype(np.float16), conf[lo:hi].astype(np.float16)))
    counts["kept"] = len(items)
    if not items:
        example = pose_dir / f"{rows[0]['video_id']}{POSE_SUFFIX}" if rows else pose_dir
        raise _no_exemplar_error(pose_dir, counts, str(example))
    log.info("dictionary exemplars: %s", counts)
    return pd.DataFrame(table, columns=list(EXEMPLAR_COLUMNS)), PoseArray.stack(items), counts


def dictionary_exemplars(
    wlasl: str | Path | None = None,
    msasl: Iterable[str | Path] = (),
    pose_dir: str | Path = ".",
    msasl_classes: str | Path | None = None,
    glosses: Collection[str] | None = None,
    files: str = "auto",
) -> tuple[pd.DataFrame, PoseArray, dict[str, int]]:
    """Exemplars of a WLASL metadata file and MS-ASL split files (`exemplars_from_metadata`).

    `msasl_classes` (`MSASL_classes.json`) names MS-ASL glosses by class instead of each
    clip's `clean_text`.
    """
    tables = [read_wlasl(wlasl)] if wlasl is not None else []
    msasl = list(msasl)
    if msasl:
        tables.append(read_msasl(msasl, classes=msasl_classes))
    if not tables:
        raise ValueError("dictionary_exemplars needs WLASL or MS-ASL metadata")
    return exemplars_from_metadata(tables, pose_dir, glosses=glosses, files=files)
