"""The corpus data model shared by the simulated corpus and every real-data adapter.

A corpus directory holds:

- `manifest.json`: name, language, fps, how it was made, counts, and `files`: every other file
  of the folder (relative path -> `bytes` and `sha256`);
- `videos.parquet`: one row per source video (`video_id, split, signer, topic, fps, n_frames,
  pose_index`); `pose_index` is the video's item in its split's pose array;
- `sentences.parquet`: one row per subtitle (`sentence_id, video_id, split, text, start_sign,
  end_sign, start_speech, end_speech`, times in seconds within the source video);
- `exemplars.parquet`: isolated dictionary signs (`exemplar_id, dictionary, gloss, signer, fps,
  n_frames, pose_index`), their poses in the pose array named `exemplars`;
- `signs.parquet` (simulated corpora only): the hidden ground truth, one row per produced sign
  (`video_id, sentence_id, gloss, start_frame, end_frame, mouthed, kind`), for evaluation only;
- `poses/NAME.data.npy` (float16, frames x points x 3), `poses/NAME.conf.npy` (float16, frames x
  points) and `poses/NAME.offsets.npy` (int64, items + 1): the frames of all items of one split
  (or of the exemplars) stacked, read memory-mapped.

`Corpus.save` writes the folder whole or not at all (`slr_lib.atomic.replacing_folder`): an
existing corpus is replaced only once the new one is complete. `Corpus.load` checks the folder
against the manifest's file list (`check_files`) and raises `CorpusFormatError` naming the file
for a missing, unlisted, truncated or (with `verify=True`) altered file, or one that numpy,
pyarrow or json cannot read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow

from slr_lib.atomic import replacing_folder
from slr_lib.data.layout import N_DIMS, N_POINTS

SPLITS = ("train", "val", "test")
VIDEO_COLUMNS = ("video_id", "split", "signer", "topic", "fps", "n_frames", "pose_index")
SENTENCE_COLUMNS = (
    "sentence_id", "video_id", "split", "text",
    "start_sign", "end_sign", "start_speech", "end_speech",
)  # fmt: skip
EXEMPLAR_COLUMNS = ("exemplar_id", "dictionary", "gloss", "signer", "fps", "n_frames", "pose_index")
SIGN_COLUMNS = ("video_id", "sentence_id", "gloss", "start_frame", "end_frame", "mouthed", "kind")
TIMINGS = ("sign", "speech")
MANIFEST = "manifest.json"
MANIFEST_KEYS = ("name", "language", "fps", "files")
REGENERATE = "the corpus was changed or partly rewritten; regenerate it"


class CorpusFormatError(ValueError):
    """A corpus directory or table that does not follow the data model."""


@dataclass(frozen=True)
class PoseArray:
    """Variable-length pose sequences stacked in one array, addressed through offsets."""

    data: np.ndarray  # (total_frames, N_POINTS, 3)
    confidence: np.ndarray  # (total_frames, N_POINTS)
    offsets: np.ndarray  # (n_items + 1,), offsets[0] == 0

    def __post_init__(self) -> None:
        if self.data.ndim != 3 or self.data.shape[1:] != (N_POINTS, N_DIMS):
            raise CorpusFormatError(f"pose data must be (frames, {N_POINTS}, {N_DIMS})")
        if self.confidence.shape != self.data.shape[:2]:
            raise CorpusFormatError("pose confidence must be (frames, points) like the data")
        if (
            self.offsets[0] != 0
            or self.offsets[-1] != len(self.data)
            or np.any(np.diff(self.offsets) < 0)
        ):
            raise CorpusFormatError("pose offsets must rise from 0 to the number of frames")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def n_frames(self, item: int) -> int:
        """Number of frames of one item."""
        return int(self.offsets[item + 1] - self.offsets[item])

    def frames(
        self, item: int, start: int = 0, stop: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Frames [start, stop) of one item as (coordinates, confidence), clipped to the item."""
        if not 0 <= item < len(self):
            raise IndexError(f"pose item {item} out of range (0..{len(self) - 1})")
        begin, end = int(self.offsets[item]), int(self.offsets[item + 1])
        lo = begin + max(0, start)
        hi = end if stop is None else min(end, begin + max(0, stop))
        hi = max(lo, hi)
        return self.data[lo:hi], self.confidence[lo:hi]

    @classmethod
    def stack(cls, items: list[tuple[np.ndarray, np.ndarray]]) -> PoseArray:
        """Stack (coordinates, confidence) pairs into one float16 array."""
        lengths = [len(d) for d, _ in items]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if items:
            data = np.concatenate([d for d, _ in items]).astype(np.float16, copy=False)
            conf = np.concatenate([c for _, c in items]).astype(np.float16, copy=False)
        else:
            data = np.zeros((0, N_POINTS, N_DIMS), np.float16)
            conf = np.zeros((0, N_POINTS), np.float16)
        return cls(data, conf, offsets)

    def save(self, directory: Path, name: str) -> None:
        """Write the three `.npy` files of this array."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / f"{name}.data.npy", np.ascontiguousarray(self.data, np.float16))
        np.save(directory / f"{name}.conf.npy", np.ascontiguousarray(self.confidence, np.float16))
        np.save(directory / f"{name}.offsets.npy", np.asarray(self.offsets, np.int64))

    @classmethod
    def load(cls, directory: Path, name: str) -> PoseArray:
        """Open the array memory-mapped."""
        paths = [directory / f"{name}.{part}.npy" for part in ("data", "conf", "offsets")]
        data, conf = (_read_npy(p, mmap_mode="r") for p in paths[:2])
        try:
            return cls(data, conf, _read_npy(paths[2]))
        except CorpusFormatError as error:
            raise CorpusFormatError(f"{directory / name}.*.npy: {error}") from error


@dataclass
class Corpus:
    """Signing videos with poses, subtitles, dictionaries and (if simulated) the truth."""

    name: str
    language: str
    fps: float
    videos: pd.DataFrame
    sentences: pd.DataFrame
    poses: Mapping[str, PoseArray]
    exemplars: pd.DataFrame = field(default_factory=lambda: _empty(EXEMPLAR_COLUMNS))
    exemplar_poses: PoseArray | None = None
    signs: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_columns("videos", self.videos, VIDEO_COLUMNS)
        _require_columns("sentences", self.sentences, SENTENCE_COLUMNS)
        _require_columns("exemplars", self.exemplars, EXEMPLAR_COLUMNS)
        if self.signs is not None:
            _require_columns("signs", self.signs, SIGN_COLUMNS)
        unknown = set(self.sentences["video_id"]) - set(self.videos["video_id"])
        if unknown:
            raise CorpusFormatError(
                f"sentences refer to unknown videos, e.g. {sorted(unknown)[:3]}"
            )
        for split in self.videos["split"].unique():
            if split not in self.poses:
                raise CorpusFormatError(f"no pose array for split {split!r}")

    @property
    def splits(self) -> list[str]:
        """Splits present, in the order train, val, test."""
        present = set(self.videos["split"])
        return [s for s in SPLITS if s in present] + sorted(present - set(SPLITS))

    def split_sentences(self, split: str) -> pd.DataFrame:
        """The sentences of one split, in a stable order."""
        return self.sentences[self.sentences["split"] == split].reset_index(drop=True)

    def video(self, video_id: str) -> pd.Series:
        """The row of one source video."""
        rows = self.videos[self.videos["video_id"] == video_id]
        if rows.empty:
            raise KeyError(f"unknown video {video_id!r}")
        return rows.iloc[0]

    def video_pose(self, video_id: str) -> tuple[np.ndarray, np.ndarray]:
        """All frames of a source video."""
        row = self.video(video_id)
        return self.poses[row["split"]].frames(int(row["pose_index"]))

    def sentence_pose(
        self, sentence: pd.Series, timing: str = "sign"
    ) -> tuple[np.ndarray, np.ndarray]:
        """The frames of one subtitle, cut from its video by sign- or speech-aligned times."""
        if timing not in TIMINGS:
            raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
        row = self.video(sentence["video_id"])
        fps = float(row["fps"])
        start = int(round(float(sentence[f"start_{timing}"]) * fps))
        stop = int(round(float(sentence[f"end_{timing}"]) * fps))
        return self.poses[row["split"]].frames(int(row["pose_index"]), start, stop)

    def exemplar_pose(self, exemplar: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The frames of one isolated dictionary exemplar."""
        if self.exemplar_poses is None:
            raise CorpusFormatError(f"corpus {self.name!r} has no dictionary exemplars")
        return self.exemplar_poses.frames(int(exemplar["pose_index"]))

    def save(self, root: str | Path) -> Path:
        """Write the corpus directory described in this module's docstring, whole or not at all."""
        root = Path(root)
        with replacing_folder(root) as partial:
            self._write(partial)
        return root

    def _write(self, root: Path) -> None:
        """Write the tables and pose arrays, then the manifest listing them."""
        tables = {"videos": self.videos, "sentences": self.sentences, "exemplars": self.exemplars}
        if self.signs is not None:
            tables["signs"] = self.signs
        for name, table in tables.items():
            table.reset_index(drop=True).to_parquet(root / f"{name}.parquet", index=False)
        for split, array in self.poses.items():
            array.save(root / "poses", split)
        if self.exemplar_poses is not None:
            self.exemplar_poses.save(root / "poses", "exemplars")
        manifest = {
            "name": self.name, "language": self.language, "fps": self.fps,
            "splits": {s: int((self.sentences["split"] == s).sum()) for s in self.splits},
            "n_exemplars": len(self.exemplars), "simulated": self.signs is not None,
            "info": self.info, "files": list_files(root),
        }  # fmt: skip
        (root / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, root: str | Path, verify: bool = True) -> Corpus:
        """Open a corpus directory checked against its manifest; pose arrays are memory-mapped.

        Every listed file must exist with its size, no other file may be there, and with
        `verify` (the default) each file's SHA-256 must match too.
        """
        root = Path(root)
        manifest = read_manifest(root)
        check_files(root, manifest["files"], verify)
        tables = {
            name: _read_table(root / f"{name}.parquet")
            for name in ("videos", "sentences", "exemplars")
        }
        signs_path = root / "signs.parquet"
        splits = sorted(set(tables["videos"]["split"]))
        exemplar_poses = (
            PoseArray.load(root / "poses", "exemplars") if len(tables["exemplars"]) else None
        )
        return cls(
            name=manifest["name"],
            language=manifest["language"],
            fps=float(manifest["fps"]),
            videos=tables["videos"],
            sentences=tables["sentences"],
            poses={s: PoseArray.load(root / "poses", s) for s in splits},
            exemplars=tables["exemplars"],
            exemplar_poses=exemplar_poses,
            signs=_read_table(signs_path) if signs_path.is_file() else None,
            info=manifest.get("info", {}),
        )


