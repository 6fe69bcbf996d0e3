"""Pre-training of SEDS' pose encoder on the related sign language (the paper's SignBERT role).

SEDS initialises the hand graph network of its online pose encoder from SignBERT, a model
pre-trained on hand poses of other sign data, then fine-tunes it with the rest of the model
(SEDS Sec. 4.1). SignBERT and its data cannot be had offline; here the same encoder
(`slr_lib.model.pose_gcn.PoseEncoder`, at the SEDS model size) is pre-trained to classify the
annotated signs of the **related sign language** (the pre-training corpus, as the RGB encoder
is), over 16-frame windows centred on its signs. Like SignBERT, it never sees the main corpus.
A held-out share of the windows measures what it learnt; the stage writes the encoder's weights
(`encoder.pt`, plain tensors, read with `weights_only`) and a `meta.json`.

Run as a stage: `python -m slr_lib.trainer.pose_encoder --out data/features/pose_gcn`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from slr_lib.config import SectionConfig, knob
from slr_lib.data.corpus import Corpus
from slr_lib.data_loader.retrieval import batches
from slr_lib.data_loader.sign_windows import WindowSet, class_index, truth_windows
from slr_lib.logging_setup import get_logger
from slr_lib.model.pose_gcn import IN_CHANNELS, N_GROUP_POINTS, PoseEncoder, pose_groups
from slr_lib.model.seds import MODEL_SIZES
from slr_lib.model.sign_recognition import WINDOW
from slr_lib.pipeline.timing import timed
from slr_lib.trainer import optimisers
from slr_lib.trainer.crossmodal import seed_everything

log = get_logger(__name__)
ENCODER_FILE = "encoder.pt"


class PoseClassifier(nn.Module):
    """A pose encoder with a linear sign classifier over its one clip feature per window."""

    def __init__(self, gcn_dims: tuple[int, ...], n_classes: int, dropout: float = 0.2) -> None:
        super().__init__()
        self.encoder = PoseEncoder(gcn_dims)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(self.encoder.out_dim, n_classes))

    def forward(self, windows: Tensor) -> Tensor:
        """Class logits (B, C) of (B, W, 49, 3) keypoint windows."""
        batch, width = windows.shape[:2]
        index = torch.arange(batch * width).reshape(batch, 1, width)
        clips = self.encoder(windows.reshape(batch * width, N_GROUP_POINTS, IN_CHANNELS), index)
        return self.head(clips[:, 0])


@dataclass(frozen=True)
class PoseEncoderConfig(SectionConfig):
    """The `pose_encoder` section: the pre-training of SEDS' pose encoder."""

    SECTION = "pose_encoder"

    pretrain_dir: str = knob()
    model_size: str = knob(choices=tuple(MODEL_SIZES))
    epochs: int = knob(ge=1)
    batch_size: int = knob(ge=2)
    lr: float = knob(gt=0)
    held_out: float = knob(gt=0, lt=1)
    seed: int = knob(ge=0)


def sign_windows(corpus: Corpus) -> tuple[WindowSet, dict[str, int]]:
    """16-frame encoder-input windows (N, 16, 49 * 3) centred on the corpus's annotated signs."""
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no sign annotations to pre-train on")
    frames = {
        video_id: pose_groups(*corpus.video_pose(video_id)).reshape(
            -1, N_GROUP_POINTS * IN_CHANNELS
        )
        for video_id in corpus.videos["video_id"]
    }
    classes = class_index(corpus.signs["gloss"].unique())
    return truth_windows(corpus.signs, frames, classes), classes


def _as_input(windows: WindowSet, index: np.ndarray) -> Tensor:
    frames = windows.frames[index, :WINDOW]
    return torch.from_numpy(frames.reshape(len(index), WINDOW, N_GROUP_POINTS, IN_CHANNELS))


@torch.no_grad()
def accuracy(model: PoseClassifier, windows: WindowSet, index: np.ndarray) -> float:
    """Top-1 accuracy on the windows at `index`."""
    model.eval()
    logits = model(_as_input(windows, index))
    return float((logits.argmax(1).numpy() == windows.labels[index]).mean())


@timed("pose encoder pre-training")
def pretrain_pose_encoder(
    windows: WindowSet, n_classes: int, config: PoseEncoderConfig
) -> tuple[PoseClassifier, list[dict[str, float]]]:
    """Train a classifier on all but a held-out share of the windows (Adam, cosine schedule)."""
    if len(windows) < 2:
        raise ValueError("pose pre-training needs at least two sign windows")
    seed_everything(config.seed)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(windows))
    n_held = max(1, int(round(config.held_out * len(windows))))
    held, train = order[:n_held], order[n_held:]
    model = PoseClassifier(tuple(MODEL_SIZES[config.model_size]["gcn_dims"]), n_classes)
    optimiser = optimisers.adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, config.epochs)
    history = []
    for epoch in tqdm(range(1, config.epochs + 1), desc="pose pre-training", leave=False):
        model.train()
        losses = []
        for index in batches(len(train), config.batch_size, rng):
            chosen = train[index]
            loss = nn.functional.cross_entropy(
                model(_as_input(windows, chosen)), torch.from_numpy(windows.labels[chosen]).long()
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
        schedule.step()
        history.append(
            {"epoch": epoch, "loss": float(np.mean(losses)),
             "held_out_acc": accuracy(model, windows, held)}
        )  # fmt: skip
    return model.eval(), history


def save_pose_encoder(path: Path, encoder: PoseEncoder, gcn_dims: tuple[int, ...]) -> None:
    """The encoder's weights and graph sizes, as plain tensors and numbers."""
    torch.save({"gcn_dims": list(gcn_dims), "state_dict": encoder.state_dict()}, path)


def load_pose_encoder(folder: str | Path) -> tuple[tuple[int, ...], Mapping[str, Tensor]]:
    """The graph sizes and weights written by this stage into `folder`."""
    path = Path(folder) / ENCODER_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no pre-trained pose encoder at {path}: run the pose_encoder stage "
            "(dvc repro pose_encoder)"
        )
    saved = torch.load(path, map_location="cpu", weights_only=True)
    return tuple(int(d) for d in saved["gcn_dims"]), saved["state_dict"]


def run_stage(section: PoseEncoderConfig, out: Path) -> dict[str, Any]:
    """Pre-train the pose encoder on the related language and write it into `out`."""
    pretrain = Corpus.load(section.pretrain_dir)
    windows, classes = sign_windows(pretrain)
    model, history = pretrain_pose_encoder(windows, len(classes), section)
    gcn_dims = tuple(MODEL_SIZES[section.model_size]["gcn_dims"])
    save_pose_encoder(out / ENCODER_FILE, model.encoder, gcn_dims)
    meta = {
        "encoder": "pose_gcn", "model_size": section.model_size, "gcn_dims": list(gcn_dims),
        "pretrained_on": section.pretrain_dir, "pretrain_windows": len(windows),
        "pretrain_classes": len(classes), "epochs": section.epochs,
        "held_out_accuracy": history[-1]["held_out_acc"],
        "chance_accuracy": 1 / len(classes),
    }  # fmt: skip
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    log.info(
        "pose encoder pre-trained on %d windows of %d signs: held-out top-1 %.3f",
        len(windows), len(classes), meta["held_out_accuracy"],
    )  # fmt: skip
    return meta


def main(argv: list[str] | None = None) -> int:
    """Pre-train SEDS' pose encoder on the related sign language's annotated signs."""
    from slr_lib.pipeline.stage_cli import into_out, stage_main

    return stage_main(
        PoseEncoderConfig, into_out(run_stage), prog="slr-pose-encoder", description=main.__doc__,
        out="data/features/pose_gcn", argv=argv,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
