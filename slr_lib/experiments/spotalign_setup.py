"""What the SPOT-ALIGN chapters share: the loop's outputs and sign-recognition (SR) retrieval.

The `spotalign` stage writes, under its folder, `summary.json` (the runs, their steps and the
models' accuracies), one sign model per step (`models/NAME.pt`) and its recognised signs on the
main videos (`recognition/NAME.npz`); the `recogniser_seeds` stage writes the same, for other
training seeds, under `seed_K/` of its folder (`recogniser_folders` lists them all, the main
stage's first). A chapter reads the summary (`read_summary`), names the final embedding
(`final_model`), loads a model's recogniser from each seed (`load_recognisers`) and scores SR
retrieval with them (`sr_scores` for a split's similarities and word sets, `sr_metrics` for test
T2V metrics, `sr_ranks` for the per-query ranks over seeds that the verdict policy reads).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.recognition import load_recognition, sr_similarity_matrix
from slr_lib.metrics import RankRuns, rank_metrics, t2v_metrics, t2v_ranks
from slr_lib.model.checkpoints import load_sign_model
from slr_lib.paths import project_path


def read_summary(spotalign_dir: str | Path) -> dict[str, Any]:
    """The stage's `summary.json`: runs (steps, yields) and models (classes, accuracies)."""
    return json.loads((project_path(spotalign_dir) / "summary.json").read_text())


def spot_align_missing(spotalign_dir: str | Path) -> str | None:
    """Why the spot_align stage trained no model (None: it trained them)."""
    summary = read_summary(spotalign_dir)
    if summary.get("available", True):
        return None
    return f"the spot_align stage trained no sign model: {summary['reason']}"


def dictionary_steps(summary: Mapping[str, Any], run: str = "main") -> list[str]:
    """The dictionary-spotting steps (D1, D2, ...) of a run, in order (the mouthing step M out)."""
    return [s for s in summary["runs"][run]["steps"] if s != "M"]


def final_model(summary: Mapping[str, Any]) -> str:
    """The final sign-video embedding: the last iteration at the expanded vocabulary (M+Dn_X)."""
    return f"M+{dictionary_steps(summary)[-1]}_X"


@dataclass(frozen=True)
class Recogniser:
    """One sign model's classes and its recognised signs (labels, probabilities) per video."""

    name: str
    classes: list[str]
    recognition: Mapping[str, tuple[np.ndarray, np.ndarray]]


def recogniser_folders(spotalign_dir: str | Path, seeds_dir: str | Path = "") -> list[Path]:
    """The folder of every trained seed: the spot_align stage's, then the recogniser_seeds
    stage's `seed_K` folders by K (none when `seeds_dir` is "")."""
    folders = [project_path(spotalign_dir)]
    if not seeds_dir:
        return folders
    root = project_path(seeds_dir)
    seeds = sorted(root.glob("seed_*"), key=lambda p: int(p.name.removeprefix("seed_")))
    if not seeds:
        raise FileNotFoundError(
            f"no seed_K folder in {root}: run `dvc repro recogniser_seeds`, or set the chapter's "
            'recogniser_seeds_dir to "" to read the spot_align stage\'s recognisers alone'
        )
    return folders + seeds


def load_recognisers(folders: Sequence[Path], name: str) -> list[Recogniser]:
    """Model `name`'s recogniser from every folder that trained it, in order."""
    found = [load_recogniser(f, name) for f in folders if (f / "models" / f"{name}.pt").is_file()]
    if not found:
        raise FileNotFoundError(f"no model {name!r} in {', '.join(map(str, folders))}")
    return found


def load_recogniser(spotalign_dir: str | Path, name: str) -> Recogniser:
    """The classes of model `name` and its recognition output, from the stage's folder."""
    folder = project_path(spotalign_dir)
    classes = load_sign_model(folder / "models" / f"{name}.pt").classes
    return Recogniser(name, classes, load_recognition(folder / "recognition" / f"{name}.npz"))


def sr_scores(
    corpus: Corpus, split: str, recogniser: Recogniser, threshold: float, timing: str = "sign"
) -> tuple[np.ndarray, list[frozenset[str]]]:
    """SR similarities (subtitles x videos) of a split and each video's recognised-word set."""
    return sr_similarity_matrix(
        corpus, split, recogniser.recognition, recogniser.classes, threshold, timing
    )


def sr_metrics(
    corpus: Corpus, recogniser: Recogniser, threshold: float, timing: str = "sign"
) -> dict[str, float]:
    """T2V metrics of SR retrieval on the test subtitles."""
    return t2v_metrics(sr_scores(corpus, "test", recogniser, threshold, timing)[0])


def sr_ranks(
    corpus: Corpus, recognisers: Sequence[Recogniser], threshold: float, timing: str = "sign"
) -> RankRuns:
    """Per-query T2V ranks of SR retrieval on test and validation, one row per recogniser (one
    training seed each)."""
    test, val = (
        np.stack(
            [t2v_ranks(sr_scores(corpus, split, r, threshold, timing)[0]) for r in recognisers]
        )
        for split in ("test", "val")
    )
    return RankRuns(test, test.shape[1], val=val)


def mean_metrics(runs: RankRuns) -> dict[str, float]:
    """Test T2V metrics of each seed's ranks, averaged over seeds."""
    return pd.DataFrame([rank_metrics(row) for row in runs.test]).mean().to_dict()