def sha256(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _files_under(root: Path) -> list[str]:
    """The relative paths of the files under `root` but the manifest, sorted."""
    names = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(name for name in names if name != MANIFEST)


def list_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every file under `root` but the manifest: relative path -> `bytes` and `sha256`."""
    return {
        name: {"bytes": (root / name).stat().st_size, "sha256": sha256(root / name)}
        for name in _files_under(root)
    }


def read_manifest(root: Path) -> dict[str, Any]:
    """The parsed `manifest.json` of a corpus folder, with the keys `load` needs."""
    path = root / MANIFEST
    if not path.is_file():
        raise CorpusFormatError(f"{root} is not a corpus directory (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorpusFormatError(f"{path}: not valid JSON ({error}); {REGENERATE}") from error
    if not isinstance(manifest, dict):
        raise CorpusFormatError(f"{path}: expected an object, got {type(manifest).__name__}")
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing == ["files"]:
        raise CorpusFormatError(
            f"{path} lists no files: the corpus was written before corpora recorded their "
            "files; regenerate it"
        )
    if missing:
        raise CorpusFormatError(f"{path}: missing keys {missing}; {REGENERATE}")
    if not isinstance(manifest["files"], dict):
        raise CorpusFormatError(f"{path}: `files` is not an object; {REGENERATE}")
    return manifest


def check_files(root: Path, files: Mapping[str, Mapping[str, Any]], verify: bool) -> None:
    """Raise `CorpusFormatError` naming the first file that differs from the manifest's list."""
    unlisted = [name for name in _files_under(root) if name not in files]
    if unlisted:
        raise CorpusFormatError(
            f"{root / unlisted[0]} is not listed in {root / MANIFEST} "
            f"({len(unlisted)} unlisted file(s)): old and new files mixed? {REGENERATE}"
        )
    for name, expected in sorted(files.items()):
        _check_file(root / name, expected, verify)


def _check_file(path: Path, expected: Mapping[str, Any], verify: bool) -> None:
    if not path.is_file():
        raise CorpusFormatError(f"{path} is listed in the manifest but missing; {REGENERATE}")
    size = path.stat().st_size
    if size != expected["bytes"]:
        raise CorpusFormatError(f"{path} was {expected['bytes']} bytes, is {size}; {REGENERATE}")
    if verify and sha256(path) != expected["sha256"]:
        raise CorpusFormatError(f"{path}: hash differs: {REGENERATE}")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CorpusFormatError(f"missing corpus table {path}")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pyarrow.ArrowException) as error:
        raise CorpusFormatError(f"{path}: not a readable parquet table ({error})") from error


def _read_npy(path: Path, mmap_mode: str | None = None) -> np.ndarray:
    if not path.is_file():
        raise CorpusFormatError(f"missing pose file {path}")
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise CorpusFormatError(f"{path}: not a readable .npy array ({error})") from error


def _require_columns(name: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CorpusFormatError(f"{name} table lacks columns {missing}")
