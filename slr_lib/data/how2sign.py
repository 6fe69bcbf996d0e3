"""How2Sign (American Sign Language): sentence tables plus keypoints, turned into a `Corpus`.

Tables (times in seconds within the source video `VIDEO_NAME`; `SENTENCE_NAME` names the clip):

- `how2sign_realigned_{split}.csv`: `VIDEO_ID, VIDEO_NAME, SENTENCE_ID, SENTENCE_NAME,
  START_REALIGNED, END_REALIGNED, SENTENCE`, the timings re-aligned to the signing;
- `how2sign_{split}.csv`: the same with `START, END`, the timings of the speech.

Officially tab-separated, with CSV quoting where a sentence contains `"` (the official files
write `"... an ""i"" ..."`); comma-separated copies are read too, the delimiter being taken from
the header line. The generic table
helpers (`read_delimited`, `table_error`, ...) are in `slr_lib.data.tables`, so that every table
error names its file and 1-based line. A row is refused when a time is not a number, is
negative or beyond `MAX_TIME_S`, or when its end is not after its start; so is a table without
rows.

Keypoint layouts
----------------

Keypoints come as `.pose` files (`pose_dir`, each file carrying its frame rate) or as OpenPose
output, one folder of `*_keypoints.json` frame files per item (`keypoints_dir`, at `fps`,
pixel coordinates normalised by `frame_size`); when both are given, a `.pose` file wins over a
folder of the same name. `keypoints_per` says what an item is:

- `"video"` (the default): one item per source video, named by VIDEO_NAME
  (`pose_dir/VIDEO_NAME.pose` or `keypoints_dir/VIDEO_NAME/`). A video becomes one row of
  `corpus.videos` and its sentences are cut from it by their times; a sentence whose
  sign-aligned times do not lie within the video's frames is dropped (and counted,
  `dropped_outside_video`).
- `"clip"`: one item per sentence clip, named by SENTENCE_NAME, which is how the official
  How2Sign 2D keypoint release is organised (`openpose_output/json/SENTENCE_NAME/
  SENTENCE_NAME_000000000000_keypoints.json`, ...): pass the `json` folder as `keypoints_dir`,
  or a folder of `SENTENCE_NAME.pose` files as `pose_dir`. Each clip becomes its own row of
  `corpus.videos` (`video_id` = SENTENCE_NAME) holding one sentence that spans the whole clip
  (`start_sign` 0, `end_sign` frames / fps). A clip whose length (frames / fps) differs from
  its row's sign-aligned span (END_REALIGNED - START_REALIGNED) by more than
  `length_tolerance_s` is not the clip the row describes (or is at the wrong frame rate): it
  is dropped and counted (`dropped_length_mismatch`), as SPOT-ALIGN's supplement (Sec. C)
  drops the subtitles that do not fit their video. The clips were cut by the sign-aligned
  times, so
  the speech-aligned times are shifted by the same offset (a time t in the source video is
  t - START_REALIGNED in the clip) and clipped to the clip: speech outside it cannot be shown.
  `corpus.info` then records `speech_timings_clipped: true`, how many speech spans were
  shortened (`speech_clipped`) or fell wholly outside their clip and became the whole clip
  (`speech_outside_clip`), and the source video of each clip (`clip_source_video`,
  SENTENCE_NAME -> VIDEO_NAME).

For example, with the tables in `tables/` and the clip keypoints in `openpose_output/json/`::

    load_how2sign("tables", keypoints_dir="openpose_output/json", keypoints_per="clip")

One folder serves all the splits loaded together, the clip (or video) names being distinct
across splits (the loader checks): if your copy keeps each split's keypoints in a folder of its
own, link them into one folder, or load one split at a time with `splits=("train",)`.

Items without keypoints are skipped in both layouts: `missing_videos` counts the videos or
clips, `skipped_missing_video` their sentences. An item whose keypoints have 0 frames is
dropped too, its sentences counted in `dropped_empty`. Every drop is logged as a warning. The
keypoint readers refuse bad values (non-finite, far outside the frame, a bad frame rate or
frame size) with an error naming the file and frame: see `slr_lib.data.posefile` and
`slr_lib.data.openpose`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.data.corpus import (
    SENTENCE_COLUMNS,
    SPLITS,
    VIDEO_COLUMNS,
    Corpus,
    CorpusFormatError,
    PoseArray,
)
from slr_lib.data.layout import N_DIMS, N_POINTS
from slr_lib.data.openpose import check_frame_size
from slr_lib.data.posefile import check_fps
from slr_lib.data.tables import (
    TextTable,
    parse_number,
    read_delimited,
    require_columns,
    table_error,
)
from slr_lib.logging_setup import get_logger

LOG = get_logger(__name__)

# --- How2Sign sentence tables ----------------------------------------------------------------

ID_COLUMNS = {
    "video_id": "VIDEO_ID",
    "video_name": "VIDEO_NAME",
    "sentence_id": "SENTENCE_ID",
    "sentence_name": "SENTENCE_NAME",
    "text": "SENTENCE",
}
TIMING_COLUMNS = {"sign": ("START_REALIGNED", "END_REALIGNED"), "speech": ("START", "END")}
SIGNER_COLUMNS = ("SIGNER", "SIGNER_ID", "PARTICIPANT_ID")
TABLE_COLUMNS = (
    "video_id", "video_name", "sentence_id", "sentence_name", "start", "end", "text", "signer",
)  # fmt: skip
UNKNOWN = "unknown"
# The largest time (seconds) a table may hold: a day, far beyond any How2Sign video (the val
# table's latest end is 268 s), so that only absurd values (1e308, a misplaced column) fail.
MAX_TIME_S = 24 * 3600.0
# Default of `load_how2sign(length_tolerance_s=...)`, in seconds: see there.
LENGTH_TOLERANCE_S = 0.5
MAX_EXAMPLES = 3  # items named in a warning about drops


def table_timing(table: TextTable) -> str:
    """'sign' for a realigned table (START_REALIGNED), 'speech' for an original one (START)."""
    for timing, (start, end) in TIMING_COLUMNS.items():
        if table.has(start) or table.has(end):
            return timing
    options = " or ".join("/".join(pair) for pair in TIMING_COLUMNS.values())
    raise table_error(table.path, 1, f"missing timing columns {options}; found {table.columns}")


def read_sentence_table(path: str | Path) -> pd.DataFrame:
    """A How2Sign sentence table with normalised columns (`TABLE_COLUMNS`).

    `attrs['timing']` says which timings `start, end` are: 'sign' (realigned) or 'speech'.
    `signer` is taken from a SIGNER/SIGNER_ID/PARTICIPANT_ID column, else 'unknown'. A time
    that is not a number in [0, `MAX_TIME_S`], an end not after its start, a repeated
    SENTENCE_NAME and a table without rows are errors naming the file (and 1-based line).
    """
    table = read_delimited(path)
    timing = table_timing(table)
    start_column, end_column = TIMING_COLUMNS[timing]
    require_columns(table, [*ID_COLUMNS.values(), start_column, end_column])
    positions = {key: table.index(name) for key, name in ID_COLUMNS.items()}
    times = {"start": (start_column, table.index(start_column))}
    times["end"] = (end_column, table.index(end_column))
    signer_column = next((c for c in SIGNER_COLUMNS if table.has(c)), None)
    first_line: dict[str, int] = {}
    records = []
    for line, fields in table.rows:
        record: dict[str, Any] = {key: fields[i].strip() for key, i in positions.items()}
        for key, (column, i) in times.items():
            record[key] = parse_number(path, line, column, fields[i], low=0.0, high=MAX_TIME_S)
        if record["start"] >= record["end"]:
            raise table_error(
                path, line, f"start {record['start']} >= end {record['end']} (end must be later)"
            )
        signer = fields[table.index(signer_column)].strip() if signer_column else ""
        record["signer"] = signer or UNKNOWN
        name = record["sentence_name"]
        if name in first_line:
            raise table_error(path, line, f"SENTENCE_NAME {name!r} repeats line {first_line[name]}")
        first_line[name] = line
        records.append(record)
    if not records:
        raise table_error(path, None, "no sentences (only a header)")
    frame = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    frame.attrs["timing"] = timing
    return frame


def _read_timed_table(path: Path, timing: str) -> pd.DataFrame:
    frame = read_sentence_table(path)
    if frame.attrs["timing"] != timing:
        expected = "/".join(TIMING_COLUMNS[timing])
        raise table_error(path, 1, f"expected {timing}-aligned timings ({expected})")
    return frame


def read_split_tables(tables_dir: str | Path, split: str) -> tuple[pd.DataFrame, int, bool]:
    """One split's sentences with sign and speech timings, joined by SENTENCE_NAME.

    Returns the sentences, how many took their speech timings from the sign timings (no row in
    the original table), and whether the original (speech-aligned) table exists at all.
    """
    tables_dir = Path(tables_dir)
    sign = _read_timed_table(tables_dir / f"how2sign_realigned_{split}.csv", "sign")
    sentences = sign.rename(columns={"start": "start_sign", "end": "end_sign"})
    speech_path = tables_dir / f"how2sign_{split}.csv"
    has_speech = speech_path.is_file()
    if has_speech:
        speech = _read_timed_table(speech_path, "speech")[["sentence_name", "start", "end"]]
        speech = speech.rename(columns={"start": "start_speech", "end": "end_speech"})
        sentences = sentences.merge(speech, on="sentence_name", how="left", validate="1:1")
    else:
        sentences["start_speech"] = np.nan
        sentences["end_speech"] = np.nan
    fallback = sentences["start_speech"].isna()
    for edge in ("start", "end"):
        sentences[f"{edge}_speech"] = sentences[f"{edge}_speech"].fillna(sentences[f"{edge}_sign"])
    return sentences, int(fallback.sum()), has_speech


# --- keypoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoseSource:
    """Where the keypoints of the items (videos or clips) are: `.pose` files, then OpenPose.

    `fps` and `frame_size` (width, height) are those of the OpenPose folders (a `.pose` file
    carries its own).
    """

    pose_dir: Path | None
    keypoints_dir: Path | None
    fps: float
    frame_size: tuple[int, int]

    @property
    def folders(self) -> list[str]:
        """The folders searched, for messages."""
        return [str(d) for d in (self.pose_dir, self.keypoints_dir) if d is not None]

    @property
    def kinds(self) -> list[str]:
        """The kinds of keypoint files searched, for `corpus.info`."""
        kinds = [(self.pose_dir, ".pose files"), (self.keypoints_dir, "OpenPose folders")]
        return [kind for folder, kind in kinds if folder is not None]

    def read(self, name: str) -> tuple[np.ndarray, np.ndarray, float] | None:
        """(coordinates, confidence, fps) of the item `name`, or None when it has no keypoints."""
        if self.pose_dir is not None and (self.pose_dir / f"{name}.pose").is_file():
            from slr_lib.data.posefile import read_pose_file

            path = self.pose_dir / f"{name}.pose"
            data, conf, fps = read_pose_file(path)
            return (*check_pose(path, data, conf), float(fps))
        if self.keypoints_dir is not None and (self.keypoints_dir / name).is_dir():
            from slr_lib.data.openpose import read_openpose_folder

            folder = self.keypoints_dir / name
            data, conf = read_openpose_folder(folder, *self.frame_size)
            return (*check_pose(folder, data, conf), self.fps)
        return None


def check_pose(source: Path, data: np.ndarray, conf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keypoints of `source`, checked against the pose layout of the data model."""
    data, conf = np.asarray(data), np.asarray(conf)
    if data.ndim != 3 or data.shape[1:] != (N_POINTS, N_DIMS) or conf.shape != data.shape[:2]:
        raise CorpusFormatError(
            f"{source}: keypoints {data.shape} / confidence {conf.shape} do not follow the "
            f"layout (frames, {N_POINTS}, {N_DIMS}) / (frames, {N_POINTS})"
        )
    return data, conf


# --- corpus -----------------------------------------------------------------------------------


@dataclass
class SplitPart:
    """The items (videos or clips), sentences and poses kept from one split, and what was not."""

    videos: list[dict] = field(default_factory=list)
    sentences: list[pd.DataFrame] = field(default_factory=list)
    poses: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    length_tolerance_s: float = LENGTH_TOLERANCE_S
    missing_videos: int = 0
    skipped_missing_video: int = 0
    dropped_outside_video: int = 0
    dropped_empty: int = 0
    dropped_length_mismatch: int = 0
    speech_clipped: int = 0
    speech_outside_clip: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(
        self, video_id: str, split: str, fps: float, pose: tuple[np.ndarray, np.ndarray],
        sentences: pd.DataFrame,
    ) -> None:  # fmt: skip
        """Keep one item (a row of `corpus.videos`) with its keypoints and sentences."""
        self.sentences.append(sentences.assign(split=split, video_id=video_id))
        self.videos.append({
            "video_id": video_id, "split": split, "signer": sentences["signer"].iloc[0],
            "topic": UNKNOWN, "fps": fps, "n_frames": len(pose[0]), "pose_index": len(self.poses),
        })  # fmt: skip
        self.poses.append(pose)

    def note(self, count: str, example: str) -> None:
        """Keep a few examples of what a drop `count` left out, for the warning."""
        kept = self.examples.setdefault(count, [])
        if len(kept) < MAX_EXAMPLES:
            kept.append(example)

    def counts(self) -> dict[str, int]:
        """What was kept and what was left out, for `corpus.info`."""
        return {
            "kept_sentences": sum(len(s) for s in self.sentences),
            "missing_videos": self.missing_videos,
            "skipped_missing_video": self.skipped_missing_video,
            "dropped_outside_video": self.dropped_outside_video,
            "dropped_empty": self.dropped_empty,
            "dropped_length_mismatch": self.dropped_length_mismatch,
            "speech_clipped": self.speech_clipped,
            "speech_outside_clip": self.speech_outside_clip,
        }


