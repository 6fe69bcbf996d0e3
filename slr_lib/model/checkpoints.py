"""Saving and loading trained sign-recognition models with their class names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from slr_lib.model.sign_recognition import SignRecognizer


@dataclass
class SignModel:
    """A trained sign-recognition model, the glosses of its classes (in class order), and the
    number of training windows it saw."""

    model: SignRecognizer
    classes: list[str]
    annotations: int


def save_sign_model(path: str | Path, sign_model: SignModel) -> Path:
    """Write a model file (weights, architecture, classes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model = sign_model.model
    torch.save(
        {
            "architecture": {
                "n_inputs": model.n_inputs, "n_classes": model.n_classes,
                "width": model.width, "embed_dim": model.embed_dim,
            },
            "state_dict": model.state_dict(),
            "classes": list(sign_model.classes),
            "annotations": int(sign_model.annotations),
        },
        path,
    )  # fmt: skip
    return path


def load_sign_model(path: str | Path) -> SignModel:
    """Read a model file written by `save_sign_model`, in eval mode on the CPU."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no sign-recognition model at {path}")
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model = SignRecognizer(**saved["architecture"])
    model.load_state_dict(saved["state_dict"])
    return SignModel(model.eval(), list(saved["classes"]), int(saved["annotations"]))
