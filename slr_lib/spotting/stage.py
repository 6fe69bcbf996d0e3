"""The `spot_align` pipeline stage: every sign-recognition model the SPOT-ALIGN chapters compare.

It trains, in order:

1. `bobsl`: a model pre-trained on the related sign language (the BOBSL role), from that
   corpus's own sign annotations; `dictionary`: one trained on the dictionary exemplars alone
   (the WLASL initialisation of Table A.1);
2. the lip reader of the mouthing spotter, learnt on the pre-training corpus's annotations; the
   mouthing spottings (M) of the training subtitles and the SPOT-ALIGN loop from `bobsl` (joint
   models J1..JL, dictionary spottings D1..DL);
3. the Table 1 embedding models on continuous signing only: M, M+Di at the restricted and at
   the expanded vocabulary;
4. Table A.1: M and M+D1 again from the `dictionary` and from a random initialisation;
5. Table 5: the chain again with speech-aligned subtitles (`speech_iterations` iterations; its
   final model only).

Each embedding model then runs densely over every video: its embeddings (every
`feature_stride`-th window) become clip features in the Collaborative Experts layout for the CM
chapters, its best class and probability per window (stride 1, val and test videos) the SR input.
`summary.json` records yields, precision against the hidden truth, recognition accuracy on the
verified test signs, and where the time went.

The mouthing spottings come from the book's lip reader on the simulated corpus, and from the
user's own keyword spotter on a real one (`slr_lib.data.mouthings`: the lip reader learns the
simulator's drawn mouths and cannot read real ones). With no mouthing spotting of a dictionary
word the loop has nothing to start from: the stage then writes only `summary.json`, with
`available: false` and the reason, and the chapters that need its models say so (`unavailable`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import write_ce_features
from slr_lib.data.roles import given_mouthings
from slr_lib.data_loader.recognition import save_recognition
from slr_lib.data_loader.sign_windows import (
    centre_crops,
    class_index,
    exemplar_features,
    exemplar_windows,
    truth_windows,
    video_features,
)
from slr_lib.logging_setup import get_logger
from slr_lib.model.checkpoints import SignModel, save_sign_model
from slr_lib.model.dense import dense_outputs
from slr_lib.model.sign_recognition import WINDOW
from slr_lib.spotting.evaluation import spotting_summary, verified_signs
from slr_lib.spotting.mouthing import learn_reader, spot_mouthings
from slr_lib.spotting.spot_align import (
    EmptySpottingError,
    SpotAlignConfig,
    SpotAlignRun,
    embedding_model,
    run_spot_align,
)
from slr_lib.trainer.sign_recognition import (
    SignTrainConfig,
    topk_accuracy,
    train_sign_recognizer,
    window_logits,
)

log = get_logger(__name__)
EVALUATED_SPLITS = ("val", "test")


class Timer:
    """Wall time per named phase."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, start: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class SpotAlignStageConfig(SectionConfig):
    """The `spot_align` section: spotting thresholds, the loop, and sign-recognition training."""

    SECTION = "spot_align"

    corpus_dir: str = knob()
    pretrain_dir: str = knob()
    iterations: int = knob(ge=1)
    mouthing_threshold: float = knob(ge=0, le=1)
    min_phonemes: int = knob(ge=1)
    dictionary_threshold: float = knob(ge=-1, le=1)
    search_pad_s: float = knob(ge=0)
    epochs: int = knob(ge=1)
    pretrain_epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    lr_drop: float = knob(ge=0, le=1)
    width: int = knob(ge=1)
    embed_dim: int = knob(ge=1)
    feature_stride: int = knob(ge=1)
    seed: int = knob(ge=0)
    init_study: bool = knob()
    speech_study: bool = knob()
    speech_iterations: int = knob(ge=1)


def train_config(section: SpotAlignStageConfig, epochs_key: str = "epochs") -> SignTrainConfig:
    """The sign-recognition training settings of the params section."""
    return SignTrainConfig(
        epochs=getattr(section, epochs_key), batch_size=section.batch_size, lr=section.lr,
        lr_drop=section.lr_drop, width=section.width, embed_dim=section.embed_dim,
        seed=section.seed,
    )  # fmt: skip