def inside_video(sentences: pd.DataFrame, n_frames: int, fps: float) -> pd.Series:
    """Which sentences' sign-aligned timings lie within a video of `n_frames` at `fps`."""
    return (sentences["start_sign"] >= 0) & (sentences["end_sign"] <= n_frames / fps)


def length_mismatch(
    sentences: pd.DataFrame, n_frames: int, fps: float, tolerance_s: float
) -> pd.Series:
    """Which sentences' sign-aligned spans differ from a clip of `n_frames` at `fps` by more
    than `tolerance_s` seconds (to a microsecond, so that a tolerance of 0 means equal)."""
    difference = (sentences["end_sign"] - sentences["start_sign"] - n_frames / fps).abs()
    return difference.round(6) > tolerance_s


def clip_timings(sentences: pd.DataFrame, n_frames: int, fps: float) -> pd.DataFrame:
    """Sentences' timings within their own clips of `n_frames` at `fps`, cut by sign timings.

    The sign-aligned span becomes the whole clip; the speech-aligned one is shifted by the same
    offset (the realigned start) and clipped to the clip, or becomes the whole clip when it lies
    wholly outside. `attrs` counts the spans shortened (`clipped`) and outside (`outside`).
    """
    duration = n_frames / fps
    start = sentences["start_speech"] - sentences["start_sign"]
    end = sentences["end_speech"] - sentences["start_sign"]
    outside = (end <= 0) | (start >= duration)
    clipped = ~outside & ((start < 0) | (end > duration))
    timed = sentences.assign(
        start_sign=0.0,
        end_sign=duration,
        start_speech=start.clip(0.0, duration).where(~outside, 0.0),
        end_speech=end.clip(0.0, duration).where(~outside, duration),
    )
    timed.attrs.update(clipped=int(clipped.sum()), outside=int(outside.sum()))
    return timed


