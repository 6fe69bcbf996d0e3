"""Precomputed clip features: reading and writing the two layouts published models use.

- CiCo layout: a folder with one pickle per clip, `CLIP_ID.pkl` holding a dict whose
  `'feature'` entry is a (frames, dim) array (other entries are ignored);
- Collaborative Experts (CE) layout: one pickle mapping clip id -> (frames, dim) array.

Every clip must be a 2-D floating-point array and all clips of one source must share `dim`.
Pickles are read by the restricted unpickler of `slr_lib.data.tables.load_pickle`, which
refuses any type beyond plain data. Reading and writing pickles and checking arrays
(`load_pickle`, `write_pickle`, `as_feature_array`, `check_dims`) live in
`slr_lib.data.tables`, shared with the other adapters (PHOENIX-2014T features are pickles too).

CiCo's How2Sign annotation (`data_h2_{split}.pkl`, `read_cico_annotation`) maps a How2Sign
SENTENCE_ID (`VIDEO_ID_N`, e.g. `-fZc293MpJk_0`) to one entry per *recording* of that sentence,
`{'text', 'num_frames', 'video_name'}`, where `video_name` is the clip id
`VIDEO_NAME_clipM`: VIDEO_NAME is How2Sign's (`VIDEO_ID-K-rgb_front`) and M the sentence's
0-based place among that recording's sentences (not its number N). A sentence recorded in
several takes (`-5-rgb_front` and `-10-rgb_front`, say) has several entries with the same text:
these are alternative videos of one sentence (CiCo scores each as a video of its own), not
parts to join. How2Sign names the clip of one take `SENTENCE_ID-K-rgb_front` (SENTENCE_NAME),
so a SENTENCE_NAME maps to exactly one clip: the entry of its SENTENCE_ID whose VIDEO_NAME
ends in the same `-K-rgb_front` (`cico_clip_id`). In CiCo's real test file: 1,969 sentence ids,
2,348 clips, 311 ids with two takes and 34 with three, no clip id repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.tables import (
    as_feature_array,
    check_dims,
    load_pickle,
    require_keys,
    write_pickle,
)

CICO_SUFFIXES = (".pkl", ".pickle")
CICO_KEY = "feature"
CICO_CLIP = re.compile(r"^(?P<video_name>.+)_clip(?P<ordinal>\d+)$")
"""A CiCo clip id: How2Sign's VIDEO_NAME, `_clip`, the sentence's place in that recording."""
HOW2SIGN_TAKE = re.compile(r"^(?P<stem>.+)(?P<take>-\d+-rgb_front)$")
"""A How2Sign SENTENCE_NAME (stem SENTENCE_ID) or VIDEO_NAME (stem VIDEO_ID) and its take."""
CICO_ANNOTATION_KEY = "video_name"


def missing_ids_error(source: str | Path, missing: Iterable[str], total: int) -> CorpusFormatError:
    """An error listing a few of the requested clip ids that `source` lacks."""
    missing = sorted(missing)
    return CorpusFormatError(
        f"{source}: {len(missing)} of {total} requested clips have no features, e.g. {missing[:5]}"
    )


def cico_files(folder: str | Path) -> dict[str, Path]:
    """The per-clip pickles of a CiCo feature folder, by clip id (the file stem)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no CiCo feature folder {folder}")
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix in CICO_SUFFIXES}


def read_cico_feature(path: str | Path) -> np.ndarray:
    """The (frames, dim) array of one CiCo clip pickle."""
    content = load_pickle(path)
    if not isinstance(content, Mapping) or CICO_KEY not in content:
        raise CorpusFormatError(f"{path}: expected a dict with a {CICO_KEY!r} entry")
    return as_feature_array(content[CICO_KEY], str(path))


def read_cico_features(
    folder: str | Path, ids: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """The features of a CiCo folder: all clips, or exactly `ids` (all of which must exist)."""
    files = cico_files(folder)
    if ids is None:
        wanted = list(files)
    else:
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in files]
        if missing:
            raise missing_ids_error(folder, missing, len(wanted))
    features = {clip: read_cico_feature(files[clip]) for clip in wanted}
    check_dims(features, folder)
    return features


# --- CiCo's How2Sign annotation: sentence -> clips ---------------------------------------------


def clip_video(where: str, clip: Any) -> tuple[str, str]:
    """(How2Sign VIDEO_ID, take `-K-rgb_front`) of a CiCo clip id; errors name `where`."""
    clip_match = CICO_CLIP.match(clip) if isinstance(clip, str) else None
    name_match = HOW2SIGN_TAKE.match(clip_match["video_name"]) if clip_match else None
    if name_match is None:
        raise CorpusFormatError(f"{where}: {clip!r} is not a clip id VIDEO_ID-K-rgb_front_clipM")
    return name_match["stem"], name_match["take"]


def _annotation_clips(where: str, key: str, entries: Any) -> list[str]:
    """The clip ids of one sentence's entries, one per take, all of the sentence's video."""
    if not isinstance(entries, list) or not entries:
        raise CorpusFormatError(f"{where}: expected a non-empty list of clips")
    clips, takes = [], set()
    for number, entry in enumerate(entries, start=1):
        require_keys(f"{where}, clip {number}", entry, (CICO_ANNOTATION_KEY,))
        clip = entry[CICO_ANNOTATION_KEY]
        video_id, take = clip_video(f"{where}, clip {number}", clip)
        if not key.startswith(f"{video_id}_"):
            raise CorpusFormatError(f"{where}: clip {clip!r} is not of the sentence's video")
        if take in takes:
            raise CorpusFormatError(
                f"{where}: two clips of take {take!r} (CiCo lists one clip per take of a "
                "sentence: several clips are alternative takes, not parts)"
            )
        takes.add(take)
        clips.append(clip)
    return clips


