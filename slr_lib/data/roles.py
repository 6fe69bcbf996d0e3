"""The roles a corpus plays in the book, and where the `corpora` stage writes each one.

`main` is the retrieval corpus of every chapter, `pretrain` the related sign language that
encoders are pre-trained on, `phoenix` the second language's corpus (PHOENIX-2014T). Which
corpus plays a role (simulated, or the user's real data) is set once, in params.yaml's
`corpora` section (`slr_lib.data.corpora`); chapters read a role's folder and what its
manifest says it holds, never the source.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from slr_lib.data.corpus import Corpus, read_manifest
from slr_lib.data.mouthings import read_spottings
from slr_lib.paths import project_path

RGB_SUFFIX = "_rgb"
"""A real corpus's clip features (the I3D role, in place of the simulated RGB-like view) are
written beside it, to `ROLE_rgb/`: a features folder (`main_videos.pkl` and `meta.json`)."""


def rgb_features_dir(corpus_dir: str | Path) -> Path:
    """The folder of a corpus's real RGB-view clip features (whether or not it was written)."""
    folder = Path(corpus_dir)
    return folder.with_name(folder.name + RGB_SUFFIX)


def real_rgb_features(corpus_dir: str | Path) -> Path | None:
    """The folder of a corpus's real RGB-view clip features, or None where none were given."""
    folder = rgb_features_dir(corpus_dir)
    return folder if (folder / "meta.json").is_file() else None


MOUTHINGS_SUFFIX = "_mouthings.csv"
"""A real corpus's mouthing spottings from the user's own keyword spotter
(`slr_lib.data.mouthings`), checked, are written beside it, to `ROLE_mouthings.csv`."""


def mouthings_file(corpus_dir: str | Path) -> Path:
    """The file of a corpus's given mouthing spottings (whether or not it was written)."""
    folder = Path(corpus_dir)
    return folder.with_name(folder.name + MOUTHINGS_SUFFIX)


def given_mouthings(corpus_dir: str | Path) -> pd.DataFrame | None:
    """The mouthing spottings given with a corpus, or None where none were given."""
    path = mouthings_file(corpus_dir)
    return read_spottings(path) if path.is_file() else None


def corpus_label(corpus_dir: str | Path) -> str:
    """How results name the corpus at `corpus_dir` (a project path): simulated, or real."""
    manifest = read_manifest(project_path(corpus_dir))
    return "simulated corpus" if manifest["simulated"] else f"real {manifest['name']} corpus"


def missing_ground_truth(corpus_dir: str | Path) -> str | None:
    """Why the corpus at `corpus_dir` has no ground-truth sign spans (None: it has them)."""
    manifest = read_manifest(Path(corpus_dir))
    if manifest["simulated"]:
        return None
    return (
        f"the main corpus ({manifest['name']}) is real, and only the simulated corpus records "
        "where each sign is (the ground truth this chapter measures against)"
    )


def renders_rgb(corpus: Corpus) -> bool:
    """Whether the RGB-like view can be drawn: a simulated corpus records its signers' looks."""
    return "signers" in corpus.info


class NoRGBView(FileNotFoundError):
    """A real corpus without clip features of its own: there is no RGB view to read or draw."""


def copy_real_rgb_features(corpus_dir: str | Path, out: Path, role: str) -> dict[str, Any]:
    """Write a real corpus's own clip features to the features folder `out`, in place of the
    RGB encoder (`role` says which one) that cannot run without video frames; return the meta."""
    folder = real_rgb_features(corpus_dir)
    if folder is None:
        raise NoRGBView(
            f"{corpus_dir} is a real corpus with no RGB-view clip features of its own, so the "
            f"{role} has nothing to read: give your I3D features (params.yaml corpora."
            "cico_features and cico_annotations)"
        )
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / "main_videos.pkl", out / "main_videos.pkl")
    meta = json.loads((folder / "meta.json").read_text())
    meta["in_place_of"] = role
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta
