"""The RGB stream's frozen clip encoder for SEDS (the paper's I3D pre-trained on BSL-1K).

SEDS reads offline RGB clip features from an I3D network pre-trained for sign classification on
BSL-1K and then frozen. Here that role is played by a `SignRecognizer` (a temporal conv net over
16-frame windows) over the corpus's RGB-like view (`slr_lib.data.rgb_frames`: the signer drawn
at low detail and pooled per frame), trained to classify the annotated signs of the **related
sign language** (the pre-training corpus, the BSL role), then frozen: its penultimate layer,
densely over every 16-frame window of the main corpus's videos and kept every `stride` frames,
gives the RGB clip features. Like the paper's, the encoder never sees the main corpus's labels.

The stage (`python -m slr_lib.trainer.rgb_encoder`) writes the features in the Collaborative
Experts layout with a `meta.json` (window, stride, and the pre-training's size and accuracy), so
the SEDS chapters read them like any features folder, and the encoder's weights beside them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from slr_lib.config import SectionConfig, knob
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import write_ce_features
from slr_lib.data.rgb_frames import video_rgb_frames
from slr_lib.data.roles import copy_real_rgb_features, renders_rgb
from slr_lib.data_loader.sign_windows import class_index, truth_windows
from slr_lib.logging_setup import get_logger
from slr_lib.model.checkpoints import SignModel, save_sign_model
from slr_lib.model.dense import dense_embeddings
from slr_lib.model.sign_recognition import WINDOW
from slr_lib.pipeline.timing import timed
from slr_lib.trainer.sign_recognition import SignTrainConfig, train_sign_recognizer

log = get_logger(__name__)


@timed("RGB encoder pre-training")
def pretrain_rgb_encoder(
    pretrain: Corpus, config: SignTrainConfig, image_size: int = 24, pooled: int = 8, seed: int = 0
) -> tuple[SignModel, list[dict[str, float]]]:
    """A sign classifier over the RGB-like view of the related language's annotated signs."""
    if pretrain.signs is None:
        raise ValueError(f"corpus {pretrain.name!r} has no sign annotations to pre-train on")
    frames = video_rgb_frames(pretrain, image_size=image_size, pooled=pooled, seed=seed)
    classes = class_index(pretrain.signs["gloss"].unique())
    windows = truth_windows(pretrain.signs, frames, classes)
    model, history = train_sign_recognizer(windows, len(classes), config, desc="RGB pre-training")
    return SignModel(model, sorted(classes, key=classes.get), len(windows)), history


def clip_features(
    encoder: SignModel, frames: Mapping[str, np.ndarray], stride: int
) -> dict[str, np.ndarray]:
    """Frozen embeddings of every `stride`-th 16-frame window of each video (float16)."""
    return {
        video_id: dense_embeddings(encoder.model, video)[::stride].astype(np.float16)
        for video_id, video in frames.items()
    }


@dataclass(frozen=True)
class RGBEncoderConfig(SectionConfig):
    """The `rgb_encoder` section: the pre-training of the RGB stream's frozen clip encoder."""

    SECTION = "rgb_encoder"

    pretrain_dir: str = knob()
    corpus_dir: str = knob()
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    lr_drop: float = knob(ge=0, le=1)
    width: int = knob(ge=1)
    embed_dim: int = knob(ge=1)
    stride: int = knob(ge=1)
    image_size: int = knob(ge=1)
    pooled: int = knob(ge=1)
    seed: int = knob(ge=0)


def run_stage(section: RGBEncoderConfig, out: Path) -> dict[str, Any]:
    """Pre-train, freeze, and write the main corpus's RGB clip features into `out`.

    A real main corpus has no RGB-like view to encode: its own I3D features (the role this
    encoder plays) are written instead (`slr_lib.data.roles.copy_real_rgb_features`).
    """
    main = Corpus.load(section.corpus_dir)
    if not renders_rgb(main):
        return copy_real_rgb_features(section.corpus_dir, out, "RGB encoder pre-trained on signs")
    config = SignTrainConfig(
        epochs=section.epochs, batch_size=section.batch_size, lr=section.lr,
        lr_drop=section.lr_drop, width=section.width, embed_dim=section.embed_dim,
        seed=section.seed, augment=False,  # the augmentations mirror keypoint coordinates
    )  # fmt: skip
    view = {"image_size": section.image_size, "pooled": section.pooled, "seed": section.seed}
    encoder, history = pretrain_rgb_encoder(Corpus.load(section.pretrain_dir), config, **view)
    features = clip_features(encoder, video_rgb_frames(main, **view), section.stride)
    write_ce_features(out / "main_videos.pkl", features)
    save_sign_model(out / "encoder.pt", encoder)
    meta = {
        "encoder": "sign_recognition", "view": "rgb", "window": WINDOW,
        "stride": section.stride, "dim": section.embed_dim,
        "pretrained_on": section.pretrain_dir, "pretrain_windows": encoder.annotations,
        "pretrain_classes": len(encoder.classes),
        "pretrain_train_accuracy": history[-1]["train_acc"] if history else None,
        **view,
    }  # fmt: skip
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    log.info("RGB clip features of %d videos written to %s", len(features), out)
    return meta


def main(argv: list[str] | None = None) -> int:
    """Pre-train the RGB-like view's sign encoder and write the frozen clip features."""
    from slr_lib.pipeline.stage_cli import into_out, stage_main

    return stage_main(
        RGBEncoderConfig, into_out(run_stage), prog="slr-rgb-encoder", description=main.__doc__,
        out="data/features/rgb_signs", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