def read_cico_annotation(path: str | Path) -> dict[str, list[str]]:
    """CiCo's How2Sign annotation: SENTENCE_ID -> its clip ids, one per take, in file order.

    Read with the restricted unpickler; a malformed entry is refused, naming its key.
    """
    path = Path(path)
    content = load_pickle(path)
    if not isinstance(content, Mapping):
        raise CorpusFormatError(
            f"{path}: expected a dict sentence id -> clips, got {type(content).__name__}"
        )
    mapping: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for key, entries in content.items():
        where = f"{path}, sentence {key!r}"
        if not isinstance(key, str):
            raise CorpusFormatError(f"{where}: a sentence id must be a string")
        mapping[key] = _annotation_clips(where, key, entries)
        for clip in mapping[key]:
            if clip in owner:
                raise CorpusFormatError(f"{where}: clip {clip!r} also belongs to {owner[clip]!r}")
            owner[clip] = key
    return mapping


def cico_clip_id(mapping: Mapping[str, Iterable[str]], sentence_name: str) -> str | None:
    """The CiCo clip of a How2Sign SENTENCE_NAME (`SENTENCE_ID-K-rgb_front`), None if unlisted.

    A name that is not a SENTENCE_NAME is refused.
    """
    match = HOW2SIGN_TAKE.match(sentence_name)
    if match is None:
        raise CorpusFormatError(
            f"{sentence_name!r} is not a How2Sign SENTENCE_NAME (SENTENCE_ID-K-rgb_front)"
        )
    for clip in mapping.get(match["stem"], ()):
        if clip_video(f"clip of {sentence_name!r}", clip)[1] == match["take"]:
            return clip
    return None


def sentence_features(
    folder: str | Path, mapping: Mapping[str, Iterable[str]], sentence_names: Iterable[str]
) -> dict[str, np.ndarray]:
    """The CiCo features of each How2Sign SENTENCE_NAME: its one clip's (frames, dim) array.

    Names the annotation does not list, and listed clips without a file in `folder`, are
    refused with an error naming a few of them.
    """
    names = list(dict.fromkeys(sentence_names))
    clips = {name: cico_clip_id(mapping, name) for name in names}
    unlisted = [name for name, clip in clips.items() if clip is None]
    if unlisted:
        raise CorpusFormatError(
            f"{len(unlisted)} of {len(names)} sentences have no clip in the CiCo annotation, "
            f"e.g. {unlisted[:5]}"
        )
    features = read_cico_features(folder, [str(c) for c in clips.values()])
    return {name: features[str(clip)] for name, clip in clips.items()}


def read_ce_features(path: str | Path) -> dict[str, np.ndarray]:
    """The features of a Collaborative Experts pickle (clip id -> (frames, dim) array)."""
    content = load_pickle(path)
    if not isinstance(content, Mapping):
        raise CorpusFormatError(
            f"{path}: expected a dict of clip id -> array, got {type(content).__name__}"
        )
    features = {
        str(clip): as_feature_array(array, f"{path} clip {clip!r}")
        for clip, array in content.items()
    }
    check_dims(features, path)
    return features


def _checked(features: Mapping[str, Any], target: str | Path) -> tuple[dict[str, np.ndarray], int]:
    arrays = {
        str(clip): as_feature_array(array, f"clip {clip!r}") for clip, array in features.items()
    }
    return arrays, check_dims(arrays, target)


def write_cico_features(folder: str | Path, features: Mapping[str, Any]) -> Path:
    """Write one `CLIP_ID.pkl` per clip, each `{'feature': array}`, into `folder`."""
    folder = Path(folder)
    arrays, _ = _checked(features, folder)
    bad = [clip for clip in arrays if not clip or Path(clip).name != clip or clip.startswith(".")]
    if bad:
        raise ValueError(f"clip ids cannot be file names: {bad[:5]}")
    folder.mkdir(parents=True, exist_ok=True)
    for clip, array in arrays.items():
        write_pickle(folder / f"{clip}.pkl", {CICO_KEY: array})
    return folder


def write_ce_features(path: str | Path, features: Mapping[str, Any]) -> Path:
    """Write all clips into one Collaborative Experts pickle (clip id -> array)."""
    path = Path(path)
    arrays, _ = _checked(features, path)
    return write_pickle(path, arrays)


class FeatureStore:
    """Clip features stacked in one float32 array, addressed by clip id through offsets."""

    def __init__(self, features: Mapping[str, Any]) -> None:
        arrays, self.dim = _checked(features, "feature store")
        self.ids: list[str] = list(arrays)
        lengths = [len(a) for a in arrays.values()]
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.data = (
            np.concatenate(list(arrays.values())).astype(np.float32)
            if arrays
            else np.zeros((0, 0), np.float32)
        )
        self._index = {clip: i for i, clip in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, clip: object) -> bool:
        return clip in self._index

    def __getitem__(self, clip: str) -> np.ndarray:
        """The (frames, dim) features of one clip (a view into the stacked array)."""
        if clip not in self._index:
            raise KeyError(f"no features for clip {clip!r}")
        item = self._index[clip]
        return self.data[self.offsets[item] : self.offsets[item + 1]]