def pretrained_models(
    pretrain: Corpus, main: Corpus, exemplars: Mapping[str, np.ndarray], config: SignTrainConfig
) -> dict[str, SignModel]:
    """`bobsl` (the related language's signs) and `dictionary` (the exemplars) models."""
    features = video_features(pretrain)
    classes = class_index(pretrain.signs["gloss"].unique())
    windows = truth_windows(pretrain.signs, features, classes)
    bobsl, _ = train_sign_recognizer(windows, len(classes), config, desc="pre-training")
    glosses = class_index(main.exemplars["gloss"].unique())
    ex_windows = exemplar_windows(main.exemplars, exemplars, glosses)
    dictionary, _ = train_sign_recognizer(ex_windows, len(glosses), config, desc="dictionaries")
    return {
        "bobsl": SignModel(bobsl, sorted(classes, key=classes.get), len(windows)),
        "dictionary": SignModel(dictionary, sorted(glosses, key=glosses.get), len(ex_windows)),
    }


def run_summary(run: SpotAlignRun, signs: pd.DataFrame | None) -> dict[str, Any]:
    """Yield and precision of every step, at the expanded and the restricted vocabulary."""
    steps = {}
    for step, found in run.spottings.items():
        restricted = found[found["gloss"].isin(run.restricted)]
        steps[step] = {
            "expanded": spotting_summary(found, signs),
            "restricted": spotting_summary(restricted, signs),
        }
    return {"restricted_vocabulary": len(run.restricted), "steps": steps, "stopped": run.stopped}


def save_run(out: Path, name: str, run: SpotAlignRun) -> None:
    """Spottings of every step, and every dictionary candidate, as parquet tables."""
    folder = out / "spottings" / name
    folder.mkdir(parents=True, exist_ok=True)
    for step, table in run.spottings.items():
        table.to_parquet(folder / f"{step}.parquet", index=False)
    for step, table in run.candidates.items():
        table.to_parquet(folder / f"{step}_candidates.parquet", index=False)


def load_spottings(out: str | Path, run: str, step: str, candidates: bool = False) -> pd.DataFrame:
    """One step's spottings (or all its dictionary candidates) from a stage output folder."""
    name = f"{step}_candidates" if candidates else step
    return pd.read_parquet(Path(out) / "spottings" / run / f"{name}.parquet")


def recognition_accuracy(
    model: SignModel, test_windows: np.ndarray, labels: np.ndarray, restricted: list[str]
) -> dict[str, float]:
    """Top-1/top-5 on the verified test signs, among the restricted vocabulary's classes."""
    columns = [model.classes.index(g) for g in restricted if g in model.classes]
    if len(columns) < len(restricted):
        return {}
    return topk_accuracy(window_logits(model.model, test_windows)[:, columns], labels)


