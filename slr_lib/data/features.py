"""Precomputed clip features: reading and writing the two layouts published models use.

- CiCo layout: a folder with one pickle per clip, `CLIP_ID.pkl` holding a dict whose
  `'feature'` entry is a (frames, dim) array (other entries are ignored);
- Collaborative Experts (CE) layout: one pickle mapping clip id -> (frames, dim) array.

Every clip must be a 2-D floating-point array and all clips of one source must share `dim`.
Pickles run code when loaded: read only files from sources you trust. Reading pickles and
checking arrays (`load_pickle`, `as_feature_array`, `check_dims`) live in `slr_lib.data.tables`,
shared with the other adapters (PHOENIX-2014T features are pickles too).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.data.corpus import CorpusFormatError
from slr_lib.data.tables import as_feature_array, check_dims, load_pickle

CICO_SUFFIXES = (".pkl", ".pickle")
CICO_KEY = "feature"


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
        with (folder / f"{clip}.pkl").open("wb") as handle:
            pickle.dump({CICO_KEY: array}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return folder


def write_ce_features(path: str | Path, features: Mapping[str, Any]) -> Path:
    """Write all clips into one Collaborative Experts pickle (clip id -> array)."""
    path = Path(path)
    arrays, _ = _checked(features, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(arrays, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


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
