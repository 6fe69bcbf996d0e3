"""Real-format test corpora ("real-tiny") built in a temporary folder from ../shared/realdata.

Nothing here is copied into the project: the builders read the real files in place and write
How2Sign- and PHOENIX-2014T-format folders under a test's `tmp_path`:

- `how2sign_folder`: the real How2Sign val table's rows of a few source videos, split by video
  into train/val/test tables written as the official files are (tab-separated, CSV quoting,
  CRLF); each sentence clip's keypoints are a real `.pose` file or the real OpenPose frames,
  repeated to the row's sign-aligned length and saved under the row's real SENTENCE_NAME;
  CiCo-layout I3D features (one `<VIDEO_NAME>_clipM.pkl` per clip, some sentences also in a
  second recording, as in CiCo's real annotation) with CiCo's annotation pickle (SENTENCE_ID
  -> clips). One clip is cut short on
  purpose: the reader must drop it (`dropped_length_mismatch`).
- `phoenix_folder`: the real PHOENIX-2014T train annotation rows split into train/dev/test
  tables, with features in the Sign Language Transformers layout (gzipped pickled dicts).

Feature values are random: these corpora test that the pipeline's library path runs on real
files, never what it measures.
"""

from __future__ import annotations

import csv
import gzip
import json
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from slr_lib.data.posefile import read_pose_file, write_pose_file
from tests.conftest import REALDATA

VAL_TABLE = REALDATA / "how2sign" / "how2sign_realigned_val.csv"
PHOENIX_TABLE = REALDATA / "phoenix" / "PHOENIX-2014-T.train-complex-annotation.corpus.csv"
POSE_FILES = (
    "colin-1-HOUSE.pose",
    "colin-SAD.pose",
    "posefmt_mediapipe.pose",
    "posefmt_openpose.pose",
)
OPENPOSE_FRAMES = sorted((REALDATA / "openpose").glob("*_keypoints.json"))
FPS = 24.0
CICO_DIM = 64
CICO_STRIDE = 4

needs_realdata = pytest.mark.skipif(
    not REALDATA.is_dir(),
    reason=f"real-format checks need the real files at {REALDATA} (../shared/realdata)",
)


@dataclass
class How2SignFolder:
    """Where a real-format How2Sign copy was written, and what it holds."""

    tables: Path
    pose_dir: Path
    keypoints_dir: Path
    cico_features: Path
    cico_annotation: Path
    splits: dict[str, list[str]] = field(default_factory=dict)  # split -> SENTENCE_NAMEs
    short_clip: str = ""  # the SENTENCE_NAME whose keypoints were cut short
    texts: dict[str, str] = field(default_factory=dict)  # SENTENCE_NAME -> SENTENCE
    frames: dict[str, int] = field(default_factory=dict)  # SENTENCE_NAME -> keypoint frames


def _table_rows() -> tuple[list[str], list[list[str]]]:
    with VAL_TABLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return rows[0], rows[1:]


def _write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\r\n").writerows([header, *rows])


def _repeated(frames: np.ndarray, n: int) -> np.ndarray:
    return frames[np.arange(n) % len(frames)]


def _write_clip_pose(path: Path, source: Path, n_frames: int) -> None:
    data, conf, _ = read_pose_file(source)
    write_pose_file(path, _repeated(data, n_frames), _repeated(conf, n_frames), FPS)


def _write_clip_openpose(folder: Path, name: str, n_frames: int) -> None:
    folder.mkdir(parents=True)
    for k in range(n_frames):
        source = OPENPOSE_FRAMES[k % len(OPENPOSE_FRAMES)]
        shutil.copyfile(source, folder / f"{name}_{k:012d}_keypoints.json")


def how2sign_folder(root: Path, n_videos: int = 6, seed: int = 0) -> How2SignFolder:
    """A How2Sign-format copy of the first `n_videos` source videos of the real val table."""
    header, rows = _table_rows()
    col = {name: i for i, name in enumerate(header)}
    videos = list(dict.fromkeys(r[col["VIDEO_NAME"]] for r in rows))[:n_videos]
    split_of = {v: ("train", "train", "train", "train", "val", "test")[i % 6] for i, v in
                enumerate(videos)}  # fmt: skip
    out = How2SignFolder(
        root / "tables", root / "pose", root / "openpose", root / "cico", root / "data_h2.pkl"
    )
    for folder in (out.tables, out.pose_dir, out.keypoints_dir, out.cico_features):
        folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    annotation: dict[str, list[dict]] = {}
    clip_counter: dict[str, int] = {}
    for split in ("train", "val", "test"):
        kept = [r for r in rows if split_of.get(r[col["VIDEO_NAME"]]) == split]
        _write_table(out.tables / f"how2sign_realigned_{split}.csv", header, kept)
        out.splits[split] = [r[col["SENTENCE_NAME"]] for r in kept]
        out.texts |= {r[col["SENTENCE_NAME"]]: r[col["SENTENCE"]] for r in kept}
        for i, row in enumerate(kept):
            name, video = row[col["SENTENCE_NAME"]], row[col["VIDEO_NAME"]]
            seconds = float(row[col["END_REALIGNED"]]) - float(row[col["START_REALIGNED"]])
            n_frames = int(round(seconds * FPS))
            if not out.short_clip and split == "train" and i == 1:
                out.short_clip, n_frames = name, n_frames // 2
            out.frames[name] = n_frames
            if i % 4 == 3:
                _write_clip_openpose(out.keypoints_dir / name, name, n_frames)
            else:
                source = REALDATA / "pose" / POSE_FILES[i % len(POSE_FILES)]
                _write_clip_pose(out.pose_dir / f"{name}.pose", source, n_frames)
            entries = annotation.setdefault(row[col["SENTENCE_ID"]], [])
            extra_take = not entries  # a sentence's other take, once per SENTENCE_ID
            entries += _cico_clips(
                out.cico_features, video, row[col["SENTENCE"]], n_frames, clip_counter, rng,
                extra_take,
            )  # fmt: skip
    with out.cico_annotation.open("wb") as handle:
        pickle.dump(annotation, handle)
    return out


