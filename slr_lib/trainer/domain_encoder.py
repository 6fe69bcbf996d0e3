"""CiCo's domain-aware RGB encoder: the pre-trained RGB encoder fine-tuned on pseudo-labels.

CiCo does not use a sign encoder pre-trained on another sign language as it is: it first runs a
sign spotter over the target dataset's training videos and fine-tunes its I3D on the spottings
(pseudo-labels), so that the clip features know the target domain's signs, then freezes it. Here
the pre-trained encoder of the `rgb_encoder` stage (the related language's signs, RGB-like view)
is fine-tuned on SPOT-ALIGN's automatic annotations of the main corpus's training videos (the
`spot_align` stage's spottings: the sign spotter of these papers), with a new classifier over
their glosses, and its penultimate layer gives the clip features again, with the view, window
and stride the `rgb_encoder` stage recorded. No ground-truth sign of the main corpus is read.

Run as a stage: `python -m slr_lib.trainer.domain_encoder --out data/features/rgb_domain`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data.clip_features import read_meta
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import write_ce_features
from slr_lib.data.rgb_frames import video_rgb_frames
from slr_lib.data.roles import copy_real_rgb_features, renders_rgb
from slr_lib.data_loader.sign_windows import ANNOTATION_COLUMNS, annotation_windows, class_index
from slr_lib.logging_setup import get_logger
from slr_lib.model.checkpoints import SignModel, load_sign_model, save_sign_model
from slr_lib.trainer.rgb_encoder import clip_features
from slr_lib.trainer.sign_recognition import SignTrainConfig, train_sign_recognizer

log = get_logger(__name__)


@dataclass(frozen=True)
class DomainEncoderConfig(SectionConfig):
    """The `domain_encoder` section: pseudo-labelled fine-tuning of the RGB clip encoder."""

    SECTION = "domain_encoder"

    encoder_dir: str = knob()
    corpus_dir: str = knob()
    pseudo_labels: str = knob()
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    lr_drop: float = knob(ge=0, le=1)
    seed: int = knob(ge=0)


def read_pseudo_labels(path: str | Path, corpus: Corpus) -> pd.DataFrame:
    """Spottings of the corpus's training videos, checked: columns, known videos, train only."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no pseudo-labels at {path}: run the spot_align stage first")
    table = pd.read_parquet(path)
    missing = set(ANNOTATION_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: pseudo-labels lack columns {sorted(missing)}")
    split = corpus.videos.set_index("video_id")["split"]
    unknown = sorted(set(table["video_id"]) - set(split.index))
    if unknown:
        raise ValueError(f"{path}: videos not in corpus {corpus.name!r}: {unknown[:5]}")
    outside = sorted(set(split.loc[table["video_id"].unique()]) - {"train"})
    if outside:
        raise ValueError(f"{path}: pseudo-labels must come from training videos, found {outside}")
    if table.empty:
        raise ValueError(f"{path}: no pseudo-labels to fine-tune on")
    return table


def run_stage(section: DomainEncoderConfig, out: Path) -> dict[str, Any]:
    """Fine-tune the pre-trained RGB encoder on pseudo-labels; write the new clip features.

    A real main corpus has no frames to fine-tune on: its own I3D features are written instead
    (CiCo's released How2Sign features come from CiCo's domain-aware encoder itself).
    """
    main = Corpus.load(section.corpus_dir)
    if not renders_rgb(main):
        return copy_real_rgb_features(section.corpus_dir, out, "domain-aware RGB encoder")
    encoder_meta = read_meta(Path(section.encoder_dir))
    pretrained = load_sign_model(Path(section.encoder_dir) / "encoder.pt")
    labels = read_pseudo_labels(section.pseudo_labels, main)
    view = {key: encoder_meta[key] for key in ("image_size", "pooled", "seed")}
    frames = video_rgb_frames(main, **view)
    classes = class_index(labels["gloss"].unique())
    windows = annotation_windows(labels, frames, classes)
    config = SignTrainConfig(
        epochs=section.epochs, batch_size=section.batch_size, lr=section.lr,
        lr_drop=section.lr_drop, seed=section.seed, augment=False,
    )  # fmt: skip
    model, history = train_sign_recognizer(
        windows, len(classes), config, init=pretrained.model, desc="RGB domain fine-tuning"
    )
    encoder = SignModel(model, sorted(classes, key=classes.get), len(windows))
    write_ce_features(
        out / "main_videos.pkl", clip_features(encoder, frames, encoder_meta["stride"])
    )
    save_sign_model(out / "encoder.pt", encoder)
    meta = {
        **encoder_meta,
        "domain_aware": True,
        "pseudo_labels": section.pseudo_labels,
        "pseudo_label_windows": len(windows),
        "pseudo_label_classes": len(classes),
        "finetune_train_accuracy": history[-1]["train_acc"],
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    log.info("domain-aware RGB clip features of %d videos written to %s", len(frames), out)
    return meta


def main(argv: list[str] | None = None) -> int:
    """Fine-tune the RGB clip encoder on the main corpus's pseudo-labels (CiCo's encoder)."""
    from slr_lib.pipeline.stage_cli import into_out, stage_main

    return stage_main(
        DomainEncoderConfig, into_out(run_stage), prog="slr-domain-encoder",
        description=main.__doc__, out="data/features/rgb_domain", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
