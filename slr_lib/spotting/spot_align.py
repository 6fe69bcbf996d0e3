"""The SPOT-ALIGN loop: mouthing spottings, then repeated dictionary spotting and joint training.

Following the paper (Sec. 3.3) and its supplement (B.1, Fig. A.1):

- **M**: mouthing spottings whose gloss has dictionary exemplars. Their glosses are the
  *restricted* vocabulary (the paper's 1079 words).
- Iteration i = 1..L: a model is trained jointly on the continuous-signing annotations of the
  previous iteration (M at i = 1, M + D_{i-1} after) and the dictionary exemplars of the same
  vocabulary, starting from the pre-trained model; it then re-queries every training subtitle with
  *all* exemplars of its words, giving D_i (the paper's expanded vocabulary: 1887 words).
- The embedding models of Table 1 are trained on continuous signing only (no exemplars):
  M at the restricted vocabulary, and M + D_i at the restricted or at the expanded vocabulary.

An iteration whose dictionary spotting comes back empty stops the loop; the run records where.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.sign_windows import (
    WindowSet,
    annotation_windows,
    class_index,
    exemplar_windows,
)
from slr_lib.logging_setup import get_logger
from slr_lib.model.checkpoints import SignModel
from slr_lib.model.sign_recognition import SignRecognizer
from slr_lib.spotting.dictionary import dictionary_candidates, spot_dictionary
from slr_lib.trainer.sign_recognition import SignTrainConfig, train_sign_recognizer

log = get_logger(__name__)


class EmptySpottingError(RuntimeError):
    """A spotting step found nothing to train on."""


@dataclass(frozen=True)
class SpotAlignConfig:
    """Settings of one run of the loop."""

    iterations: int = 3
    dictionary_threshold: float = 0.75
    pad_s: float = 0.5
    timing: str = "sign"
    train: SignTrainConfig = field(default_factory=SignTrainConfig)


@dataclass
class SpotAlignRun:
    """What the loop produced: spottings per step and the joint models that made them."""

    restricted: list[str]
    spottings: dict[str, pd.DataFrame]
    joint_models: dict[str, SignModel]
    candidates: dict[str, pd.DataFrame] = field(default_factory=dict)
    stopped: str | None = None

    def vocabulary(self, step: str, expanded: bool) -> list[str]:
        """The classes of an embedding model trained on M + `step` (or M alone)."""
        if not expanded or step == "M":
            return self.restricted
        return sorted(set(self.restricted) | set(self.spottings[step]["gloss"]))


def restrict_mouthings(mouthings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Mouthing spottings of words that the dictionaries have (the paper's 1079 filter)."""
    return mouthings[mouthings["gloss"].isin(set(corpus.exemplars["gloss"]))].reset_index(drop=True)


def train_on(
    annotations: pd.DataFrame,
    vocabulary: list[str],
    features: Mapping[str, np.ndarray],
    config: SignTrainConfig,
    init: SignRecognizer | None,
    extra: WindowSet | None = None,
    desc: str = "sign recognition",
) -> SignModel:
    """Train a model over `vocabulary` on the annotations (and extra windows, e.g. exemplars)."""
    classes = class_index(vocabulary)
    windows = annotation_windows(annotations, features, classes)
    if extra is not None:
        windows = WindowSet.concat([windows, extra])
    model, _ = train_sign_recognizer(windows, len(classes), config, init, desc)
    return SignModel(model, sorted(classes, key=classes.get), len(windows))


def run_spot_align(
    corpus: Corpus,
    mouthings: pd.DataFrame,
    video_features: Mapping[str, np.ndarray],
    exemplar_features: Mapping[str, np.ndarray],
    init: SignRecognizer | None,
    config: SpotAlignConfig,
) -> SpotAlignRun:
    """Run L iterations of joint training and dictionary spotting from the mouthing spottings."""
    m = restrict_mouthings(mouthings, corpus).assign(source="mouthing")
    if m.empty:
        raise EmptySpottingError(
            "no mouthing spotting of a dictionary word: nothing to start the loop from"
        )
    run = SpotAlignRun(sorted(set(m["gloss"])), {"M": m}, {})
    previous = m
    for i in range(1, config.iterations + 1):
        vocabulary = sorted(set(run.restricted) | set(previous["gloss"]))
        extra = exemplar_windows(corpus.exemplars, exemplar_features, class_index(vocabulary))
        joint = train_on(
            previous, vocabulary, video_features, config.train, init, extra, f"joint training {i}"
        )
        run.joint_models[f"J{i}"] = joint
        candidates = dictionary_candidates(
            joint.model, corpus, video_features, exemplar_features, "train", config.timing,
            config.pad_s,
        )  # fmt: skip
        run.candidates[f"D{i}"] = candidates
        found = spot_dictionary(candidates, config.dictionary_threshold)
        log.info("iteration %d: %d dictionary spottings, %d glosses", i, len(found),
                 found["gloss"].nunique())  # fmt: skip
        if found.empty:
            run.stopped = f"D{i}"
            log.warning("iteration %d found no dictionary spotting above %.2f; the loop stops",
                        i, config.dictionary_threshold)  # fmt: skip
            break
        run.spottings[f"D{i}"] = found
        previous = pd.concat([m, found], ignore_index=True)
    return run


def embedding_model(
    run: SpotAlignRun,
    step: str,
    expanded: bool,
    video_features: Mapping[str, np.ndarray],
    init: SignRecognizer | None,
    config: SignTrainConfig,
) -> SignModel:
    """The Table 1 model for M (`step` "M") or M + D_i: continuous signing only, no exemplars."""
    vocabulary = run.vocabulary(step, expanded)
    annotations = run.spottings["M"]
    if step != "M":
        annotations = pd.concat([annotations, run.spottings[step]], ignore_index=True)
    name = f"M+{step}" if step != "M" else "M"
    return train_on(annotations, vocabulary, video_features, config, init, desc=name)