def add_video(
    part: SplitPart, name: str, split: str, rows: pd.DataFrame,
    found: tuple[np.ndarray, np.ndarray, float],
) -> None:  # fmt: skip
    """Keep a source video with those of its sentences that lie within its keypoints."""
    data, conf, fps = found
    keep = inside_video(rows, len(data), fps)
    part.dropped_outside_video += int((~keep).sum())
    if keep.any():
        kept = rows[keep].sort_values("start_sign", kind="stable")
        part.add(name, split, fps, (data, conf), kept)


def add_clip(
    part: SplitPart, name: str, split: str, rows: pd.DataFrame,
    found: tuple[np.ndarray, np.ndarray, float],
) -> None:  # fmt: skip
    """Keep a sentence clip as an item of its own, its sentence spanning it (`clip_timings`),
    unless its length differs from the table's sign-aligned span (`length_mismatch`)."""
    data, conf, fps = found
    mismatch = length_mismatch(rows, len(data), fps, part.length_tolerance_s)
    if mismatch.any():
        part.dropped_length_mismatch += len(rows)
        span = float((rows["end_sign"] - rows["start_sign"]).iloc[0])
        part.note("dropped_length_mismatch", f"{name}: {len(data) / fps:.2f} s, table {span:.2f} s")
        return
    timed = clip_timings(rows, len(data), fps)
    part.speech_clipped += timed.attrs["clipped"]
    part.speech_outside_clip += timed.attrs["outside"]
    part.add(name, split, fps, (data, conf), timed)


@dataclass(frozen=True)
class KeypointItems:
    """What one keypoint file or folder holds: the table column naming it, how to keep it."""

    column: str
    noun: str
    add: Callable[[SplitPart, str, str, pd.DataFrame, tuple[np.ndarray, np.ndarray, float]], None]


KEYPOINTS_PER = {
    "video": KeypointItems("video_name", "source videos", add_video),
    "clip": KeypointItems("sentence_name", "clips", add_clip),
}


def load_split(
    sentences: pd.DataFrame,
    split: str,
    source: PoseSource,
    keypoints_per: str = "video",
    length_tolerance_s: float = LENGTH_TOLERANCE_S,
) -> SplitPart:
    """Keypoints of every item (source video or clip) of one split, and the sentences kept."""
    items = KEYPOINTS_PER[keypoints_per]
    part = SplitPart(length_tolerance_s=length_tolerance_s)
    ordered = sentences.sort_values(["video_name", "start_sign", "sentence_name"], kind="stable")
    for name, rows in ordered.groupby(items.column, sort=False):
        found = source.read(str(name))
        if found is None:
            part.missing_videos += 1
            part.skipped_missing_video += len(rows)
            continue
        if len(found[0]) == 0:
            part.dropped_empty += len(rows)
            part.note("dropped_empty", str(name))
            continue
        items.add(part, str(name), split, rows, found)
    if part.missing_videos == sentences[items.column].nunique():
        raise FileNotFoundError(
            f"none of the {part.missing_videos} {items.noun} of split {split!r} has keypoints "
            f"in {source.folders} (e.g. {ordered[items.column].iloc[0]!r}); check the folder "
            f"and keypoints_per={keypoints_per!r}, or pass only the splits you have"
        )
    if not part.sentences:
        raise CorpusFormatError(
            f"how2sign {split}: no sentence fits its keypoints ({part.dropped_outside_video} "
            f"outside their video, {part.dropped_empty} in keypoints of 0 frames, "
            f"{part.dropped_length_mismatch} in clips whose length differs from the table); "
            "is the frame rate right?"
        )
    if part.missing_videos:
        LOG.warning(
            "how2sign %s: %d %s have no keypoints in %s; skipped their %d sentences",
            split, part.missing_videos, items.noun, source.folders, part.skipped_missing_video,
        )  # fmt: skip
    warn_drops(part, split)
    return part


DROP_WARNINGS = {
    "dropped_outside_video": "sentences whose sign-aligned times lie outside their video",
    "dropped_empty": "sentences whose keypoints have 0 frames",
    "dropped_length_mismatch": (
        "sentences whose clip's length differs from their sign-aligned span by more than "
        "length_tolerance_s"
    ),
}


def warn_drops(part: SplitPart, split: str) -> None:
    """Log a warning for each kind of drop in `part`, with a few examples where kept."""
    counts = part.counts()
    for count, what in DROP_WARNINGS.items():
        if counts[count]:
            examples = part.examples.get(count)
            shown = f" (e.g. {'; '.join(examples)})" if examples else ""
            LOG.warning("how2sign %s: dropped %d %s%s", split, counts[count], what, shown)


def check_disjoint(tables: dict[str, pd.DataFrame], column: str) -> None:
    """Raise if a value of `column` (a video or clip name) occurs in two splits."""
    seen: dict[str, str] = {}
    for split, table in tables.items():
        for value in table[column].unique():
            if value in seen:
                raise CorpusFormatError(
                    f"how2sign: {column} {value!r} is in splits {seen[value]!r} and {split!r}"
                )
            seen[value] = split


def check_options(fps: float, frame_size: tuple[int, int], length_tolerance_s: float) -> None:
    """Raise ValueError for a frame rate, frame size or length tolerance that cannot be right."""
    check_fps(fps, "load_how2sign fps")
    try:
        width, height = frame_size
    except (TypeError, ValueError):
        raise ValueError(f"frame_size must be (width, height), got {frame_size!r}") from None
    check_frame_size(width, height)
    if not (math.isfinite(length_tolerance_s) and length_tolerance_s >= 0):
        raise ValueError(f"length_tolerance_s must be >= 0 seconds, got {length_tolerance_s}")