def _cico_clips(
    folder: Path, video: str, text: str, n_frames: int, counter: dict[str, int],
    rng: np.random.Generator, extra_take: bool,
) -> list[dict]:  # fmt: skip
    """CiCo's entries of one row: its clip in this recording (`<VIDEO_NAME>_clipM`, M its
    place in the recording) and, with `extra_take` for every second one, a clip of another
    recording of the same sentence (How2Sign's takes), each with its I3D features."""
    take = f"{video.split('-rgb_front')[0].rsplit('-', 1)[0]}-9-rgb_front"
    position = counter.get(video, 0)
    counter[video] = position + 1
    clips = [(f"{video}_clip{position}", n_frames)]
    if extra_take and position % 2:
        clips.append((f"{take}_clip{position}", n_frames + 7))
    entries = []
    for clip, length in clips:
        n_features = max(1, -(-length // CICO_STRIDE))
        feature = rng.normal(size=(n_features, CICO_DIM)).astype(np.float32)
        with (folder / f"{clip}.pkl").open("wb") as handle:
            pickle.dump({"feature": feature, "video_name": clip}, handle)
        entries.append({"text": text, "num_frames": length, "video_name": clip})
    return entries


@dataclass
class PhoenixFolder:
    """Where a real-format PHOENIX-2014T copy was written."""

    tables: list[Path]
    features: list[Path]
    names: dict[str, list[str]] = field(default_factory=dict)


PHOENIX_SPLITS = {"train": 60, "dev": 15, "test": 15}  # rows per split, from the real table


def phoenix_folder(root: Path, seed: int = 0, dim: int = 32) -> PhoenixFolder:
    """The real PHOENIX-2014T train table's first rows as train/dev/test tables, with
    features in the Sign Language Transformers layout (`phoenix14t.pami0.{split}`)."""
    lines = PHOENIX_TABLE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    rng = np.random.default_rng(seed)
    out = PhoenixFolder([], [])
    root.mkdir(parents=True, exist_ok=True)
    start = 0
    for split, n in PHOENIX_SPLITS.items():
        chosen = rows[start : start + n]
        start += n
        table = root / f"PHOENIX-2014-T.{split}.corpus.csv"
        table.write_text("\n".join([header, *chosen]) + "\n", encoding="utf-8")
        out.tables.append(table)
        entries = []
        for line in chosen:
            name, _, _, _, signer, gloss, text = line.split("|")
            frames = int(rng.integers(40, 120))
            sign = rng.normal(size=(frames, dim)).astype(np.float32)
            entries.append(
                {"name": f"{split}/{name}", "signer": signer, "gloss": gloss, "text": text,
                 "sign": sign}
            )  # fmt: skip
        features = root / f"phoenix14t.pami0.{split}"
        with gzip.open(features, "wb") as handle:
            pickle.dump(entries, handle)
        out.features.append(features)
        out.names[split] = [line.split("|")[0] for line in chosen]
    return out


WLASL_JSON = REALDATA / "lexicons" / "WLASL_v0.3.json"
EXEMPLAR_FRAMES = 40


def _words(text: str) -> list[str]:
    return [w.strip(".,!?;:\"'()").lower() for w in text.split()]


def wlasl_pose_folder(folder: Path, texts: list[str], n_glosses: int = 12) -> list[str]:
    """`.pose` files for WLASL instances of glosses that the sentences `texts` use: for each of
    the first `n_glosses` such glosses (WLASL's order), its first instance running to the end of
    its video gets a real `.pose` file, repeated to `EXEMPLAR_FRAMES`, named by its video_id.
    Returns the glosses."""
    words = {w for text in texts for w in _words(text)}
    folder.mkdir(parents=True)
    glosses: list[str] = []
    for entry in json.loads(WLASL_JSON.read_text(encoding="utf-8")):
        if len(glosses) == n_glosses:
            break
        if entry["gloss"].lower() not in words:
            continue
        instance = next((i for i in entry["instances"] if i["frame_end"] == -1), None)
        if instance is None:
            continue
        source = REALDATA / "pose" / POSE_FILES[len(glosses) % len(POSE_FILES)]
        _write_clip_pose(folder / f"{instance['video_id']}.pose", source, EXEMPLAR_FRAMES)
        glosses.append(entry["gloss"].lower())
    return glosses


def mouthing_table(path: Path, real: How2SignFolder, glosses: list[str], seed: int = 0) -> Path:
    """A mouthing-spottings file (`slr_lib.data.mouthings`) as a keyword spotter would write
    it: every use of one of `glosses` in a kept sentence, at a random frame of its clip, with
    a random confidence (some below the 0.5 threshold)."""
    rng = np.random.default_rng(seed)
    rows = [["SENTENCE_NAME", "WORD", "FRAME", "CONFIDENCE"]]
    for name, text in real.texts.items():
        if name == real.short_clip:
            continue
        for word in dict.fromkeys(w for w in _words(text) if w in glosses):
            frame = int(rng.integers(0, real.frames[name]))
            rows.append([name, word, str(frame), f"{rng.uniform(0.3, 1.0):.3f}"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path