def export_model(
    out: Path,
    name: str,
    model: SignModel,
    corpus: Corpus,
    features: Mapping[str, np.ndarray],
    stride: int,
    with_recognition: bool = True,
    with_clips: bool = True,
) -> None:
    """Weights, clip features for CM (`with_clips`), and per-window recognition for SR on the
    val and test videos (`with_recognition`)."""
    save_sign_model(out / "models" / f"{name}.pt", model)
    split_of = corpus.videos.set_index("video_id")["split"]
    clips, recognition = {}, {}
    for video_id, frames in features.items():
        evaluated = with_recognition and split_of[video_id] in EVALUATED_SPLITS
        if not (with_clips or evaluated):
            continue
        dense = dense_outputs(model.model, frames)
        if with_clips:
            clips[video_id] = dense.embeddings[::stride].astype(np.float16)
        if evaluated:
            recognition[video_id] = (dense.labels, dense.probabilities)
    if with_clips:
        folder = out / "features" / name
        write_ce_features(folder / "main_videos.pkl", clips)
        meta = {"encoder": "sign_recognition", "model": name, "view": "pose",
                "window": WINDOW, "stride": stride}  # fmt: skip
        (folder / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    if with_recognition:
        save_recognition(out / "recognition" / f"{name}.npz", recognition)


@dataclass
class Trained:
    """Everything `train_models` trained and measured, before any export."""

    main: Corpus
    features: dict[str, np.ndarray]  # pose features of the main corpus's videos
    runs: dict[str, SpotAlignRun]  # loop runs by name (main, dictionary_init, ...)
    models: dict[str, SignModel]
    accuracy: dict[str, dict[str, float]]  # model -> top-1/top-5 on the verified test signs
    verified: int  # verified test signs
    reader: dict[str, Any]  # the lip reader's summary
    timer: Timer

    @property
    def final(self) -> str:
        """The final sign-video embedding: the main loop's last step, expanded vocabulary."""
        steps = [s for s in self.runs["main"].spottings if s != "M"]
        return f"M+{steps[-1]}_X" if steps else "M"

    def summary(self) -> dict[str, Any]:
        """What `summary.json` records: yields, precisions, accuracies, where the time went."""
        return {
            "runs": {name: run_summary(run, self.main.signs) for name, run in self.runs.items()},
            "models": {
                name: {
                    "classes": len(m.classes),
                    "annotations": m.annotations,
                    **self.accuracy[name],
                }
                for name, m in self.models.items()
            },  # fmt: skip
            "verified_test_signs": self.verified,
            "lip_reader": self.reader,
            "seconds": self.timer.seconds,
        }


def train_models(section: SpotAlignStageConfig, out: Path) -> Trained:
    """Train every model (writing each loop run's spottings under `out`) and measure each on
    the verified test signs."""
    timer, t = Timer(), time.perf_counter()
    main = Corpus.load(section.corpus_dir)
    require_dictionary(main)
    given = given_mouthings(section.corpus_dir)
    if given is None and main.signs is None:
        raise EmptySpottingError(NO_MOUTHINGS.format(name=main.name))
    pretrain = Corpus.load(section.pretrain_dir)
    features = video_features(main)
    exemplars = exemplar_features(main)
    timer("pose features", t)
    config = train_config(section)
    loop = SpotAlignConfig(
        iterations=section.iterations, dictionary_threshold=section.dictionary_threshold,
        pad_s=section.search_pad_s, train=config,
    )  # fmt: skip

    t = time.perf_counter()
    models = pretrained_models(pretrain, main, exemplars, train_config(section, "pretrain_epochs"))
    timer("pre-training", t)
    t = time.perf_counter()
    reader = None
    if given is None:
        reader = learn_reader(pretrain, "sign", section.min_phonemes, section.search_pad_s)
    timer("lip reader", t)
    spotted: dict[str, pd.DataFrame] = {}

    def mouthings(timing: str) -> pd.DataFrame:
        if given is not None:  # frames of the user's spotter: the same for either timing
            return kept_mouthings(given, main, section.mouthing_threshold)
        if timing not in spotted:  # the same for every chain with this timing
            spotted[timing] = spot_mouthings(
                main, "train", timing, section.mouthing_threshold, section.min_phonemes,
                set(main.exemplars["gloss"]), reader=reader, pad_s=section.search_pad_s,
            )  # fmt: skip
        return spotted[timing]

    def chain(name: str, init: SignModel | None, timing: str, iterations: int) -> SpotAlignRun:
        t = time.perf_counter()
        found = mouthings(timing)
        timer("mouthing spotting", t)
        t = time.perf_counter()
        settings = replace(loop, iterations=iterations, timing=timing)
        run = run_spot_align(main, found, features, exemplars, init and init.model, settings)
        timer("SPOT-ALIGN loop", t)
        save_run(out, name, run)
        return run

    def embedding(run: SpotAlignRun, step: str, expanded: bool, init: SignModel | None):
        t = time.perf_counter()
        model = embedding_model(run, step, expanded, features, init and init.model, config)
        timer("embedding models", t)
        return model

    runs = {"main": chain("main", models["bobsl"], "sign", loop.iterations)}
    main_run = runs["main"]
    models["M"] = embedding(main_run, "M", False, models["bobsl"])
    for step in [s for s in main_run.spottings if s != "M"]:
        for expanded, tag in ((False, "R"), (True, "X")):
            models[f"M+{step}_{tag}"] = embedding(main_run, step, expanded, models["bobsl"])
    if section.init_study:
        for init_name, init in (("dictionary", models["dictionary"]), ("random", None)):
            run = runs[f"{init_name}_init"] = chain(f"{init_name}_init", init, "sign", 1)
            models[f"M@{init_name}"] = embedding(run, "M", False, init)
            if "D1" in run.spottings:
                models[f"M+D1_R@{init_name}"] = embedding(run, "D1", False, init)
    if section.speech_study:
        iterations = section.speech_iterations
        run = runs["speech"] = chain("speech", models["bobsl"], "speech", iterations)
        last = [s for s in run.spottings if s != "M"][-1:] or ["M"]
        models["speech"] = embedding(run, last[0], last[0] != "M", models["bobsl"])

    t = time.perf_counter()
    accuracy, verified = verified_accuracy(main, models, features, main_run.restricted)
    timer("recognition accuracy", t)
    given_count = {"given_spottings": 0 if given is None else len(given)}
    reader_summary = reader.summary() if reader is not None else given_count
    return Trained(main, features, runs, models, accuracy, verified, reader_summary, timer)


NO_MOUTHINGS = (
    "corpus {name!r} is real and no mouthing spottings were given: the book's lip reader learns "
    "the simulator's drawn mouths and cannot read real video, so SPOT-ALIGN has no mouthing "
    "spotting to start from (give your keyword spotter's output as params.yaml "
    "corpora.mouthing_spottings)"
)


def kept_mouthings(given: pd.DataFrame, main: Corpus, threshold: float) -> pd.DataFrame:
    """The given mouthing spottings of training sentences above `threshold` whose lemma has
    dictionary exemplars, as the lip reader's spottings are kept."""
    train = set(main.split_sentences("train")["sentence_id"])
    keep = (
        given["sentence_id"].isin(train)
        & (given["confidence"] > threshold)
        & given["gloss"].isin(set(main.exemplars["gloss"]))
    )
    return given[keep].reset_index(drop=True)


def require_dictionary(main: Corpus) -> None:
    """Refuse a main corpus without dictionary exemplars: SPOT-ALIGN spots signs by them."""
    if main.exemplars.empty:
        raise ValueError(
            f"corpus {main.name!r} has no dictionary exemplars, and SPOT-ALIGN spots signs by "
            "matching them: give your WLASL / MS-ASL exemplars as .pose files (params.yaml "
            "corpora: wlasl_json or msasl_json, and exemplar_pose_dir)"
        )


def verified_accuracy(
    main: Corpus,
    models: Mapping[str, SignModel],
    features: Mapping[str, np.ndarray],
    restricted: list[str],
) -> tuple[dict[str, dict[str, float]], int]:
    """Each model's top-1 and top-5 on the verified test signs, and how many there are.

    A corpus without ground truth (a real one: the paper's verified How2Sign test signs are not
    public) has none, and every model's accuracy is left out.
    """
    if main.signs is None:
        return {name: {} for name in models}, 0
    split_of = main.videos.set_index("video_id")["split"]
    test = verified_signs(main.signs, features, class_index(restricted), split_of)
    crops = centre_crops(test)
    accuracy = {
        n: recognition_accuracy(m, crops, test.labels, restricted) for n, m in models.items()
    }
    return accuracy, len(test)


def write_summary(out: Path, trained: Trained) -> dict[str, Any]:
    """Write `summary.json` under `out`; return it."""
    summary = trained.summary()
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def write_unavailable(out: Path, reason: str) -> dict[str, Any]:
    """Record in `summary.json` under `out` that no model could be trained, and why."""
    log.warning("SPOT-ALIGN is not available on this corpus: %s", reason)
    out.mkdir(parents=True, exist_ok=True)
    summary = {"available": False, "reason": reason}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def run_stage(section: SpotAlignStageConfig, out: Path) -> dict[str, Any]:
    """Train and export every model; return the summary written to `summary.json`."""
    try:
        trained = train_models(section, out)
    except EmptySpottingError as err:
        return write_unavailable(out, str(err))
    t = time.perf_counter()
    for name, model in trained.models.items():
        export_model(out, name, model, trained.main, trained.features, section.feature_stride,
                     with_recognition=name != "bobsl")  # fmt: skip
    trained.timer("dense inference and export", t)
    return write_summary(out, trained)


def _run(section: SpotAlignStageConfig, args: argparse.Namespace) -> None:
    summary = run_stage(section, args.out)
    if "seconds" in summary:
        seconds = summary["seconds"]
        log.info("spot_align done in %.0f s: %s", sum(seconds.values()), seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the `spot_align` stage with the params file's `spot_align` section."""
    from slr_lib.pipeline.stage_cli import stage_main

    return stage_main(
        SpotAlignStageConfig, _run, prog="slr-spot-align", description=main.__doc__,
        out="data/spotalign", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