def load_how2sign(
    tables_dir: str | Path,
    keypoints_dir: str | Path | None = None,
    pose_dir: str | Path | None = None,
    fps: float = 24.0,
    splits: Sequence[str] = SPLITS,
    frame_size: tuple[int, int] = (1280, 720),
    keypoints_per: str = "video",
    length_tolerance_s: float = LENGTH_TOLERANCE_S,
) -> Corpus:
    """The How2Sign corpus, one sentence per SENTENCE_NAME (see the module's keypoint layouts).

    `keypoints_per` is "video" (keypoints named by VIDEO_NAME, one corpus video per source
    video) or "clip" (named by SENTENCE_NAME, one corpus video per sentence clip). `fps` is the
    frame rate of OpenPose folders (a `.pose` file carries its own); `frame_size` (width,
    height) is their videos' frame size in pixels, which normalises OpenPose pixel coordinates
    and which OpenPose JSON does not store: How2Sign's videos are 1280x720; for other videos
    pass theirs (a point far outside the given frame is an error that says so).

    `length_tolerance_s` (seconds, default 0.5) is how far a clip's length (frames / fps) may
    differ from its row's sign-aligned span with `keypoints_per="clip"`: How2Sign's clips are
    cut from 24 fps videos at the realigned times, so a true clip differs from its span by the
    rounding of its two ends to whole frames, a frame or two (0.04-0.08 s); 0.5 s (12 frames)
    also leaves room for a cut at a neighbouring frame or keypoints missing a frame or two,
    yet catches the clip of another sentence or a frame rate far off (a 4 s clip of 30 fps
    read at 24 fps lasts 5 s).

    `corpus.info` counts the sentences skipped for missing keypoints and dropped for timings
    outside their video, keypoints of 0 frames and clip lengths off the table, and says where
    the speech timings came from.
    """
    if keypoints_per not in KEYPOINTS_PER:
        raise ValueError(
            f"keypoints_per must be one of {list(KEYPOINTS_PER)}, got {keypoints_per!r}"
        )
    if keypoints_dir is None and pose_dir is None:
        raise ValueError("load_how2sign needs keypoints_dir (OpenPose) or pose_dir (.pose files)")
    if not splits:
        raise ValueError("load_how2sign needs at least one split")
    check_options(fps, frame_size, length_tolerance_s)
    source = PoseSource(
        Path(pose_dir) if pose_dir is not None else None,
        Path(keypoints_dir) if keypoints_dir is not None else None,
        float(fps),
        frame_size,
    )
    tables, fallback, speech_tables = {}, {}, {}
    for split in splits:
        tables[split], fallback[split], speech_tables[split] = read_split_tables(tables_dir, split)
    check_disjoint(tables, "video_name")
    check_disjoint(tables, "sentence_name")
    parts = {
        split: load_split(tables[split], split, source, keypoints_per, length_tolerance_s)
        for split in splits
    }
    sentences = pd.concat([s for p in parts.values() for s in p.sentences], ignore_index=True)
    sentences = sentences.assign(sentence_id=sentences["sentence_name"])
    per_split = {
        split: {"table_sentences": len(tables[split]), "speech_fallback_to_sign": fallback[split]}
        | part.counts()
        for split, part in parts.items()
    }
    totals = {key: sum(c[key] for c in per_split.values()) for key in per_split[splits[0]]}
    info: dict[str, Any] = {
        "keypoints": source.kinds,
        "keypoints_per": keypoints_per,
        "speech_table_missing": [s for s in splits if not speech_tables[s]],
        "speech_timings_clipped": keypoints_per == "clip",
        **totals,
        "per_split": per_split,
    }
    if keypoints_per == "clip":
        info["clip_source_video"] = dict(
            zip(sentences["video_id"], sentences["video_name"], strict=True)
        )
    return Corpus(
        name="how2sign",
        language="ase",
        fps=float(fps),
        videos=pd.DataFrame([v for p in parts.values() for v in p.videos], columns=VIDEO_COLUMNS),
        sentences=sentences[list(SENTENCE_COLUMNS)].reset_index(drop=True),
        poses={split: PoseArray.stack(p.poses) for split, p in parts.items()},
        signs=None,
        info=info,
    )
