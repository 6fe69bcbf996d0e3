"""The corpus data model shared by the simulated corpus and every real-data adapter.

A corpus directory holds:

- `manifest.json`: name, language, fps, how it was made, counts;
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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
        for path in paths:
            if not path.is_file():
                raise CorpusFormatError(f"missing pose file {path}")
        data, conf = (np.load(p, mmap_mode="r") for p in paths[:2])
        return cls(data, conf, np.load(paths[2]))


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
        """Write the corpus directory described in this module's docstring."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
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
            "info": self.info,
        }  # fmt: skip
        (root / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        return root

    @classmethod
    def load(cls, root: str | Path) -> Corpus:
        """Open a corpus directory; pose arrays are memory-mapped."""
        root = Path(root)
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise CorpusFormatError(f"{root} is not a corpus directory (no manifest.json)")
        manifest = json.loads(manifest_path.read_text())
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


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CorpusFormatError(f"missing corpus table {path}")
    return pd.read_parquet(path)


def _require_columns(name: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CorpusFormatError(f"{name} table lacks columns {missing}")
